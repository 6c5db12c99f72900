"""Posts: organic ones by posting weight, plus the planned posts of pods and tiny accounts.
Held in memory (every interaction with a post picks one of its target's posts)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .names import TOPICS
from .population import LEADER, TINY, Population
from .sampling import BoolArray, IntArray, draw_topics, pick, stream
from .spec import GraphSpec

CTA_SHARE = 0.05  # posts that call their audience to action
TINY_POSTS = (2, 6)  # a tiny account writes this many posts (inclusive), all on one topic
POD_POSTS = (4, 8)  # each pod member's posts, every one engaged with by the whole ring
TOPIC_COUNT_P = (0.0, 0.5, 0.35, 0.15)  # chance of 0, 1, 2, 3 topics on an organic post


@dataclass(frozen=True)
class Posts:
    """Every post in time order (its index is its id's number - 1)."""

    author: IntArray
    at: IntArray
    topics: IntArray  # (posts, 3) topic indices, -1 = none
    cta: BoolArray
    start: IntArray  # per account: first position in `by_author`
    count: IntArray  # per account: number of posts
    by_author: IntArray

    def of(self, account: int) -> IntArray:
        """The posts of one account."""
        first = int(self.start[account])
        return self.by_author[first: first + int(self.count[account])]


def make_posts(spec: GraphSpec, pop: Population) -> Posts:
    """Draw every post: authors, times, topics and calls to action."""
    rng = stream(spec.seed, "posts")
    p, n = spec.posts, spec.accounts
    members = np.concatenate(pop.pods) if pop.pods else np.empty(0, dtype=np.int64)
    planned = np.concatenate((
        np.repeat(pop.tiny, rng.integers(TINY_POSTS[0], TINY_POSTS[1] + 1, size=len(pop.tiny))),
        np.repeat(members, rng.integers(POD_POSTS[0], POD_POSTS[1] + 1, size=len(members))),
    ))[: p // 2]
    organic = pick(pop.post_weight, rng.random(p - len(planned)))
    author = np.concatenate((planned, organic)).astype(np.int64)
    topics = draw_topics(rng, pop.fav_pad, pop.fav_cnt, pop.comm[author], TOPIC_COUNT_P,
                         spec.mixing, len(TOPICS))
    # a tiny account keeps to one topic, mostly one of its community's
    own = pop.fav_pad[pop.comm[pop.tiny],
                      (rng.random(len(pop.tiny)) * pop.fav_cnt[pop.comm[pop.tiny]]).astype(int)]
    own = np.where(rng.random(len(pop.tiny)) < 0.85, own,
                   rng.integers(0, len(TOPICS), size=len(pop.tiny)))
    is_tiny = pop.role[author] == TINY
    topics[is_tiny] = -1
    topics[is_tiny, 0] = own[np.searchsorted(pop.tiny, author[is_tiny])]
    _rotate_leader_topics(pop, author, topics)
    at = rng.integers(0, spec.window, size=p).astype(np.int64)
    cta = rng.random(p) < CTA_SHARE
    order = np.argsort(at, kind="stable")
    author, at, topics, cta = author[order], at[order], topics[order], cta[order]
    by_author = np.argsort(author, kind="stable").astype(np.int64)
    count = np.bincount(author, minlength=n).astype(np.int64)
    start = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    return Posts(author, at, topics, cta, start, count, by_author)


def _rotate_leader_topics(pop: Population, author: IntArray, topics: IntArray) -> None:
    """A leader's n-th post is about its community's (n mod k)-th topic (and maybe others):
    a leader of a community about T posts about T, as truth.json says it leads T."""
    mine = np.flatnonzero(pop.role[author] == LEADER)
    mine = mine[np.argsort(author[mine], kind="stable")]
    first = np.concatenate(([0], np.flatnonzero(np.diff(author[mine])) + 1))
    nth = np.arange(len(mine)) - np.repeat(first, np.diff(np.append(first, len(mine))))
    comm = pop.comm[author[mine]]
    want = pop.fav_pad[comm, nth % pop.fav_cnt[comm]]
    rows = mine[~(topics[mine] == want[:, None]).any(axis=1)]
    fixed = topics[rows]
    fixed[:, 0] = want[~(topics[mine] == want[:, None]).any(axis=1)]
    fixed[fixed < 0] = len(TOPICS)  # keep the padding last
    fixed.sort(axis=1)
    fixed[fixed == len(TOPICS)] = -1
    topics[rows] = fixed

