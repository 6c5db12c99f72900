"""Stage *influence* (reads and writes Neo4j): per-account influence metrics and item curves.

Its inputs are raw data, independent of the communities, read in the background from the
start of the refresh (:mod:`service.refresh.inputs`); the computation itself is pure
(:mod:`service.refresh.influence_metrics`). Seconds per metric = its reads' own durations
(in their thread) + its computation here; waiting is not counted (bench/influence.py
reports them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..db import Database
from ..timing import Clock
from . import edges
from . import influence_metrics as im
from .edges import EngagementGraph
from .inputs import Prefetch
from .leaders import CommunityResult
from .topics import TopicCounts
from .write import batches

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class InfluenceResult:
    """What the seeds stage reads from this one, and the run's influence metrics."""

    reach: dict[str, dict[str, Any]]  # account -> posts, received, followers (evidence)
    topic_engagement: dict[str, int]  # topic -> tagged interactions
    topic_pairs: dict[str, list[tuple[str, str, float]]]  # topic -> engagement pairs
    metrics: dict[str, Any]


def run_influence(database: Database, run_id: str, communities: CommunityResult,
                  topics: TopicCounts, graph: EngagementGraph,
                  inputs: Prefetch) -> InfluenceResult:
    """Engagement rate, audience quality, mobilisation, topic affinity, adopter categories
    and the influencer score of every account with activity; item adoption curves."""
    nodes, clock = im.Nodes.of(communities), Clock()
    reach = {r["id"]: r for r in inputs.take("account_reach", clock, "engagement_rate")}
    clock.lap("engagement_rate")
    audience = {r["id"]: r for r in (inputs.take("audience", clock, "audience_quality")
                                     if inputs.has("audience") else edges.audience(graph))}
    bursts = {r["id"]: r["burst_peak"]
              for r in inputs.take("follow_bursts", clock, "audience_quality")}
    clock.lap("audience_quality")
    calls = inputs.take("calls_to_action", clock, "mobilisation")
    mobilisation = im.mobilisation_shares(calls, fetch_followers(database, calls), nodes)
    clock.lap("mobilisation")
    categories: dict[str, dict[str, dict[str, str | None]]] = defaultdict(dict)
    items = [im.item_adoption(run_id, item, rows, nodes, categories) for item, rows in
             adoptions_by_item(inputs.take("adoptions", clock, "adopter_categories")).items()]
    clock.lap("adopter_categories")
    rows, er_ref = im.account_rows(run_id, nodes, im.AccountInputs(
        reach, audience, bursts, mobilisation, topics, dict(categories)))
    clock.lap("scores")
    write_metrics(database, items, rows)
    clock.lap("write")
    return InfluenceResult(reach, topics.engagement, topics.pairs, {
        "accounts": len(rows), "items": len(items), "calls_to_action": len(calls),
        "timings": clock.timings, "engagement_rate_p95": er_ref})


def fetch_followers(database: Database, calls: Rows) -> dict[str, set[str]]:
    """The followers of every author of a call to action."""
    authors = sorted({c["author"] for c in calls})
    return {r["id"]: set(r["followers"])
            for r in database.fetch("influence/followers_of", ids=authors)}


def adoptions_by_item(rows: Rows) -> dict[str, list[tuple[str, float]]]:
    """(account, time) adoptions per item."""
    by_item: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for r in rows:
        by_item[r["item"]].append((r["account"], float(r["at"])))
    return dict(by_item)


def write_metrics(database: Database, items: Rows, accounts: Rows) -> None:
    """Write item curves and account metrics in batches (invisible until the switch)."""
    database.execute("influence/write_items", rows=items)
    for batch in batches(accounts):
        database.execute("influence/write_account_metrics", rows=batch)
