"""Per-account influence rows from the evidence and scores (pure: no I/O).

``:AccountMetrics`` rows hold the influencer score, each component with the counts it
rests on and its interval (``evidence``), the raw audience and mobilisation figures, the
account's best topics and its adopter categories; ``:TopicScore`` rows hold one account's
score for one topic it has evidence about. The formulas are in :mod:`service.influence`
and the README; the inputs come from :mod:`service.refresh.influence_evidence`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .. import influence as inf
from .. import jsontext
from ..influence import AccountEvidence, Scores
from .influence_evidence import AccountInputs, Nodes, Population, TopicColumns

TOPICS_PER_ACCOUNT = 10  # best topics kept on an account's metrics
TOPIC_LISTED = 0.2  # topic fit from which a topic is listed among an account's ``topics``


def mobilisation_shares(calls: list[dict[str, Any]], followers_of: dict[str, set[str]],
                        nodes: Nodes) -> dict[str, list[tuple[float | None, float | None]]]:
    """Per author and call to action: the raw share of its community (others) and of its
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
            "counts": jsontext.dumps(inf.category_counts(overall)),
            "communities": jsontext.dumps(community_counts),
            "earlyAdopterLeaders": jsontext.dumps(leaders[:20])}


def r4(x: Any) -> float:
    """A number rounded for storage."""
    return round(float(x), 4)


def r2(x: Any) -> float:
    """A count (possibly an expectation, as responders are) rounded for storage."""
    return round(float(x), 2)


def significant4(values: Any) -> list[float]:
    """Each value to 4 significant digits (as ``float(f"{x:.4g}")``)."""
    return [float(f"{x:.4g}") for x in np.asarray(values, dtype=np.float64).tolist()]


def rounded(arrays: dict[str, Any], digits: int = 4) -> dict[str, list[float]]:
    """Per-account arrays rounded for storage once, as lists the rows index (rounding
    element by element cost seconds per refresh at 100k accounts)."""
    return {name: np.round(np.asarray(a, dtype=np.float64), digits).tolist()
            for name, a in arrays.items()}


@dataclass(frozen=True)
class Scored:
    """The population, its evidence and its overall scores."""

    pop: Population
    ev: AccountEvidence
    scores: Scores

    @cached_property
    def activity(self) -> np.ndarray:
        """Per account: its community's activity factor (service.influence)."""
        return inf.community_activity(self.ev)

    @cached_property
    def rounded4(self) -> dict[str, list[float]]:
        """The components and the figures the evidence shows next to them, rounded."""
        est = self.scores.estimates
        return rounded({**self.scores.components, "leader_score": self.ev.leadership,
                        "best_in_community": self.best_in_community,
                        "independence": est["independent_engagement"].value,
                        "community_activity": self.activity,
                        **{f"quality:{name}": est[name].value for name in inf.QUALITY_WEIGHTS}})

    @cached_property
    def rate_figures(self) -> tuple[list[float], list[float], list[float], float]:
        """The engagement rate, its interval and the population's p95, to 4 significant
        digits (formatted once, from Python floats: a numpy scalar formats ~4x slower)."""
        rate = self.scores.estimates["engagement_rate"]
        value, low, high = (significant4(a) for a in (rate.value, rate.low, rate.high))
        return value, low, high, significant4([self.scores.references["engagement_rate_p95"]])[0]

    @cached_property
    def best_in_community(self) -> np.ndarray:
        """Per account: the highest leader score in its community (0 outside)."""
        ev = self.ev
        inside = ev.community >= 0
        top = np.zeros(int(ev.community.max()) + 1 if inside.any() else 0)
        np.maximum.at(top, ev.community[inside], ev.leadership[inside])
        out = np.zeros(len(ev.community))
        out[inside] = top[ev.community[inside]]
        return out


def evidence_json(s: Scored, i: int) -> dict[str, Any]:
    """Each overall component of account ``i`` with the counts it rests on."""
    ev, comps, est = s.ev, s.rounded4, s.scores.estimates
    rate, low, high, p95 = s.rate_figures
    return {
        "community_leadership": {
            "value": comps["community_leadership"][i], "leader_score": comps["leader_score"][i],
            "best_in_community": comps["best_in_community"][i],
            "independence": comps["independence"][i],
            "community_activity": comps["community_activity"][i],
            "active_members": int(ev.community_active[i]),
            "ring_community": bool(s.pop.ring[i]),
            "community_size": int(ev.community_size[i])},
        "community_pull": est["community_pull"].at(i, "responders_in_community",
                                                   "community_others"),
        "reach": {"value": comps["reach"][i], "responders": r2(ev.responders[i]),
                  "most_responders": r2(s.scores.references["most_responders"])},
        "audience_quality": {
            "value": comps["audience_quality"][i],
            "parts": {name: est[name].at(i, "successes", "trials")
                      for name in inf.QUALITY_WEIGHTS}},
        "mobilisation": {**est["mobilisation"].at(i, "answers", "possible_answers"),
                         "calls": int(ev.calls[i])},
        "engagement_rate": {
            "value": comps["engagement_rate"][i], "rate": rate[i],
            "interval": [low[i], high[i]],
            "interactions": int(ev.received[i]), "posts": int(ev.posts[i]),
            "followers": int(ev.followers[i]),
            "reference_p95": p95},
    }


def audience_json(s: Scored, i: int) -> dict[str, Any]:
    """Raw audience figures and the shrunk parts audience quality is made of."""
    ev = s.ev
    edges = int(ev.follower_edges[i])
    raw: dict[str, Any] = {"followers": edges}
    if edges:
        raw.update(engaged_followers_share=r4(ev.engaged_followers[i] / edges),
                   passive_followers_share=r4(ev.passive_followers[i] / edges))
    else:
        raw["note"] = "no followers in the graph: its parts are the population's prior"
    raw["largest_one_day_follow_burst"] = int(ev.burst_peak[i])
    given = float(ev.engagement[i])
    raw["reciprocal_engagement_share"] = r4(1 - ev.independent[i] / given) if given else 0.0
    raw["components"] = {name: s.rounded4[f"quality:{name}"][i] for name in inf.QUALITY_WEIGHTS}
    return raw


@dataclass(frozen=True)
class TopicFacts:
    """What an account's metrics keep about its topics."""

    fit: dict[str, float]  # topic -> fit, for topics it has evidence about
    scores: dict[str, dict[str, float]]  # best topics by topic score


def account_rows(run_id: str, nodes: Nodes, s: Scored, inputs: AccountInputs,
                 mobilisation: dict[str, list[tuple[float | None, float | None]]],
                 topics: dict[str, TopicFacts]) -> Iterator[dict[str, Any]]:
    """One :AccountMetrics row per account with any activity (built as they are drawn)."""
    result, pop, ev = nodes.result, s.pop, s.ev
    none = TopicFacts({}, {})
    for i, acc in enumerate(pop.ids):
        c = int(ev.community[i])
        reach = inputs.reach.get(acc, {})
        received, posts = reach.get("received", 0), reach.get("posts", 0)
        followers = int(ev.followers[i])
        facts = topics.get(acc, none)
        yield {
            "key": f"{run_id}:{acc}", "runId": run_id, "accountId": acc,
            "communityId": result.partition.ids[c] if c >= 0 else None,
            "leaderRank": int(result.ranking.leader_rank[i]) if c >= 0 else None,
            "communitySize": result.sizes[c] if c >= 0 else None, "followers": followers,
            "influencerScore": round(float(s.scores.score[i]), 5),
            "components": jsontext.dumps({k: s.rounded4[k][i] for k in s.scores.components}),
            "evidence": jsontext.dumps(evidence_json(s, i)),
            "responders": r2(ev.responders[i]),
            "communityResponders": r2(ev.community_responders[i]),
            "engagementRate": received / posts / followers if posts and followers else None,
            "audienceQuality": round(100 * float(s.scores.components["audience_quality"][i]), 2),
            "audience": jsontext.dumps(audience_json(s, i)),
            "mobilisation": jsontext.dumps(mobilisation_summary(mobilisation.get(acc, []))),
            "topicAffinity": jsontext.dumps(facts.fit), "topicScores": jsontext.dumps(facts.scores),
            "topics": sorted(t for t, v in facts.fit.items() if v >= TOPIC_LISTED),
            "scoredTopics": sorted(facts.fit),  # its :TopicScore rows (forget finds them)
            "adopterCategories": jsontext.dumps(inputs.categories.get(acc, {})),
        }


def topic_rows(run_id: str, s: Scored, col: TopicColumns, topical: Scores,
               community_ids: dict[int, str]) -> list[dict[str, Any]]:
    """One :TopicScore row per account with evidence about the topic (a post about it or
    engagement tagged with it): its score, components and their evidence."""
    comps, est, ev = rounded(topical.components), topical.estimates, col.evidence
    responders = np.round(ev.responders_about, 2).tolist()
    most = r2(topical.references["most_responders_about"])
    rows = []
    # Python numbers once per topic (a numpy scalar per element costs more)
    at, score = col.rows.tolist(), topical.score.tolist()
    community, followers = s.ev.community.tolist(), s.ev.followers.tolist()
    for j in np.flatnonzero(col.about).tolist():
        i = at[j]
        account = s.pop.ids[i]
        rows.append({
            "key": f"{run_id}:{col.topic}:{account}", "runId": run_id, "topic": col.topic,
            "accountId": account, "communityId": community_ids.get(community[i]),
            "followers": int(followers[i]), "score": round(score[j], 5),
            "components": jsontext.dumps({
                **{k: comps[k][j] for k in inf.SCORE_WEIGHTS},
                "topic_relevance": comps["fit"][j], "topic_affinity": comps["affinity"][j],
                "topical_pull": comps["pull"][j]}),
            "evidence": jsontext.dumps({
                "community_pull": est["community_pull_about"].at(
                    j, "responders_in_community", "community_others"),
                "reach": {"value": comps["reach"][j],
                          "responders": responders[j], "most_responders": most},
                "topic_relevance": {
                    "value": comps["fit"][j], "affinity": comps["affinity"][j],
                    "posts": est["posts_about"].at(j, "about", "tagged"),
                    "engagement": est["engagement_about"].at(j, "about", "tagged")}}),
        })
    return rows
