"""Stage *seeds* (GDS, in Neo4j): CELF seed sets for each scope, next to top-k baselines.

Scopes: ``all`` (every analysed account, up to ``max_seeds`` seeds), the 20 largest
communities (their stable id, up to 5 seeds), the ``seed_topics`` topics with the most
engagement (``topic:<name>``, up to 10 seeds) and, for each of those communities, its two
top topics (``<community>/topic:<name>``, up to 5 seeds). The influence graphs and
baselines are built in :mod:`service.refresh.seed_graphs`; here each is projected into
GDS, CELF runs (two at a time on the server) while this thread simulates the baselines
of those already done, and the seed sets are written.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from neo4j.exceptions import Neo4jError

from ..db import Database
from ..timing import Clock
from ..vocabulary import SCOPE_ALL, TOPIC_PREFIX
from .communities import Detection
from .edges import NodeLookup
from .influence import InfluenceResult
from .influence_evidence import followers
from .leaders import CommunityResult
from .params import RefreshParams
from .projection import Projection, drop_graph
from .seed_graphs import (
    COMMUNITY_SCOPES,
    COMMUNITY_SEEDS,
    COMMUNITY_TOPICS,
    MIN_COMMUNITY,
    TOPIC_SEEDS,
    Baselines,
    InfluenceGraph,
    Job,
    Scope,
    TopicGraphs,
    celf_config,
    seed_topics,
)

log = logging.getLogger(__name__)


def run_seeds(database: Database, params: RefreshParams, run_id: str,
              communities: CommunityResult, influence: InfluenceResult,
              projection: Projection) -> dict[str, Any]:
    """CELF seed sets (overall, per community, per topic) and top-k baselines; the
    all-accounts set on the refresh's own projection."""
    clock = Clock()
    jobs = plan_jobs(params, communities, influence, projection.graph)
    if not jobs:
        return {"seed_sets": 0, "topics": []}
    clock.lap("inputs")
    rows: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    # two CELF runs at a time on the server (the small ones are single-threaded) while
    # this thread simulates the baselines of those already done
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="celf") as pool:
        futures = [pool.submit(seed_job, database, f"cm-influence-{run_id}-{n}",
                               celf_config(params, len(job.influence.names)), job,
                               communities.detection)
                   for n, job in enumerate(jobs)]
        for job, future in zip(jobs, futures, strict=True):
            try:
                found = future.result()
            except Neo4jError as exc:
                failures.append(failure(job.scope.name, exc))
                continue
            clock.lap("celf")
            if found:
                rows.append(job.baseline.row(run_id, job.scope, found))
            clock.lap("baselines")
    database.execute("influence/write_seeds", rows=rows)
    clock.lap("write")
    return {"seed_sets": len(rows), "propagation_probability": params.propagation_probability,
            "monte_carlo_simulations": jobs[0].baseline.runs,
            "topics": [r["scope"][len(TOPIC_PREFIX):] for r in rows
                       if r["scope"].startswith(TOPIC_PREFIX)],
            "community_topics": [r["scope"] for r in rows if f"/{TOPIC_PREFIX}" in r["scope"]],
            "failures": failures, "timings": clock.timings}


def plan_jobs(params: RefreshParams, communities: CommunityResult,
              influence: InfluenceResult, projected: str) -> list[Job]:
    """Every seed set to compute, in order: all (CELF on the ``projected`` graph), the top
    topics, then each large community and its own top topics (pure)."""
    accounts = communities.accounts
    whole = InfluenceGraph.from_engagement(accounts, communities.detection.engagement)
    if not len(whole.src):
        return []
    cascade = whole.cascade(params.propagation_probability)
    pagerank = communities.detection.pagerank
    baseline = Baselines(
        followers={a: followers(r) for a, r in influence.reach.items()},
        # rounded: near-equal PageRanks must not reorder between identical runs
        pagerank={a: round(float(pagerank[i]), 9) for i, a in enumerate(accounts)},
        runs=int(celf_config(params, len(accounts))["monteCarloSimulations"]),
        seed=params.random_seed)
    jobs = [Job(Scope(SCOPE_ALL, params.max_seeds, accounts, cascade), whole, baseline,
                projected)]
    topic_graphs = TopicGraphs(params, baseline, influence.topic_pairs)
    for topic in seed_topics(influence.topic_engagement, params.seed_topics):
        job = topic_graphs.job(TOPIC_PREFIX + topic, topic, min(TOPIC_SEEDS, params.max_seeds))
        if job is not None:
            jobs.append(job)
    k_comm = min(COMMUNITY_SEEDS, params.max_seeds)
    labels, ids = communities.partition.labels, communities.partition.ids
    for c, size in enumerate(communities.sizes[:COMMUNITY_SCOPES]):
        if size < MIN_COMMUNITY:
            continue
        members = [accounts[i] for i in np.flatnonzero(labels == c).tolist()]
        # the community's own influence graph (CELF picks inside it); spreads are
        # simulated on the whole graph, spill-over to other communities included
        jobs.append(Job(Scope(ids[c], k_comm, members, cascade), whole.subgraph(members),
                        baseline))
        # and for its own top topics: CELF among its members on that topic's graph
        for topic in seed_topics(communities.community_topics.get(c, {}), COMMUNITY_TOPICS):
            job = topic_graphs.job(f"{ids[c]}/{TOPIC_PREFIX}{topic}", topic, k_comm, members)
            if job is not None:
                jobs.append(job)
    return jobs


def seed_job(database: Database, graph: str, config: dict[str, Any], job: Job,
             detection: Detection) -> list[tuple[str, float]]:
    """Project the job's influence graph, run CELF for its k seeds, drop the projection
    (or run CELF on the refresh's own projection): (account, marginal spread) in greedy
    order."""
    influence = job.influence
    if not len(influence.src):
        return []
    if job.projected is not None:
        nodes = len(detection.accounts)
        found = celf(database, job.projected, {**config, "relationshipTypes": ["INFLUENCES"]},
                     min(job.scope.k, nodes - 1))
        at = NodeLookup(detection.node_ids).index(np.array([n for n, _ in found],
                                                           dtype=np.int64))
        return [(detection.accounts[i], spread) for i, (_, spread) in
                zip(at.tolist(), found, strict=True)]
    try:
        nodes = project_influence(database, graph, influence)
        # CELF needs fewer seeds than projected nodes (GDS fails otherwise)
        return [(influence.names[node], spread) for node, spread in
                celf(database, graph, config, min(job.scope.k, nodes - 1))]
    finally:
        drop_graph(database, graph)


def project_influence(database: Database, graph: str, influence: InfluenceGraph) -> int:
    """Project an influence graph into GDS from its arrays (no database scan); returns
    the node count."""
    return int(database.fetch("influence/project_pairs", graph=graph, src=influence.src.tolist(),
                              dst=influence.dst.tolist(), w=influence.units.tolist())[0]["nodes"])


def celf(database: Database, graph: str, config: dict[str, Any],
         size: int) -> list[tuple[int, float]]:
    """CELF with ``size`` seeds as (node, marginal spread) in greedy order; on GDS's
    intermittent index error, retry with fewer (the same greedy prefix); ``size`` < 1
    finds nothing."""
    while size >= 1:
        try:
            return [(int(r["nodeId"]), float(r["spread"]))
                    for r in database.fetch("influence/celf", graph=graph,
                                            config={**config, "seedSetSize": size})]
        except Neo4jError as exc:
            if size <= 1 or "OutOfBounds" not in str(exc.message):
                raise
            size //= 2
    return []


def failure(scope: str, exc: Neo4jError) -> dict[str, str]:
    """A seed set that could not be computed, as recorded in the run's metrics."""
    # GDS 2.13's CELF sometimes throws ArrayIndexOutOfBounds (seen on small graphs,
    # depending on what ran before it in the server) even after retrying with fewer
    # seeds; a missing seed set must not cost the run its communities
    log.warning("CELF failed for %s: %s", scope, exc)
    return {"scope": scope, "error": str(exc.message)[:300]}
