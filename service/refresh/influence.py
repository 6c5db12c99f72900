"""Stage *influence* (reads and writes Neo4j): influencer and topic scores, item curves.

Its inputs are raw data, independent of the communities, read in the background from the
start of the refresh (:mod:`service.refresh.inputs`); the computation itself is pure
(:mod:`service.refresh.influence_metrics`). Seconds per metric = its reads' own durations
(in their thread) + its computation here; waiting is not counted (bench/influence.py
reports them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..db import Database
from ..influence import influencer_scores, topic_scores
from ..timing import Clock
from . import edges
from . import influence_metrics as im
from .edges import EngagementGraph
from .influence_evidence import (
    AccountInputs,
    Nodes,
    TopicColumns,
    account_evidence,
    topic_evidence,
)
from .inputs import Prefetch
from .leaders import CommunityResult
from .topics import TopicCounts
from .write import BatchWriter

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class InfluenceResult:
    """What the seeds stage reads from this one, and the run's influence metrics."""

    reach: dict[str, dict[str, Any]]  # account -> posts, received, followers (evidence)
    metrics: dict[str, Any]


def run_influence(database: Database, run_id: str, communities: CommunityResult,
                  topics: TopicCounts, graph: EngagementGraph,
                  inputs: Prefetch) -> InfluenceResult:
    """The evidence-weighted influencer score of every account with activity (each
    component with its evidence), its score for every topic it has evidence about,
    adopter categories and item adoption curves."""
    nodes, clock = Nodes.of(communities), Clock()
    reach = {r["id"]: r for r in inputs.take("account_reach", clock, "evidence")}
    audience = {r["id"]: r for r in (inputs.take("audience", clock, "evidence")
                                     if inputs.has("audience") else edges.audience(graph))}
    bursts = {a: peak for r in inputs.take("follow_bursts", clock, "evidence")
              for a, peak in zip(r["ids"], r["peaks"], strict=True)}
    clock.lap("evidence")
    calls = inputs.take("calls_to_action", clock, "mobilisation")
    mobilisation = im.mobilisation_shares(calls, fetch_followers(database, calls), nodes)
    clock.lap("mobilisation")
    categories: dict[str, dict[str, dict[str, str | None]]] = defaultdict(dict)
    items = [im.item_adoption(run_id, item, rows, nodes, categories) for item, rows in
             adoptions_by_item(inputs.take("adoptions", clock, "adopter_categories")).items()]
    clock.lap("adopter_categories")
    given = AccountInputs(reach, audience, bursts, calls, topics, dict(categories))
    pop, ev, recip = account_evidence(communities, given)
    scored = im.Scored(pop, ev, influencer_scores(ev))
    clock.lap("scores")
    with BatchWriter(database) as writer:  # the server writes while the next rows are built
        facts, written = write_topic_scores(writer, run_id, scored,
                                            topic_evidence(pop, topics, recip),
                                            communities.partition.ids)
        clock.lap("topic_scores")
        writer.execute("influence/write_items", rows=items)
        accounts = writer.rows("influence/write_account_metrics", im.account_rows(
            run_id, nodes, scored, given, mobilisation, facts))
    clock.lap("write")
    return InfluenceResult(reach, {
        "accounts": accounts, "items": len(items), "calls_to_action": len(calls),
        "topic_scores": written, "timings": clock.timings,
        "engagement_rate_p95": scored.scores.references["engagement_rate_p95"]})


def write_topic_scores(writer: BatchWriter, run_id: str, scored: im.Scored,
                       columns: Iterable[TopicColumns], community_ids: dict[int, str]
                       ) -> tuple[dict[str, im.TopicFacts], int]:
    """Score every topic and write its :TopicScore rows (one topic in memory at a time);
    returns what each account's metrics keep about its topics, and the rows written."""
    fit: dict[str, dict[str, float]] = defaultdict(dict)
    best: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    written = 0
    for col in columns:
        topical = topic_scores(scored.ev.take(col.rows), scored.scores.take(col.rows),
                               col.evidence)
        written += writer.rows("influence/write_topic_scores",
                               im.topic_rows(run_id, scored, col, topical, community_ids))
        # Python floats and ints once per topic (a numpy scalar per element costs more)
        fits, scores = topical.components["fit"].tolist(), topical.score.tolist()
        rows, ids = col.rows.tolist(), scored.pop.ids
        for j in np.flatnonzero(col.about).tolist():
            account, account_fit = ids[rows[j]], round(fits[j], 4)
            fit[account][col.topic] = account_fit
            best[account][col.topic] = {"score": round(scores[j], 5), "fit": account_fit}
    facts = {a: im.TopicFacts(fit[a], dict(sorted(best[a].items(), key=lambda x: (
        -x[1]["score"], x[0]))[:im.TOPICS_PER_ACCOUNT])) for a in fit}
    return facts, written


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
