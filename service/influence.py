"""Who to partner with: engagement rate, audience quality, mobilisation, topic relevance,
Rogers adopter categories, influencer scores and independent-cascade spread.

Pure functions over plain Python data; :mod:`service.refresh.influence` feeds them from
Neo4j at refresh and stores the results with the run. Every formula is in the README
("Influence metrics").
Scores are signals with their evidence, never a verdict on a person.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .evidence import Estimate, FloatArray, Prior, shrink, shrink_rate

# Rogers (1962): cumulative cut points of the adoption order.
CATEGORIES = ("innovator", "early_adopter", "early_majority", "late_majority", "laggard")
CUTS = (0.025, 0.16, 0.50, 0.84)

QUALITY_WEIGHTS = {"engaged_followers": 0.55, "active_followers": 0.2, "steady_growth": 0.15,
                   "independent_engagement": 0.10}
ENGAGED_SHARE_FOR_FULL_MARKS = 0.3  # 30% of followers engaging is excellent
INFLUENCER_WEIGHTS = {"community_leadership": 0.35, "engagement_rate": 0.15,
                      "audience_quality": 0.30, "mobilisation": 0.20}


def adopter_categories(times: Sequence[float]) -> list[str]:
    """Rogers category of each adoption, given adoption times.

    Adoptions are ordered by time; position p (0-based) of N falls in the first category
    whose cumulative cut exceeds p / N (2.5%, 16%, 50%, 84%, then laggards). Ties (equal
    times) all take the category of the earliest position they share, so simultaneous
    adopters are never split across categories.
    """
    n = len(times)
    order = sorted(range(n), key=lambda i: times[i])
    out = [""] * n
    first_pos: dict[float, int] = {}
    for pos, i in enumerate(order):
        p = first_pos.setdefault(times[i], pos)
        share = p / n
        out[i] = next((c for c, cut in zip(CATEGORIES, CUTS, strict=False) if share < cut),
                      CATEGORIES[-1])
    return out


def category_counts(categories: Iterable[str]) -> dict[str, int]:
    """Count per category, every category present."""
    counts = dict.fromkeys(CATEGORIES, 0)
    for c in categories:
        counts[c] += 1
    return counts


@dataclass
class Audience:
    """Evidence about an account's audience."""

    followers: int = 0  # follower edges in the graph
    engaged: int = 0  # followers who engaged with the account in the window
    passive: int = 0  # followers who never interact with anyone
    burst_peak: int = 0  # most new followers on one day
    reciprocal_share: float = 0.0  # share of received engagement from accounts it engages


def audience_quality(a: Audience) -> tuple[float | None, dict[str, Any]]:
    """0-100 score and its components, or None when there are no followers to judge."""
    if a.followers == 0:
        return None, {"followers": 0, "note": "no followers in the graph: no data"}
    engaged_share = a.engaged / a.followers
    comps = {
        "engaged_followers": min(1.0, engaged_share / ENGAGED_SHARE_FOR_FULL_MARKS),
        "active_followers": 1 - a.passive / a.followers,
        "steady_growth": 1 - (a.burst_peak / a.followers if a.followers >= 20 else 0.0),
        "independent_engagement": 1 - a.reciprocal_share,
    }
    score = 100 * sum(QUALITY_WEIGHTS[k] * v for k, v in comps.items())
    evidence = {
        "followers": a.followers, "engaged_followers_share": round(engaged_share, 4),
        "passive_followers_share": round(a.passive / a.followers, 4),
        "largest_one_day_follow_burst": a.burst_peak,
        "reciprocal_engagement_share": round(a.reciprocal_share, 4),
        "components": {k: round(v, 4) for k, v in comps.items()},
    }
    return round(score, 2), evidence


def engagement_rate(received: int, posts: int, followers: int) -> float | None:
    """Interactions received per post per follower; None without posts or followers."""
    if posts <= 0 or followers <= 0:
        return None
    return received / posts / followers


def influencer_score(components: dict[str, float | None]) -> float:
    """Weighted mean of the available components (missing data is left out, not zero)."""
    num = den = 0.0
    for key, weight in INFLUENCER_WEIGHTS.items():
        value = components.get(key)
        if value is not None:
            num += weight * value
            den += weight
    return num / den if den else 0.0


def reason(handle: str, comps: dict[str, Any]) -> str:
    """One line saying why an account ranks where it does."""
    parts = []
    if comps.get("community_id"):
        verb = "leads" if (comps.get("leader_rank") or 99) <= 5 else "member of"
        parts.append(f"{verb} {comps['community_id']} (rank {comps.get('leader_rank')} of "
                     f"{comps.get('community_size')})")
    else:
        parts.append("in no community")
    q = comps.get("audience_quality_score")
    if q is not None:
        parts.append(f"audience quality {q:.0f}/100, {comps.get('engaged_share', 0):.0%} of "
                     f"followers engage")
    m = comps.get("mobilisation_share")
    if m is not None:
        parts.append(f"{m:.0%} of its community answers its calls to action "
                     f"({comps.get('calls')} calls)")
    t = comps.get("topic_affinity")
    if t is not None:
        parts.append(f"'{comps.get('topic')}' affinity {t:.2f}")
    return f"{handle}: " + "; ".join(parts)


def topic_affinity(posts: dict[str, int], received: dict[str, int]) -> dict[str, float]:
    """Affinity per topic in [0, 1]: 0.4 x share of own posts + 0.6 x share of received
    engagement about the topic (what the audience responds to weighs more)."""
    tp, tr = sum(posts.values()), sum(received.values())
    topics = set(posts) | set(received)
    out = {}
    for t in topics:
        parts, weights = 0.0, 0.0
        if tp:
            parts += 0.4 * posts.get(t, 0) / tp
            weights += 0.4
        if tr:
            parts += 0.6 * received.get(t, 0) / tr
            weights += 0.6
        out[t] = round(parts / weights, 4) if weights else 0.0
    return out


class Cascade:
    """Independent cascade on a multigraph: each parallel unit is one trial with prob p.

    Stored as CSR arrays; each simulation level is vectorised with numpy.
    """

    def __init__(self, pairs: Iterable[tuple[str, str, int]], p: float):
        """pairs: (source, target, multiplicity)."""
        src, dst, mult = [], [], []
        self.index: dict[str, int] = {}
        for s, t, m in pairs:
            src.append(self.index.setdefault(s, len(self.index)))
            dst.append(self.index.setdefault(t, len(self.index)))
            mult.append(m)
        n = len(self.index)
        order = np.argsort(np.asarray(src, dtype=np.int64), kind="stable")
        self.dst = np.asarray(dst, dtype=np.int64)[order]
        self.prob = 1 - (1 - p) ** np.asarray(mult, dtype=np.float64)[order]
        counts = np.bincount(np.asarray(src, dtype=np.int64), minlength=n)
        self.offsets = np.concatenate([[0], np.cumsum(counts)])
        self.n = n

    def spread(self, seeds: Sequence[str], runs: int = 100, seed: int = 42) -> float:
        """Mean number of activated accounts (seeds included) over Monte Carlo runs."""
        return self.prefix_spreads(seeds, runs, seed)[-1] if seeds else 0.0

    def prefix_spreads(self, seeds: Sequence[str], runs: int = 100,
                       seed: int = 42) -> list[float]:
        """Mean spread of every prefix of ``seeds`` (k = 1..len), from one pass per run.

        In a run each edge's coin is tossed once, when its source is first activated, so
        adding seeds one by one and counting the activated accounts after each gives the
        spread of every prefix in the same random world (the live-edge view of the
        independent cascade) at the cost of one simulation of the whole set."""
        rng = np.random.default_rng(seed)
        totals = np.zeros(len(seeds))
        for _ in range(runs):
            active = np.zeros(self.n, dtype=bool)
            outside: set[str] = set()  # seeds with no influence edges count as themselves
            count = 0
            for j, s in enumerate(seeds):
                i = self.index.get(s)
                if i is None:
                    if s not in outside:
                        outside.add(s)
                        count += 1
                elif not active[i]:
                    count += self._activate(i, active, rng)
                totals[j] += count
        return (totals / runs).tolist()

    def _activate(self, start: int, active: np.ndarray, rng: np.random.Generator) -> int:
        """Activate ``start`` and everything its live edges reach; returns how many."""
        active[start] = True
        frontier = np.array([start], dtype=np.int64)
        count = 1
        while len(frontier):
            starts, ends = self.offsets[frontier], self.offsets[frontier + 1]
            lengths = ends - starts
            total = int(lengths.sum())
            if not total:
                break
            edge_idx = np.repeat(ends - lengths.cumsum(), lengths) + np.arange(total)
            hit = rng.random(total) < self.prob[edge_idx]
            targets = np.unique(self.dst[edge_idx[hit]])
            targets = targets[~active[targets]]
            active[targets] = True
            count += len(targets)
            frontier = targets
        return count


def prefix_spreads(cascade: Cascade, order: Sequence[str], ks: Iterable[int],
                   runs: int = 100, seed: int = 42) -> dict[int, float]:
    """Spread of the first k of an ordering, for each k (one simulation pass per run)."""
    wanted = list(ks)
    if not wanted:
        return {}
    spreads = cascade.prefix_spreads(order[:max(wanted)], runs, seed)
    return {k: round(spreads[min(k, len(spreads)) - 1], 3) if k and spreads else 0.0
            for k in wanted}


def clamp01(x: float) -> float:
    """x limited to [0, 1] (NaN becomes 0)."""
    return 0.0 if math.isnan(x) else max(0.0, min(1.0, x))


# ----------------------------------------------------------- evidence-weighted score (issue 10)

SCORE_WEIGHTS = {"community_leadership": 0.35, "community_pull": 0.30, "reach": 0.10,
                 "audience_quality": 0.10, "mobilisation": 0.10, "engagement_rate": 0.05}
AFFINITY_WEIGHTS = {"posts": 0.4, "engagement": 0.6}  # engagement: what the audience answers
TOPIC_SHARE_FOR_FULL_FIT = 0.25  # a quarter of posts and engagement about T: fully on T


@dataclass(frozen=True)
class AccountEvidence:
    """The counts an account's score rests on (arrays, one element per account)."""

    followers: FloatArray  # declared followers, else follower edges (engagement rate)
    follower_edges: FloatArray
    engaged_followers: FloatArray  # followers who engaged with the account in the window
    passive_followers: FloatArray  # followers who never interact with anyone
    burst_peak: FloatArray  # most new followers on one day
    posts: FloatArray
    received: FloatArray  # interactions received
    engagement: FloatArray  # kind-weighted engagement received
    independent: FloatArray  # ... of it from accounts the account does not engage back
    responders: FloatArray  # distinct accounts that engaged with the account
    community_responders: FloatArray  # ... members of its community
    community: npt.NDArray[np.int64]  # community number, -1 outside communities
    community_size: FloatArray  # 0 outside communities
    calls: FloatArray  # call-to-action posts
    call_responders: FloatArray  # community members answering them, summed over calls
    leadership: FloatArray  # the refresh's leader score, 0 outside communities


@dataclass(frozen=True)
class TopicEvidence:
    """The counts a topic score rests on (arrays aligned with AccountEvidence)."""

    posts_about: FloatArray  # own posts tagged with the topic
    post_tags: FloatArray  # topic tags on own posts, all topics
    received_about: FloatArray  # interactions received tagged with the topic
    received_tags: FloatArray  # topic tags on interactions received, all topics
    responders_about: FloatArray  # distinct accounts engaging with it about the topic
    community_responders_about: FloatArray  # ... members of its community


@dataclass(frozen=True)
class Scores:
    """Scores with every component (in [0, 1]) and the estimates behind them."""

    score: FloatArray
    components: dict[str, FloatArray]
    estimates: dict[str, Estimate]


def responder_reach(responders: FloatArray) -> FloatArray:
    """log(1 + responders) / log(1 + most responders of any account): 1 for the most
    answered account; on a log scale, ten times the responders adds a constant, so size
    cannot dominate."""
    top = float(responders.max()) if len(responders) else 0.0
    return np.log1p(responders) / np.log1p(top) if top > 0 else np.zeros(len(responders))


def relative_to_community(values: FloatArray, community: npt.NDArray[np.int64]) -> FloatArray:
    """Each value divided by the highest in its community (0 outside communities)."""
    inside = community >= 0
    top = np.zeros(int(community.max()) + 1 if inside.any() else 0)
    np.maximum.at(top, community[inside], values[inside])
    out = np.zeros(len(values))
    divisor = top[community[inside]]
    out[inside] = np.divide(values[inside], divisor, out=np.zeros(int(inside.sum())),
                            where=divisor > 0)
    return out


def _share(successes: FloatArray, trials: FloatArray) -> Estimate:
    """A share shrunk toward the population's (prior fitted on these very accounts)."""
    return shrink(successes, trials, Prior.fit(successes, trials, default=0.0))


def audience_estimates(ev: AccountEvidence) -> dict[str, Estimate]:
    """The four audience-quality parts, each a shrunk share of follower edges (or of
    engagement received, for independent engagement)."""
    edges = ev.follower_edges
    return {
        "engaged_followers": _share(ev.engaged_followers, edges),
        "active_followers": _share(edges - ev.passive_followers, edges),
        "steady_growth": _share(np.maximum(edges - ev.burst_peak, 0.0), edges),
        "independent_engagement": _share(ev.independent, ev.engagement),
    }


def influencer_scores(ev: AccountEvidence) -> Scores:
    """The evidence-weighted influencer score of every account.

    score = 0.35 leadership + 0.30 community pull + 0.10 reach + 0.10 audience quality
            + 0.10 mobilisation + 0.05 engagement rate,

    every component in [0, 1]. *Responders* are the distinct accounts that engaged with
    the account in the window and that it did not engage with itself (returned
    engagement is a conversation or a pod, not an audience). *Shrunk* means the
    Beta-binomial posterior mean (k + s·m) / (n + s) with the prior fitted to all
    accounts (service.evidence): one like on one post is not a perfect score.

    - leadership = the refresh's leader score ÷ the highest in the account's community
      (leading a small community counts as much as leading a big one), × independence;
      0 outside communities;
    - community pull = shrunk share of the community (size - 1) among its responders;
    - reach = log(1 + responders) / log(1 + most responders of any account);
    - audience quality = 0.55 min(1, engaged / 0.3) + 0.2 active + 0.15 steady
      + 0.1 independence, each part a shrunk share of follower edges: followers who
      engaged, followers who interact at all, followers not gained on the busiest day;
      independence = shrunk share of kind-weighted engagement received that comes from
      accounts it does not engage back;
    - mobilisation = shrunk share of its community answering its calls to action within
      48 h: Σ responders over calls / (calls × (size - 1));
    - engagement rate = Gamma-Poisson shrunk interactions / (posts × followers) ÷ its
      95th percentile, capped at 1, × independence.

    A component without evidence is the population's prior (shrinkage of no data), so it
    is neither dropped nor zero. A passive giant has no responders, no pull and followers
    who do not engage: size alone earns it nothing; a pod's engagement is returned, so it
    earns no responders and its leadership and engagement rate are scaled down."""
    others = np.maximum(ev.community_size - 1, 0.0)
    audience = audience_estimates(ev)
    est = {**audience,
           "community_pull": _share(np.minimum(ev.community_responders, others), others),
           "mobilisation": _share(np.minimum(ev.call_responders, ev.calls * others),
                                  ev.calls * others),
           "engagement_rate": shrink_rate(ev.received, ev.posts * ev.followers)}
    rate = est["engagement_rate"].value
    with_posts = rate[ev.posts * ev.followers > 0]
    top = float(np.percentile(with_posts, 95)) if len(with_posts) else 0.0
    quality = (0.55 * np.minimum(1.0, audience["engaged_followers"].value
                                 / ENGAGED_SHARE_FOR_FULL_MARKS)
               + 0.2 * audience["active_followers"].value
               + 0.15 * audience["steady_growth"].value
               + 0.1 * audience["independent_engagement"].value)
    # engagement the account returns (a conversation, or a pod) earns it nothing
    independent = audience["independent_engagement"].value
    leadership = relative_to_community(np.clip(ev.leadership, 0.0, None), ev.community)
    comps = {"community_leadership": leadership * independent,
             "community_pull": est["community_pull"].value,
             "reach": responder_reach(ev.responders),
             "audience_quality": quality,
             "mobilisation": est["mobilisation"].value,
             "engagement_rate": (np.minimum(1.0, rate / top) if top > 0 else rate * 0.0)
             * independent}
    return Scores(_weighted(comps), comps, est)


def _weighted(comps: dict[str, FloatArray]) -> FloatArray:
    return np.asarray(sum(SCORE_WEIGHTS[k] * comps[k] for k in SCORE_WEIGHTS),
                      dtype=np.float64)


def topic_scores(ev: AccountEvidence, overall: Scores, topic: TopicEvidence) -> Scores:
    """Topic score = fit x topical pull.

    affinity = 0.4 (shrunk share of own posts' topic tags that are T) + 0.6 (shrunk share
    of received engagement's topic tags that are T), each prior fitted per topic;
    fit = min(1, affinity / 0.25): giving T a quarter of one's content and engagement is
    being fully on T (a focused nobody is not more "about T" than a broad leader);
    pull = the influencer score with its responder components counted about T only:
    community pull = shrunk share of the community responding about T, reach =
    log(1 + distinct responders about T) / log(1 + most of any account about T);
    leadership, audience quality, mobilisation and engagement rate as overall."""
    others = np.maximum(ev.community_size - 1, 0.0)
    est = {"posts_about": _share(topic.posts_about, topic.post_tags),
           "engagement_about": _share(topic.received_about, topic.received_tags),
           "community_pull_about": _share(
               np.minimum(topic.community_responders_about, others), others)}
    affinity = (AFFINITY_WEIGHTS["posts"] * est["posts_about"].value
                + AFFINITY_WEIGHTS["engagement"] * est["engagement_about"].value)
    fit = np.minimum(1.0, affinity / TOPIC_SHARE_FOR_FULL_FIT)
    comps = {**overall.components,
             "community_pull": est["community_pull_about"].value,
             "reach": responder_reach(topic.responders_about)}
    pull = _weighted(comps)
    return Scores(fit * pull, {**comps, "affinity": affinity, "fit": fit, "pull": pull}, est)

