"""Interactions, made block by block of actors: organic engagement (a share of it aimed at
the community's leaders), the planned engagement inside pods and the likes of tiny posts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..vocabulary import KINDS
from .names import TOPICS
from .population import TINY, Population
from .posts import Posts
from .sampling import IntArray, blocks, draw_topics, pick, quotas, stream
from .spec import GraphSpec

KIND_P = np.array([0.55, 0.15, 0.12, 0.10, 0.08])  # like, comment, reply, share, mention
KIND_ATTACH_P = np.array([0.92, 0.95, 0.95, 0.97, 0.0])  # chance the interaction names a post
LEADER_SHARE = 0.3  # share of in-community interactions aimed directly at a leader
LIKE, COMMENT = KINDS.index("like"), KINDS.index("comment")
TINY_LIKES_P = (0.2, 0.5, 0.3)  # chance of 0, 1, 2 likes on a tiny account's post
POD_P = ((LIKE, 0.9), (COMMENT, 0.5))  # chance a pod member likes / comments a member's post
OWN_TOPICS_P = (0.25, 0.5, 0.25)  # 0, 1, 2 topics on an interaction that names no post


@dataclass(frozen=True)
class Interactions:
    """Interaction rows (account / post indices, kind index, seconds into the window)."""

    actor: IntArray
    target: IntArray
    kind: IntArray
    at: IntArray
    post: IntArray  # post index or -1
    topics: IntArray  # (rows, 3) topic indices, -1 = none

    def __len__(self) -> int:
        return len(self.actor)

    def take(self, index: IntArray | slice) -> Interactions:
        """The rows at ``index``."""
        return Interactions(*(getattr(self, f.name)[index] for f in fields(self)))

    @staticmethod
    def concat(parts: list[Interactions]) -> Interactions:
        """All rows of ``parts``, in order."""
        return Interactions(*(np.concatenate([getattr(p, f.name) for p in parts])
                              for f in fields(Interactions)))

    def distinct(self) -> Interactions:
        """Without repeated (actor, target, kind, at, post) rows; the first one is kept."""
        keys = pd.DataFrame({name: getattr(self, name)
                             for name in ("actor", "target", "kind", "at", "post")})
        return self.take(np.flatnonzero(~keys.duplicated(keep="first").to_numpy()))


def _responses(rng: np.random.Generator, spec: GraphSpec, posts: Posts, post: IntArray,
               actor: IntArray, kind: int, lag: float) -> Interactions:
    """Rows of ``actor`` responding to ``post`` about ``lag`` seconds after it appeared."""
    at = posts.at[post] + rng.exponential(lag, size=len(post)).astype(np.int64)
    late = at >= spec.window
    at[late] = posts.at[post][late] + (rng.random(int(late.sum()))
                                       * (spec.window - posts.at[post][late])).astype(np.int64)
    target = posts.author[post]
    ok = actor != target
    return Interactions(actor[ok], target[ok], np.full(int(ok.sum()), kind, dtype=np.int64),
                        at[ok], post[ok], posts.topics[post[ok]])


def planned(spec: GraphSpec, pop: Population, posts: Posts) -> Interactions:
    """Likes of tiny accounts' posts and pod engagement, distinct, sorted by actor."""
    rng = stream(spec.seed, "plan", 2)
    tiny_posts = np.flatnonzero(pop.role[posts.author] == TINY)
    post = np.repeat(tiny_posts, rng.choice(3, size=len(tiny_posts), p=TINY_LIKES_P))
    likers = pop.act_sampler.within(pop.comm[posts.author[post]], rng.random(len(post)))
    parts = [_responses(rng, spec, posts, post, likers, LIKE, 8 * 3600)]
    for pod in pop.pods:
        pod_posts = np.concatenate([posts.of(int(member)) for member in pod])
        for kind, p in POD_P:
            post = np.repeat(pod_posts, len(pod))
            actor = np.tile(pod, len(pod_posts))
            keep = rng.random(len(post)) < p
            parts.append(_responses(rng, spec, posts, post[keep], actor[keep], kind, 4 * 3600))
    rows = Interactions.concat(parts).distinct()
    if len(rows) > spec.interactions // 2:
        raise ValueError("too few interactions for the planted pods and tiny accounts")
    return rows.take(np.argsort(rows.actor, kind="stable"))


def interaction_blocks(spec: GraphSpec, pop: Population, posts: Posts) -> Iterator[Interactions]:
    """Every interaction, one block of actors at a time (each block sorted by time)."""
    head = planned(spec, pop, posts)
    spans = blocks(spec.accounts, spec.interactions)
    organic = quotas(stream(spec.seed, "plan", 3), spec.interactions - len(head),
                     pop.activity, spans)
    bounds = np.searchsorted(head.actor, [lo for lo, _ in spans] + [spec.accounts])
    for b, (lo, hi) in enumerate(spans):
        rows = head.take(slice(int(bounds[b]), int(bounds[b + 1])))
        want = len(rows) + int(organic[b])
        rng = stream(spec.seed, "interactions", b)
        for _ in range(100):
            missing = want - len(rows)
            if missing <= 0:
                break
            new = _organic(rng, spec, pop, posts, lo, hi, int(missing * 1.05) + 64)
            rows = Interactions.concat([rows, new]).distinct()
        if len(rows) < want:
            raise RuntimeError("could not generate enough distinct interactions")
        rows = rows.take(slice(0, want))
        yield rows.take(np.argsort(rows.at, kind="stable"))


def _organic(rng: np.random.Generator, spec: GraphSpec, pop: Population, posts: Posts,
             lo: int, hi: int, m: int) -> Interactions:
    """``m`` organic interactions by actors of the block [lo, hi) (self-loops dropped)."""
    actor = lo + pick(pop.activity[lo:hi], rng.random(m))
    c = pop.comm[actor]
    target = pop.engage_sampler.within(c, rng.random(m))
    to_leader = rng.random(m) < LEADER_SHARE
    lead = pop.leader_pad[c, (rng.random(m) * pop.leader_cnt[c]).astype(np.int64)]
    target = np.where(to_leader, lead, target)
    cross = rng.random(m) < spec.mixing
    target[cross] = pop.engage_sampler.anywhere(rng.random(int(cross.sum())))
    kind = rng.choice(len(KINDS), size=m, p=KIND_P).astype(np.int64)

    n_posts = posts.count[target]
    attach = (rng.random(m) < KIND_ATTACH_P[kind]) & (n_posts > 0)
    offset = (rng.random(m) * n_posts).astype(np.int64)
    pos = np.minimum(posts.start[target] + offset, max(spec.posts - 1, 0))
    post = np.where(attach, posts.by_author[pos] if spec.posts else -1, -1).astype(np.int64)

    free_at = rng.integers(0, spec.window, size=m)
    post_at = posts.at[np.maximum(post, 0)] if spec.posts else np.zeros(m, dtype=np.int64)
    reacted = post_at + rng.exponential(8 * 3600, size=m).astype(np.int64)
    late = reacted >= spec.window
    reacted[late] = post_at[late] + (rng.random(int(late.sum())) * (spec.window - post_at[late]))
    at = np.where(attach, reacted, free_at).astype(np.int64)

    own = draw_topics(rng, pop.fav_pad, pop.fav_cnt, c, OWN_TOPICS_P, spec.mixing, len(TOPICS))
    post_topics = posts.topics[np.maximum(post, 0)] if spec.posts else own
    topics = np.where(attach[:, None], post_topics, own)
    ok = actor != target
    return Interactions(actor[ok], target[ok], kind[ok], at[ok], post[ok], topics[ok])
