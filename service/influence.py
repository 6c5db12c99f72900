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
