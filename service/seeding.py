"""The seeds stage of a refresh: CELF seed sets for each scope, next to top-k baselines.

Scopes: ``all`` (every analysed account, up to ``max_seeds`` seeds), the 20 largest
communities (their stable id, up to 5 seeds), the ``seed_topics`` topics with the most
engagement (``topic:<name>``, up to 10 seeds) and, for each of those communities, its two
top topics (``<community>/topic:<name>``, up to 5 seeds). A topic's influence graph holds
only the engagement tagged with that topic, so its seeds are the accounts whose audience
engages with them *about that topic*, and every spread in that scope is a spread over
topic engagement.

One simulator (:class:`service.influence.Cascade`) re-simulates CELF's seeds and both
baselines (top-k by follower count and by PageRank, among the scope's accounts), so the
numbers in one response compare.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from neo4j.exceptions import Neo4jError

from . import influence as inf
from .db import Database
from .timing import Clock

if TYPE_CHECKING:
    from .jobs import RefreshParams

log = logging.getLogger(__name__)

CELF_LARGE_GRAPH = 20_000  # nodes above which CELF is budgeted
CELF_BUDGET = 1_000_000  # node-simulations CELF may spend on its first pass
COMMUNITY_SCOPES = 20  # the largest communities get a seed set of their own ...
COMMUNITY_SEEDS = 5  # ... of up to this many seeds
MIN_COMMUNITY = 10  # smaller communities get none
TOPIC_SEEDS = 10  # seeds per topic scope
COMMUNITY_TOPICS = 2  # each of those communities also gets one per top topic (k as above)
TOPIC_PREFIX = "topic:"


@dataclass
class Scope:
    """One seed-set scope: its accounts, its cascade model and the CELF result."""

    name: str
    k: int
    members: list[str]
    cascade: inf.Cascade


def celf_config(params: RefreshParams, nodes: int) -> dict[str, Any]:
    """CELF first simulates a cascade from every node: its cost grows with nodes x
    simulations. Large graphs get fewer simulations (never below 10) and all 4 threads
    (open GDS's cap); small ones keep the configured count and concurrency, so results
    there are exactly reproducible."""
    large = nodes > CELF_LARGE_GRAPH
    return {"propagationProbability": params.propagation_probability,
            "monteCarloSimulations": params.seed_simulations if not large else
            max(10, min(params.seed_simulations, CELF_BUDGET // nodes)),
            "randomSeed": params.random_seed,
            "concurrency": 4 if large else params.concurrency}


def seed_topics(engagement: dict[str, int], limit: int) -> list[str]:
    """The topics that get a seed set: most topic-tagged engagement first, then by name."""
    ranked = sorted(engagement.items(), key=lambda kv: (-kv[1], kv[0]))
    return [topic for topic, n in ranked[:limit] if n > 0]


@dataclass
class InfluenceGraph:
    """Influence pairs in integer node space (node i is account ``names[i]``): influence
    flows from the engaged-with account (``src``) to the engager (``dst``) over ``units``
    parallel trials, one per unit of kind-weighted engagement. Rows are sorted by
    (src, dst), so a projection's node numbering, hence CELF's seeded draws, depends on the
    data only, never on storage order."""

    names: list[str]
    src: np.ndarray
    dst: np.ndarray
    units: np.ndarray

    @classmethod
    def from_engagement(cls, accounts: list[str], edges: Any) -> InfluenceGraph:
        """From the refresh's engagement edges (engager -> engaged, kind-weighted sum):
        reversed, pairs under one unit dropped, weights rounded half up (as Cypher's
        round() in influence/influence_pairs, which gives the same pairs from the
        database)."""
        weight = np.asarray(edges.w, dtype=np.float64)
        units = np.floor(weight + 0.5).astype(np.int64)
        keep = weight >= 1
        # renumber by account id: the refresh's indices follow Neo4j's storage ids
        by_id = np.argsort(np.asarray(accounts, dtype=object), kind="stable")
        renumber = np.empty(len(accounts), dtype=np.int64)
        renumber[by_id] = np.arange(len(accounts))
        return cls._sorted([accounts[i] for i in by_id.tolist()],
                           renumber[np.asarray(edges.dst)[keep]],
                           renumber[np.asarray(edges.src)[keep]], units[keep])

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str, int]]) -> InfluenceGraph:
        """From (source account, engager account, units) rows; nodes numbered by id."""
        names = sorted({s for s, _, _ in pairs} | {t for _, t, _ in pairs})
        number = {a: i for i, a in enumerate(names)}
        return cls._sorted(names, np.array([number[s] for s, _, _ in pairs], dtype=np.int64),
                           np.array([number[t] for _, t, _ in pairs], dtype=np.int64),
                           np.array([w for _, _, w in pairs], dtype=np.int64))

    @classmethod
    def _sorted(cls, names: list[str], src: np.ndarray, dst: np.ndarray,
                units: np.ndarray) -> InfluenceGraph:
        order = np.lexsort((dst, src))
        return cls(names, src[order], dst[order], units[order])

    def cascade(self, p: float) -> inf.Cascade:
        """The simulator every spread in a scope comes from."""
        names = self.names
        return inf.Cascade(((names[s], names[t], int(w)) for s, t, w in
                            zip(self.src.tolist(), self.dst.tolist(), self.units.tolist(),
                                strict=True)), p)

    def subgraph(self, accounts: list[str]) -> InfluenceGraph:
        """The pairs between the given accounts only (node order kept)."""
        number = {a: i for i, a in enumerate(self.names)}
        keep = np.zeros(len(self.names), dtype=bool)
        keep[[number[a] for a in accounts if a in number]] = True
        renumber = np.cumsum(keep) - 1
        rows = keep[self.src] & keep[self.dst]
        return InfluenceGraph([a for a, k in zip(self.names, keep.tolist(), strict=True) if k],
                              renumber[self.src[rows]], renumber[self.dst[rows]],
                              self.units[rows])

    def project(self, database: Database, graph: str) -> int:
        """Project into GDS from the arrays (no database scan); returns the node count."""
        return int(database.fetch("influence/project_pairs", graph=graph, src=self.src.tolist(),
                                  dst=self.dst.tolist(), w=self.units.tolist())[0]["nodes"])

    def celf(self, database: Database, graph: str, config: dict[str, Any], k: int,
             nodes: int) -> list[tuple[str, float]]:
        """CELF on this graph's projection for up to k seeds (fewer than the projected
        nodes: GDS fails otherwise): (account, marginal spread) in greedy order."""
        return [(self.names[int(node)], spread)
                for node, spread in _celf(database, graph, config, min(k, nodes - 1))]

    def seed(self, database: Database, graph: str, config: dict[str, Any],
             k: int) -> list[tuple[str, float]]:
        """Project, run CELF, drop the projection."""
        if not len(self.src):
            return []
        try:
            return self.celf(database, graph, config, k, self.project(database, graph))
        finally:
            database.fetch("refresh/drop_graph", graph=graph)


def seeds_stage(database: Database, params: RefreshParams, run_id: str,
                ctx: dict[str, Any]) -> dict[str, Any]:
    """CELF seed sets (overall, per community, per topic) and top-k baselines."""
    accounts: list[str] = ctx["accounts"]
    labels, ids = ctx["labels"], ctx["ids"]
    clock = Clock()
    whole = InfluenceGraph.from_engagement(accounts, ctx["engagement"])
    if not len(whole.src):
        return {"seed_sets": 0, "topics": []}
    cascade = whole.cascade(params.propagation_probability)
    reach = ctx["reach"]  # the influence stage's rows (it always runs first)
    pagerank = {a: round(float(ctx["pr"][i]), 9) for i, a in enumerate(accounts)}
    config = celf_config(params, len(accounts))
    baseline = Baselines(
        followers={a: (r["declared_followers"] or r["follower_edges"] or 0)
                   for a, r in reach.items()},
        pagerank=pagerank, runs=int(config["monteCarloSimulations"]), seed=params.random_seed)
    rows: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    k_comm = min(COMMUNITY_SEEDS, params.max_seeds)
    jobs = [Job(Scope("all", params.max_seeds, accounts, cascade), whole, baseline)]
    topic_graphs = TopicGraphs(params, baseline, ctx.get("topic_pairs", {}))
    for topic in seed_topics(ctx.get("topic_engagement", {}), params.seed_topics):
        job = topic_graphs.job(TOPIC_PREFIX + topic, topic,
                               min(TOPIC_SEEDS, params.max_seeds))
        if job is not None:
            jobs.append(job)
    for c, size in enumerate(ctx["sizes"][:COMMUNITY_SCOPES]):
        if size < MIN_COMMUNITY:
            continue
        members = [accounts[i] for i in np.flatnonzero(labels == c).tolist()]
        # the community's own influence graph (CELF picks inside it); spreads are
        # simulated on the whole graph, spill-over to other communities included
        jobs.append(Job(Scope(ids[c], k_comm, members, cascade), whole.subgraph(members),
                        baseline))
        # and for its own top topics: CELF among its members on that topic's graph
        for topic in seed_topics(ctx.get("community_topics", {}).get(c, {}),
                                 COMMUNITY_TOPICS):
            job = topic_graphs.job(f"{ids[c]}/{TOPIC_PREFIX}{topic}", topic, k_comm, members)
            if job is not None:
                jobs.append(job)
    clock.lap("inputs")
    # two CELF runs at a time on the server (the small ones are single-threaded) while
    # this thread simulates the baselines of those already done
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="celf") as pool:
        futures = [pool.submit(job.influence.seed, database, f"cm-influence-{run_id}-{n}",
                               celf_config(params, len(job.influence.names)), job.scope.k)
                   for n, job in enumerate(jobs)]
        for job, future in zip(jobs, futures, strict=True):
            try:
                found = future.result()
            except Neo4jError as exc:
                failures.append(_failure(job.scope.name, exc))
                continue
            clock.lap("celf")
            if found:
                rows.append(job.baseline.row(run_id, job.scope, found))
            clock.lap("baselines")
    database.execute("influence/write_seeds", rows=rows)
    clock.lap("write")
    return {"seed_sets": len(rows), "propagation_probability": params.propagation_probability,
            "monte_carlo_simulations": config["monteCarloSimulations"],
            "topics": [r["scope"][len(TOPIC_PREFIX):] for r in rows
                       if r["scope"].startswith(TOPIC_PREFIX)],
            "community_topics": [r["scope"] for r in rows if f"/{TOPIC_PREFIX}" in r["scope"]],
            "failures": failures, "timings": clock.timings}


@dataclass
class Baselines:
    """Top-k by followers and by PageRank, simulated like CELF's seeds."""

    followers: dict[str, int]
    pagerank: dict[str, float]
    runs: int
    seed: int

    def row(self, run_id: str, scope: Scope,
            found: list[tuple[str, float]]) -> dict[str, Any]:
        """The stored seed set of a scope: CELF order, marginal spreads, baselines."""
        order = [account for account, _ in found]
        by_followers = sorted(scope.members, key=lambda a: (-self.followers.get(a, 0), a))
        # rounded: near-equal PageRanks must not reorder between identical runs
        by_pagerank = sorted(scope.members, key=lambda a: (-self.pagerank.get(a, 0.0), a))
        ks = list(range(1, len(order) + 1))  # every prefix: the API answers any k exactly
        sim = {name: inf.prefix_spreads(scope.cascade, ranking, ks, self.runs, self.seed)
               for name, ranking in (("celf", order), ("top_followers", by_followers),
                                     ("top_pagerank", by_pagerank))}
        return {"key": f"{run_id}:{scope.name}", "runId": run_id, "scope": scope.name,
                "seeds": json.dumps([{"id": a, "marginal_spread": round(s, 3)}
                                     for a, s in found]),
                "baselines": json.dumps({name: {str(k): v for k, v in d.items()}
                                         for name, d in sim.items()}),
                "topFollowers": json.dumps(by_followers[:len(order)]),
                "topPagerank": json.dumps(by_pagerank[:len(order)]),
                "members": len(scope.members)}


@dataclass
class Job:
    """One seed set to compute: where CELF picks, and how its baselines are simulated."""

    scope: Scope
    influence: InfluenceGraph
    baseline: Baselines


class TopicGraphs:
    """The influence graph of each topic's engagement (built once per topic) and the jobs
    on it: the whole topic, or one community's members within it. Spreads are simulated
    on the topic's graph; baselines rank the scope's accounts in that graph."""

    def __init__(self, params: RefreshParams, baseline: Baselines,
                 by_topic: dict[str, list[tuple[str, str, float]]]):
        self.params, self.baseline, self.by_topic = params, baseline, by_topic
        self.built: dict[str, tuple[InfluenceGraph, inf.Cascade, Baselines] | None] = {}

    def _graph(self, topic: str) -> tuple[InfluenceGraph, inf.Cascade, Baselines] | None:
        if topic not in self.built:
            # pairs under one unit dropped, weights rounded half up (as for the whole graph)
            pairs = [(s, t, int(w + 0.5)) for s, t, w in self.by_topic.get(topic, ())
                     if w >= 1]
            if not pairs:
                self.built[topic] = None
            else:
                graph = InfluenceGraph.from_pairs(pairs)
                runs = int(celf_config(self.params, len(graph.names))["monteCarloSimulations"])
                self.built[topic] = (
                    graph, graph.cascade(self.params.propagation_probability),
                    Baselines(self.baseline.followers, self.baseline.pagerank, runs,
                              self.baseline.seed))
        return self.built[topic]

    def job(self, scope: str, topic: str, k: int,
            members: list[str] | None = None) -> Job | None:
        """A seed-set job on the topic's graph (restricted to ``members`` if given)."""
        built = self._graph(topic)
        if built is None:
            return None
        graph, cascade, baseline = built
        if members is not None:
            graph = graph.subgraph(members)
            if not len(graph.src):
                return None
        return Job(Scope(scope, k, graph.names, cascade), graph, baseline)


def _celf(database: Database, graph: str, config: dict[str, Any],
          size: int) -> list[tuple[int, float]]:
    """CELF with ``size`` seeds as (account, marginal spread) in greedy order; on GDS's
    intermittent index error, retry with fewer (the same greedy prefix). CELF needs
    fewer seeds than nodes (GDS fails otherwise): ``size`` < 1 finds nothing."""
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


def _failure(scope: str, exc: Neo4jError) -> dict[str, str]:
    # GDS 2.13's CELF sometimes throws ArrayIndexOutOfBounds (seen on small graphs,
    # depending on what ran before it in the server) even after retrying with fewer
    # seeds; a missing seed set must not cost the run its communities
    log.warning("CELF failed for %s: %s", scope, exc)
    return {"scope": scope, "error": str(exc.message)[:300]}
