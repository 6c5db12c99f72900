"""Per-account influence metrics from the influence stage's inputs (pure: no I/O).

Engagement rate, audience quality, mobilisation, topic affinity, Rogers adopter categories
and the influencer score; the formulas are in :mod:`service.influence` and the README.
The stage (:mod:`service.refresh.influence`) reads the inputs and writes these rows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import influence as inf
from ..analytics import Edges, FloatArray
from .leaders import CommunityResult
from .topics import TopicCounts


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


def reciprocal_share(edges: Edges, n: int) -> FloatArray:
    """Per node: share of received weight coming from accounts it also engages with."""
    forward = edges.src * n + edges.dst
    reverse = edges.dst * n + edges.src
    mutual = np.isin(reverse, forward)
    received = np.bincount(edges.dst, weights=edges.w, minlength=n)
    from_mutual = np.bincount(edges.dst[mutual], weights=edges.w[mutual], minlength=n)
    return np.divide(from_mutual, received, out=np.zeros(n), where=received > 0)


def mobilisation_shares(calls: list[dict[str, Any]], followers_of: dict[str, set[str]],
                        nodes: Nodes) -> dict[str, list[tuple[float | None, float | None]]]:
    """Per author and call to action: the share of its community (others) and of its
    followers who responded."""
    sizes = nodes.result.sizes
    out: dict[str, list[tuple[float | None, float | None]]] = defaultdict(list)
    for call in calls:
        author, responders = call["author"], set(call["responders"])
        c = nodes.community(author)
        share_c = None
        if c >= 0 and sizes[c] > 1:
            share_c = sum(1 for x in responders if nodes.community(x) == c) / (sizes[c] - 1)
        fol = followers_of.get(author, set())
        share_f = len(responders & fol) / len(fol) if fol else None
        out[author].append((share_c, share_f))
    return dict(out)


def mobilisation_summary(calls: list[tuple[float | None, float | None]]) -> dict[str, Any]:
    """Mean community and follower response shares over an account's calls to action."""
    shares_c = [x for x, _ in calls if x is not None]
    shares_f = [y for _, y in calls if y is not None]
    return {"calls": len(calls),
            "community_share": round(sum(shares_c) / len(shares_c), 4) if shares_c else None,
            "follower_share": round(sum(shares_f) / len(shares_f), 4) if shares_f else None}


def item_adoption(run_id: str, item: str, rows: list[tuple[str, float]], nodes: Nodes,
                  categories: dict[str, dict[str, dict[str, str | None]]]) -> dict[str, Any]:
    """Rogers categories of one item's adopters, overall and within each community, and its
    early-adopter leaders (early overall, followed by their community); records each
    adopter's categories in ``categories``."""
    ids = nodes.result.partition.ids
    overall = inf.adopter_categories([t for _, t in rows])
    per_comm: dict[int, list[int]] = defaultdict(list)
    for j, (acc, _) in enumerate(rows):
        per_comm[nodes.community(acc)].append(j)
    within: dict[int, str] = {}
    community_counts: dict[str, dict[str, int]] = {}
    leaders: list[dict[str, Any]] = []
    for c, js in per_comm.items():
        if c < 0:
            continue
        cats = inf.adopter_categories([rows[j][1] for j in js])
        community_counts[ids[c]] = inf.category_counts(cats)
        within.update(zip(js, cats, strict=True))
        for j in js:
            if overall[j] not in ("innovator", "early_adopter"):
                continue
            later = sum(1 for j2 in js if rows[j2][1] > rows[j][1])
            if later >= max(3, 0.2 * len(js)):
                score = nodes.leader_score(rows[j][0])
                leaders.append({"id": rows[j][0], "community_id": ids[c],
                                "category": overall[j], "community_adopters_after": later,
                                "leader_score": round(score, 4) if score is not None else None})
    for j, (acc, _) in enumerate(rows):
        categories[acc][item] = {"overall": overall[j], "community": within.get(j)}
    leaders.sort(key=lambda x: (-x["community_adopters_after"], x["id"]))
    return {"key": f"{run_id}:{item}", "runId": run_id, "item": item, "adopters": len(rows),
            "counts": json.dumps(inf.category_counts(overall)),
            "communities": json.dumps(community_counts),
            "earlyAdopterLeaders": json.dumps(leaders[:20])}


def followers(reach: dict[str, Any]) -> int:
    """An account's follower count: declared ``followers_count``, else follower edges."""
    return int(reach.get("declared_followers") or reach.get("follower_edges") or 0)


def engagement_rates(accounts: Iterable[str],
                     reach: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """Raw engagement rate per account (None without posts or followers)."""
    return {a: inf.engagement_rate(reach.get(a, {}).get("received", 0),
                                   reach.get(a, {}).get("posts", 0), followers(reach.get(a, {})))
            for a in accounts}


@dataclass(frozen=True)
class AccountInputs:
    """Everything the per-account rows are computed from."""

    reach: dict[str, dict[str, Any]]
    audience: dict[str, dict[str, Any]]
    bursts: dict[str, int]
    mobilisation: dict[str, list[tuple[float | None, float | None]]]
    topics: TopicCounts
    categories: dict[str, dict[str, dict[str, str | None]]]


def account_rows(run_id: str, nodes: Nodes, inputs: AccountInputs) -> tuple[list[dict[str, Any]],
                                                                              float]:
    """One :AccountMetrics row per account with any activity; and the engagement-rate
    reference (95th percentile) the rates were scaled by."""
    result = nodes.result
    everyone = set(result.accounts) | set(inputs.reach) | set(inputs.categories)
    raw_er = engagement_rates(everyone, inputs.reach)
    known = [v for v in raw_er.values() if v is not None]
    er_ref = float(np.percentile(known, 95)) if known else 0.0
    recip = reciprocal_share(result.detection.edges, len(result.accounts))
    return [account_row(run_id, acc, nodes, inputs, raw_er[acc], er_ref, recip)
            for acc in everyone], er_ref


def account_row(run_id: str, acc: str, nodes: Nodes, inputs: AccountInputs, er: float | None,
                er_ref: float, recip: FloatArray) -> dict[str, Any]:
    """The influence metrics of one account, each with its evidence."""
    result, i, c = nodes.result, nodes.index.get(acc), nodes.community(acc)
    aud = inputs.audience.get(acc, {})
    quality, evidence = inf.audience_quality(inf.Audience(
        followers=aud.get("followers", 0), engaged=aud.get("engaged", 0),
        passive=aud.get("passive", 0), burst_peak=inputs.bursts.get(acc, 0),
        reciprocal_share=float(recip[i]) if i is not None else 0.0))
    mobilisation = mobilisation_summary(inputs.mobilisation.get(acc, []))
    components = {
        "community_leadership": round(nodes.leader_score(acc) or 0.0, 4) if c >= 0 else 0.0,
        "engagement_rate": None if er is None else
        round(inf.clamp01(er / er_ref), 4) if er_ref > 0 else 0.0,
        "audience_quality": round(quality / 100, 4) if quality is not None else None,
        "mobilisation": mobilisation["community_share"],
    }
    affinity = inf.topic_affinity(inputs.topics.posts.get(acc, {}),
                                  inputs.topics.received.get(acc, {}))
    ids = result.partition.ids
    return {
        "key": f"{run_id}:{acc}", "runId": run_id, "accountId": acc,
        "communityId": ids[c] if c >= 0 else None,
        "leaderRank": int(result.ranking.leader_rank[i]) if c >= 0 and i is not None else None,
        "communitySize": result.sizes[c] if c >= 0 else None,
        "engagementRate": er, "audienceQuality": quality,
        "audience": json.dumps(evidence), "mobilisation": json.dumps(mobilisation),
        "topicAffinity": json.dumps(affinity),
        "topics": sorted(t for t, v in affinity.items() if v >= 0.05),
        "adopterCategories": json.dumps(inputs.categories.get(acc, {})),
        "components": json.dumps(components),
        "influencerScore": round(inf.influencer_score(components), 5),
    }
