"""The counts the influencer and topic scores rest on, from the influence stage's inputs (pure).

One array element per account with any activity: the engagement graph's nodes first, in
node-index order, then the accounts only the influence reads saw (posts, declared
followers, adoptions), by id. The *responders* of an account are the distinct accounts
that engaged with it in the window, less those it engages back beyond chance
(:class:`Reciprocity`) — counted on the interaction part of the refresh's pair list
(``EngagementGraph.engagement``), with no query of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ..analytics import Edges, FloatArray, IntArray, distinct
from ..influence import AccountEvidence, TopicEvidence
from .leaders import CommunityResult
from .topics import TopicCounts

Rows = list[dict[str, Any]]
RING_OPENNESS = 0.5  # a community returning more than half of its engaging pairs is a ring


@dataclass(frozen=True)
class Nodes:
    """Lookups from account id to the community stage's per-node results."""

    index: dict[str, int]
    result: CommunityResult

    @classmethod
    def of(cls, result: CommunityResult) -> Nodes:
        """Index the community stage's nodes by account id."""
        return cls({a: i for i, a in enumerate(result.accounts)}, result)

    def community(self, account: str) -> int:
        """The account's community index (-1: unclustered or not analysed)."""
        i = self.index.get(account)
        return int(self.result.partition.labels[i]) if i is not None else -1

    def leader_score(self, account: str) -> float | None:
        """The account's leader score (None when it was not analysed)."""
        i = self.index.get(account)
        return float(self.result.ranking.components["score"][i]) if i is not None else None


@dataclass(frozen=True)
class Population:
    """The accounts scored: graph nodes first (same index), then the others by id."""

    ids: list[str]
    index: dict[str, int]
    nodes: int  # how many of them are graph nodes
    community: IntArray  # community index per account, -1 outside communities
    ring: npt.NDArray[np.bool_]  # members of a ring community (scored as unclustered)

    @classmethod
    def of(cls, result: CommunityResult, others: Iterable[str]) -> Population:
        """Every graph node and every other account named in ``others``."""
        ids = list(result.accounts)
        seen = set(ids)
        ids += sorted(set(others) - seen)
        community = np.full(len(ids), -1, dtype=np.int64)
        community[:len(result.accounts)] = result.partition.labels
        return cls(ids, {a: i for i, a in enumerate(ids)}, len(result.accounts), community,
                   np.zeros(len(ids), dtype=bool))

    def column(self, values: dict[str, Any], key: str | None = None) -> FloatArray:
        """A per-account array from a dict by account id (missing = 0)."""
        out = np.zeros(len(self.ids))
        for account, value in values.items():
            i = self.index.get(account)
            v = value.get(key) if key is not None else value
            if i is not None and v:
                out[i] = float(v)
        return out


class Reciprocity:
    """Which engagement an account returns, and how much of that chance explains.

    Engagement from an account it engages back is *returned*. But an account that engages
    a third of its small community returns a third of its engagers' engagement by chance:
    it picks whom to engage without regard to who engages it. So only returned engagement
    beyond that expectation — Σ over engagers of weight × the chance it engages such an
    account (distinct members it engages / other members of its community; likewise
    outside it) — counts as exchanged; an engagement pod returns far more than its habits
    explain. In node-index space; accounts beyond the nodes engage nobody."""

    def __init__(self, engagement: Edges, labels: IntArray):
        n = len(labels)
        self.n, self.labels = np.int64(n), labels
        src, dst = engagement.src, engagement.dst
        self.keys = np.sort(src * self.n + dst)
        same = (labels[src] == labels[dst]) & (labels[src] >= 0)
        size = np.bincount(labels[labels >= 0], minlength=int(labels.max()) + 1 if n else 0)
        own = np.where(labels >= 0, size[np.maximum(labels, 0)] if len(size) else 1, 1)
        self.p_in = np.divide(np.bincount(src[same], minlength=n), own - 1,
                              out=np.zeros(n), where=own > 1)
        self.p_out = np.divide(np.bincount(src[~same], minlength=n), n - own,
                               out=np.zeros(n), where=n - own > 0)

    def engages(self, src: IntArray, dst: IntArray) -> npt.NDArray[np.bool_]:
        """Per pair: whether src engaged with dst in the window (False for non-nodes)."""
        valid = (src >= 0) & (src < self.n) & (dst >= 0) & (dst < self.n)
        if not len(self.keys):
            return np.zeros(len(src), dtype=bool)
        keys = np.where(valid, src * self.n + dst, -1)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return valid & (self.keys[at] == keys)

    def chance(self, account: IntArray, engager: IntArray) -> FloatArray:
        """Per pair: the chance that the account engages such an engager anyway."""
        node = account < self.n
        a = np.where(node, account, 0)
        e = np.where(engager < self.n, engager, 0)
        same = (self.labels[a] == self.labels[e]) & (self.labels[a] >= 0) & (engager < self.n)
        return np.where(node, np.where(same, self.p_in[a], self.p_out[a]), 0.0)

    def unreturned(self, account: IntArray, engager: IntArray, size: int,
                   weight: FloatArray | None = None) -> FloatArray:
        """Per account: Σ weight over its engagers (pairs), less what it returns beyond
        chance (weight 1: distinct engagers, when pairs are unique)."""
        w = np.ones(len(account)) if weight is None else weight
        back = self.engages(account, engager)
        total = np.bincount(account, weights=w, minlength=size)
        excess = (np.bincount(account[back], weights=w[back], minlength=size)
                  - np.bincount(account, weights=w * self.chance(account, engager),
                                minlength=size))
        return np.asarray(total - np.maximum(excess, 0.0), dtype=np.float64)


def received(engagement: Edges, recip: Reciprocity, pop: Population) -> dict[str, FloatArray]:
    """Per account: kind-weighted engagement received and the part of it not returned
    beyond chance; its responders (engagers, less those it engages back beyond chance)
    and those of them in its community."""
    size = len(pop.ids)
    src, dst, w = engagement.src, engagement.dst, engagement.w
    labels = pop.community
    same = (labels[src] == labels[dst]) & (labels[dst] >= 0)
    return {"engagement": np.bincount(dst, weights=w, minlength=size).astype(np.float64),
            "independent": recip.unreturned(dst, src, size, w),
            "responders": recip.unreturned(dst, src, size),
            "community_responders": recip.unreturned(dst[same], src[same], size)}


def community_life(engagement: Edges, recip: Reciprocity, labels: IntArray,
                   k: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per community (and a last 0 for "none"): members who engaged another member, the
    kind-weighted engagement among members, and the part of it on pairs the engaged
    member does not return."""
    src, dst, w = engagement.src, engagement.dst, engagement.w
    inside = (labels[src] == labels[dst]) & (labels[src] >= 0)
    open_ = inside & ~recip.engages(dst, src)
    active = np.bincount(labels[distinct(src[inside])], minlength=k)
    weight = np.bincount(labels[src[inside]], weights=w[inside], minlength=k)
    independent = np.bincount(labels[src[open_]], weights=w[open_], minlength=k)
    return tuple(np.append(x.astype(np.float64), 0.0)  # type: ignore[return-value]
                 for x in (active, weight, independent))


def call_counts(calls: Rows, pop: Population,
                recip: Reciprocity) -> tuple[FloatArray, FloatArray]:
    """Per author: calls to action, and the members of its community who answered them
    (less those it engages back beyond chance), summed over its calls."""
    size = len(pop.ids)
    made = np.zeros(size)
    authors: list[int] = []
    members: list[int] = []
    for call in calls:
        author = pop.index.get(call["author"])
        if author is None:
            continue
        made[author] += 1
        c = pop.community[author]
        if c < 0:
            continue
        for x in call["responders"]:
            i = pop.index.get(x)
            if i is not None and pop.community[i] == c:
                authors.append(author)
                members.append(i)
    return made, recip.unreturned(np.array(authors, dtype=np.int64),
                                  np.array(members, dtype=np.int64), size)


def followers(reach: dict[str, Any]) -> int:
    """An account's follower count: declared ``followers_count``, else follower edges."""
    return int(reach.get("declared_followers") or reach.get("follower_edges") or 0)


@dataclass(frozen=True)
class AccountInputs:
    """Everything the per-account evidence and rows are computed from."""

    reach: dict[str, dict[str, Any]]  # influence/account_reach by account
    audience: dict[str, dict[str, Any]]  # influence/audience by account
    bursts: dict[str, int]
    calls: Rows  # influence/calls_to_action
    topics: TopicCounts
    categories: dict[str, dict[str, dict[str, str | None]]]


def rings(engagement: Edges, labels: IntArray, k: int) -> npt.NDArray[np.bool_]:
    """Per community: whether it is a ring — most of the engaging pairs among its members
    are returned (an engagement pod that community detection found as a community of its
    own; real communities, even small tight ones, return a minority of them). Counted in
    pairs, not weight: a pod's heavy exchange inside a real community must not make the
    whole community a ring."""
    src, dst = engagement.src, engagement.dst
    inside = (labels[src] == labels[dst]) & (labels[src] >= 0)
    returned = inside & Reciprocity(engagement, labels).engages(dst, src)
    pairs = np.bincount(labels[src[inside]], minlength=k)
    back = np.bincount(labels[src[returned]], minlength=k)
    return np.asarray((pairs > 0) & (pairs - back < RING_OPENNESS * pairs))


def account_evidence(result: CommunityResult, inputs: AccountInputs
                     ) -> tuple[Population, AccountEvidence, Reciprocity]:
    """The population scored and every account's evidence. Members of a ring community are
    scored as unclustered: a ring is nobody's audience, and inside it everyone engaging
    everyone would pass for chance."""
    engagement, k = result.detection.engagement, len(result.sizes)
    labels = result.partition.labels
    ring = rings(engagement, labels, k)
    if k:
        labels = np.where((labels >= 0) & ring[np.maximum(labels, 0)], -1, labels)
    pop = Population.of(result, set(inputs.reach) | set(inputs.categories))
    extra = len(pop.ids) - pop.nodes
    pop = replace(pop, community=np.concatenate([labels, np.full(extra, -1, dtype=np.int64)]),
                  ring=np.concatenate([labels != pop.community[:pop.nodes],
                                       np.zeros(extra, dtype=bool)]))
    recip = Reciprocity(engagement, labels)
    got = received(engagement, recip, pop)
    calls, answered = call_counts(inputs.calls, pop, recip)
    sizes = np.array(list(result.sizes) + [0], dtype=np.float64)  # [-1] -> 0
    life = community_life(engagement, recip, labels, k)
    leadership = np.zeros(len(pop.ids))
    leadership[:pop.nodes] = result.ranking.components["score"]
    col, aud = pop.column, inputs.audience
    ev = AccountEvidence(
        followers=col({a: followers(r) for a, r in inputs.reach.items()}),
        follower_edges=col(aud, "followers"), engaged_followers=col(aud, "engaged"),
        passive_followers=col(aud, "passive"), burst_peak=col(inputs.bursts),
        posts=col(inputs.reach, "posts"), received=col(inputs.reach, "received"),
        engagement=got["engagement"], independent=got["independent"],
        responders=got["responders"], community_responders=got["community_responders"],
        community=pop.community, community_size=sizes[pop.community],
        calls=calls, call_responders=answered, leadership=leadership,
        community_active=life[0][pop.community])
    return pop, ev, recip


@dataclass(frozen=True)
class TopicColumns:
    """One topic's evidence over the accounts with any topic-tagged evidence."""

    topic: str
    rows: IntArray  # population index of each element
    evidence: TopicEvidence
    about: npt.NDArray[np.bool_]  # accounts with evidence about this topic


def topic_evidence(pop: Population, topics: TopicCounts,
                   recip: Reciprocity) -> Iterator[TopicColumns]:
    """Per topic, the evidence of the accounts with any tagged posts or engagement (the
    population the topic's priors are fitted on)."""
    post_tags = pop.column({a: sum(t.values()) for a, t in topics.posts.items()})
    received_tags = pop.column({a: sum(t.values()) for a, t in topics.received.items()})
    rows = np.flatnonzero((post_tags > 0) | (received_tags > 0))
    where = np.full(len(pop.ids), -1, dtype=np.int64)
    where[rows] = np.arange(len(rows))
    posts, got = by_topic(topics.posts, pop), by_topic(topics.received, pop)
    for topic in sorted(set(posts) | set(got)):
        about_posts = spread(posts.get(topic, {}), where, len(rows))
        about_received = spread(got.get(topic, {}), where, len(rows))
        answered, inside = topic_responders(topics.pairs.get(topic, []), pop, recip)
        yield TopicColumns(topic, rows, TopicEvidence(
            posts_about=about_posts, post_tags=post_tags[rows],
            received_about=about_received, received_tags=received_tags[rows],
            responders_about=answered[rows], community_responders_about=inside[rows]),
            (about_posts > 0) | (about_received > 0))


def by_topic(counts: dict[str, dict[str, int]], pop: Population) -> dict[str, dict[int, int]]:
    """account -> topic -> n, turned into topic -> population index -> n."""
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for account, per_topic in counts.items():
        i = pop.index.get(account)
        if i is not None:
            for topic, n in per_topic.items():
                out[topic][i] = n
    return out


def spread(values: dict[int, int], where: IntArray, size: int) -> FloatArray:
    """A subset-aligned array from population index -> value."""
    out = np.zeros(size)
    if values:
        at = where[np.fromiter(values, dtype=np.int64, count=len(values))]
        out[at] = np.fromiter(values.values(), dtype=np.float64, count=len(values))
    return out


def topic_responders(pairs: list[tuple[str, str, float]], pop: Population,
                     recip: Reciprocity) -> tuple[FloatArray, FloatArray]:
    """Per account: distinct accounts engaging with it about the topic, less those it
    engages back beyond chance; and those of them in its community."""
    size = len(pop.ids)
    if not pairs:
        return np.zeros(size), np.zeros(size)
    index = pop.index
    src = np.fromiter((index.get(s, -1) for s, _, _ in pairs), dtype=np.int64, count=len(pairs))
    eng = np.fromiter((index.get(e, -1) for _, e, _ in pairs), dtype=np.int64, count=len(pairs))
    keep = (src >= 0) & (eng >= 0)
    src, eng = src[keep], eng[keep]
    labels = pop.community
    same = (labels[src] == labels[eng]) & (labels[src] >= 0)
    return (recip.unreturned(src, eng, size),
            recip.unreturned(src[same], eng[same], size))
