"""Stage *seeds* (GDS, in Neo4j): CELF seed sets for each scope, next to top-k baselines.

Scopes: ``all`` (every analysed account, up to ``max_seeds`` seeds), the 20 largest
communities (their stable id, up to 5 seeds), the ``seed_topics`` topics with the most
engagement (``topic:<name>``, up to 10 seeds) and, for each of those communities, its two
top topics (``<community>/topic:<name>``, up to 5 seeds). The influence graphs and
baselines are built in :mod:`service.refresh.seed_graphs`; here each is projected into
GDS and CELF runs, two at a time on the server, from the moment the communities are
known, so the searches overlap the write and influence stages (they need neither); the
stage itself then simulates each CELF set and its baselines and writes the seed sets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
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
from .topics import TopicCounts

log = logging.getLogger(__name__)


class SeedSearch:
    """CELF for every scope, searched on the server from the moment the communities are
    known (:func:`started`): planning and projection + CELF run on two background threads
    while the influence stage runs here; :meth:`finish` then simulates the baselines and
    writes the seed sets."""

    def __init__(self, database: Database, params: RefreshParams, run_id: str,
                 communities: CommunityResult, topics: TopicCounts, projected: str,
                 pool: ThreadPoolExecutor):
        self.database, self.params, self.run_id = database, params, run_id
        self.pool = pool
        self.clock = Clock()
        self.planned = pool.submit(self._plan, communities, topics, projected)

    def _plan(self, communities: CommunityResult, topics: TopicCounts,
              projected: str) -> tuple[list[Job], list[Future[list[tuple[str, float]]]]]:
        """Plan the jobs, queueing each CELF run as soon as its job is planned (two at a
        time on the server, one while this plans)."""
        started = time.perf_counter()
        jobs: list[Job] = []
        futures: list[Future[list[tuple[str, float]]]] = []
        for n, job in enumerate(plan_jobs(self.params, communities, topics, projected)):
            assert job.influence is not None  # a planned job is not projected yet
            config = celf_config(self.params, len(job.influence.names))
            jobs.append(job)
            futures.append(self.pool.submit(seed_job, self.database,
                                            f"cm-influence-{self.run_id}-{n}", config, job,
                                            communities.detection))
        self.clock.add("inputs", time.perf_counter() - started)
        return jobs, futures

    def finish(self, influence: InfluenceResult) -> dict[str, Any]:
        """Wait for each CELF result in turn, simulate it and its baselines, write the seed
        sets; the seeds stage's metrics."""
        jobs, futures = self.planned.result()
        clock = self.clock
        clock.restart()
        if not jobs:
            return {"seed_sets": 0, "topics": []}
        follower_counts = {a: followers(r) for a, r in influence.reach.items()}
        rows: list[dict[str, Any]] = []
        failures: list[dict[str, str]] = []
        for job, future in zip(jobs, futures, strict=True):
            try:
                found = future.result()
            except Neo4jError as exc:
                failures.append(failure(job.scope.name, exc))
                continue
            clock.lap("celf")
            if found:
                rows.append(job.baseline.row(self.run_id, job.scope, found, follower_counts))
            clock.lap("baselines")
        self.database.execute("influence/write_seeds", rows=rows)
        clock.lap("write")
        return {"seed_sets": len(rows),
                "propagation_probability": self.params.propagation_probability,
                "monte_carlo_simulations": jobs[0].baseline.runs,
                "topics": [r["scope"][len(TOPIC_PREFIX):] for r in rows
                           if r["scope"].startswith(TOPIC_PREFIX)],
                "community_topics": [r["scope"] for r in rows
                                     if f"/{TOPIC_PREFIX}" in r["scope"]],
                "failures": failures, "timings": clock.timings}


@contextmanager
def started(database: Database, params: RefreshParams, run_id: str,
            communities: CommunityResult, topics: TopicCounts,
            projection: Projection) -> Iterator[SeedSearch]:
    """Start the CELF searches (the all-accounts set on the refresh's own projection); on
    leaving, what has not started is cancelled and what runs is waited for (each job drops
    its own projection)."""
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="celf")
    try:
        yield SeedSearch(database, params, run_id, communities, topics, projection.graph, pool)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def plan_jobs(params: RefreshParams, communities: CommunityResult, topics: TopicCounts,
              projected: str) -> Iterator[Job]:
    """Every seed set to compute, in order: all (CELF on the ``projected`` graph), the top
    topics, then each large community and its own top topics (pure; one at a time, so a
    job can run, and release its graph, while the next is planned)."""
    accounts = communities.accounts
    whole = InfluenceGraph.from_engagement(accounts, communities.detection.engagement)
    if not len(whole.src):
        return
    cascade = whole.cascade(params.propagation_probability)
    pagerank = communities.detection.pagerank
    baseline = Baselines(
        # rounded: near-equal PageRanks must not reorder between identical runs
        pagerank={a: round(float(pagerank[i]), 9) for i, a in enumerate(accounts)},
        runs=int(celf_config(params, len(accounts))["monteCarloSimulations"]),
        seed=params.random_seed)
    yield Job(Scope(SCOPE_ALL, params.max_seeds, accounts, cascade), whole, baseline,
              projected)
    topic_graphs = TopicGraphs(params, baseline, topics.pairs)
    for topic in seed_topics(topics.engagement, params.seed_topics):
        job = topic_graphs.job(TOPIC_PREFIX + topic, topic, min(TOPIC_SEEDS, params.max_seeds))
        if job is not None:
            yield job
    k_comm = min(COMMUNITY_SEEDS, params.max_seeds)
    labels, ids = communities.partition.labels, communities.partition.ids
    for c, size in enumerate(communities.sizes[:COMMUNITY_SCOPES]):
        if size < MIN_COMMUNITY:
            continue
        members = [accounts[i] for i in np.flatnonzero(labels == c).tolist()]
        # the community's own influence graph (CELF picks inside it); spreads are
        # simulated on the whole graph, spill-over to other communities included
        yield Job(Scope(ids[c], k_comm, members, cascade), whole.subgraph(members), baseline)
        # and for its own top topics: CELF among its members on that topic's graph
        for topic in seed_topics(communities.community_topics.get(c, {}), COMMUNITY_TOPICS):
            job = topic_graphs.job(f"{ids[c]}/{TOPIC_PREFIX}{topic}", topic, k_comm, members)
            if job is not None:
                yield job


def seed_job(database: Database, graph: str, config: dict[str, Any], job: Job,
             detection: Detection) -> list[tuple[str, float]]:
    """Project the job's influence graph, run CELF for its k seeds, drop the projection
    (or run CELF on the refresh's own projection): (account, marginal spread) in greedy
    order."""
    influence, job.influence = job.influence, None  # the arrays are not needed after this
    if influence is None or not len(influence.src):
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
