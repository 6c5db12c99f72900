"""Seed-set inputs (pure): influence graphs, scopes, the CELF budget and top-k baselines.

Scopes: ``all`` (every analysed account, up to ``max_seeds`` seeds), the 20 largest
communities (their stable id, up to 5 seeds), the ``seed_topics`` topics with the most
engagement (``topic:<name>``, up to 10 seeds) and, for each of those communities, its two
top topics (``<community>/topic:<name>``, up to 5 seeds). A topic's influence graph holds
only the engagement tagged with that topic, so its seeds are the accounts whose audience
engages with them *about that topic*, and every spread in that scope is a spread over
topic engagement.

One simulator (:class:`service.cascade.Cascade`) re-simulates CELF's seeds and both
baselines (top-k by follower count and by PageRank, among the scope's accounts), so the
numbers in one response compare. The stage that runs CELF in GDS and writes the seed sets
is :mod:`service.refresh.seeds`.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import jsontext
from ..cascade import Cascade, prefix_spreads
from .params import RefreshParams

CELF_LARGE_GRAPH = 20_000  # nodes above which CELF is budgeted
CELF_BUDGET = 1_000_000  # node-simulations CELF may spend on its first pass
COMMUNITY_SCOPES = 20  # the largest communities get a seed set of their own ...
COMMUNITY_SEEDS = 5  # ... of up to this many seeds
MIN_COMMUNITY = 10  # smaller communities get none
TOPIC_SEEDS = 10  # seeds per topic scope
COMMUNITY_TOPICS = 2  # each of those communities also gets one per top topic (k as above)


@dataclass
class Scope:
    """One seed-set scope: its accounts, its cascade model and the CELF result."""

    name: str
    k: int
    members: list[str]
    cascade: Cascade


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
        return cls.from_columns([s for s, _, _ in pairs], [t for _, t, _ in pairs],
                                np.array([w for _, _, w in pairs], dtype=np.int64))

    @classmethod
    def from_columns(cls, sources: Sequence[str] | np.ndarray,
                     engagers: Sequence[str] | np.ndarray,
                     units: np.ndarray) -> InfluenceGraph:
        """From parallel columns (source account, engager account, units); nodes numbered
        by id. Numbered with pandas (a pointer per row, not a dict and lists of ints)."""
        ends = np.concatenate([np.asarray(sources, dtype=object),
                               np.asarray(engagers, dtype=object)])
        codes, names = pd.factorize(ends, sort=True)
        n = len(sources)
        return cls._sorted(names.tolist(), codes[:n].astype(np.int64),
                           codes[n:].astype(np.int64), np.asarray(units, dtype=np.int64))

    @classmethod
    def _sorted(cls, names: list[str], src: np.ndarray, dst: np.ndarray,
                units: np.ndarray) -> InfluenceGraph:
        order = np.lexsort((dst, src))
        return cls(names, src[order], dst[order], units[order])

    def cascade(self, p: float) -> Cascade:
        """The simulator every spread in a scope comes from."""
        return Cascade.from_arrays(self.names, self.src, self.dst, self.units, p)

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


@dataclass
class Baselines:
    """Top-k by followers and by PageRank, simulated like CELF's seeds."""

    pagerank: dict[str, float]
    runs: int
    seed: int

    def row(self, run_id: str, scope: Scope, found: list[tuple[str, float]],
            followers: dict[str, int]) -> dict[str, Any]:
        """The stored seed set of a scope: CELF order, marginal spreads, baselines (the
        follower counts come from the influence stage, which ends after CELF starts)."""
        order = [account for account, _ in found]
        k = len(order)  # only the top k of each ranking is simulated and stored
        by_followers = heapq.nsmallest(k, scope.members,
                                       key=lambda a: (-followers.get(a, 0), a))
        # rounded: near-equal PageRanks must not reorder between identical runs
        by_pagerank = heapq.nsmallest(k, scope.members,
                                      key=lambda a: (-self.pagerank.get(a, 0.0), a))
        ks = list(range(1, len(order) + 1))  # every prefix: the API answers any k exactly
        sim = {name: prefix_spreads(scope.cascade, ranking, ks, self.runs, self.seed)
               for name, ranking in (("celf", order), ("top_followers", by_followers),
                                     ("top_pagerank", by_pagerank))}
        return {"key": f"{run_id}:{scope.name}", "runId": run_id, "scope": scope.name,
                "seeds": jsontext.dumps([{"id": a, "marginal_spread": round(s, 3)}
                                     for a, s in found]),
                "baselines": jsontext.dumps({name: {str(k): v for k, v in d.items()}
                                         for name, d in sim.items()}),
                "topFollowers": jsontext.dumps(by_followers),
                "topPagerank": jsontext.dumps(by_pagerank),
                "members": len(scope.members)}


@dataclass
class Job:
    """One seed set to compute: where CELF picks, and how its baselines are simulated."""

    scope: Scope
    influence: InfluenceGraph | None  # None once projected: its arrays are on the server
    baseline: Baselines
    # run CELF on this already projected graph's INFLUENCES (nodes: its own numbering)
    # instead of projecting ``influence`` from its arrays
    projected: str | None = None


class TopicGraphs:
    """The influence graph of each topic's engagement (built once per topic) and the jobs
    on it: the whole topic, or one community's members within it. Spreads are simulated
    on the topic's graph; baselines rank the scope's accounts in that graph."""

    def __init__(self, params: RefreshParams, baseline: Baselines,
                 by_topic: dict[str, list[tuple[str, str, float]]]):
        self.params, self.baseline, self.by_topic = params, baseline, by_topic
        self.built: dict[str, tuple[InfluenceGraph, Cascade, Baselines] | None] = {}

    def _graph(self, topic: str) -> tuple[InfluenceGraph, Cascade, Baselines] | None:
        if topic not in self.built:
            rows = self.by_topic.get(topic, [])
            weight = np.fromiter((w for _, _, w in rows), dtype=np.float64, count=len(rows))
            keep = weight >= 1  # pairs under one unit dropped, weights rounded half up
            if not keep.any():
                self.built[topic] = None
            else:
                graph = InfluenceGraph.from_columns(
                    np.array([s for s, _, _ in rows], dtype=object)[keep],
                    np.array([t for _, t, _ in rows], dtype=object)[keep],
                    np.floor(weight[keep] + 0.5))
                runs = int(celf_config(self.params, len(graph.names))["monteCarloSimulations"])
                self.built[topic] = (
                    graph, graph.cascade(self.params.propagation_probability),
                    Baselines(self.baseline.pagerank, runs, self.baseline.seed))
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
