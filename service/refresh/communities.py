"""Stage *communities* (GDS, in Neo4j): community detection and PageRank on the projection.

Leiden (default), Louvain or label propagation on the undirected weighted graph, and
engagement-weighted PageRank on the directed engagement graph (follows shape communities
but must not make leaders). The GDS answers become one typed :class:`Detection` in node
index space (node i is the i-th projected node by GDS id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..analytics import Edges, FloatArray, IntArray, distinct
from ..db import Database
from .edges import EngagementGraph
from .params import RefreshParams
from .projection import Projection


@dataclass(frozen=True)
class Detection:
    """What GDS found, per node: account, community, intermediate levels and PageRank, with
    the projection's edges in the same node-index space."""

    accounts: list[str]
    node_ids: IntArray  # Neo4j internal id per node
    communities: IntArray  # the algorithm's final community per node
    levels: list[list[int]] | None  # per node: intermediate community ids, fine to coarse
    pagerank: FloatArray
    edges: Edges  # weight (interactions by kind + follows), directed
    engagement: Edges  # the interaction part only, directed
    trials: dict[str, Any]  # how the partition was chosen (best-of-N Leiden)


def algorithm_config(params: RefreshParams) -> dict[str, Any]:
    """The GDS configuration of the chosen community algorithm."""
    config: dict[str, Any] = {"relationshipTypes": ["ENGAGES_U"],
                              "relationshipWeightProperty": "weight",
                              "concurrency": params.concurrency}
    if params.algorithm == "leiden":
        config.update(gamma=params.resolution, randomSeed=params.random_seed,
                      includeIntermediateCommunities=True, maxLevels=params.max_levels)
    elif params.algorithm == "louvain":
        config.update(includeIntermediateCommunities=True, maxLevels=params.max_levels)
    else:
        config.update(maxIterations=20)
    return config


TRIAL_BUDGET = 400_000  # undirected relationships x trials spent on best-of-N Leiden
MAX_TRIALS = 50
# Leiden's refinement randomness (theta, GDS default 0.01) acts in weight units: on pairs
# weighing ~7 the default makes every seed land on the same partition. Trials after the
# first (which keeps GDS's default) cycle through these multiples of 0.01 x the mean pair
# weight, so the candidates really differ and the best of them is kept.
THETA_STEPS = (1.0, 10.0, 100.0)


def leiden_trials(params: RefreshParams, relationships: int) -> int:
    """Leiden runs to make: as configured, else many on small graphs and one on large
    ones (each run costs about as much as the undirected graph is large)."""
    if params.leiden_trials is not None:
        return params.leiden_trials
    return max(1, min(MAX_TRIALS, TRIAL_BUDGET // max(relationships, 1)))


@dataclass(frozen=True)
class Found:
    """The chosen partition per node (nodeId, community, levels) and how it was chosen."""

    frame: pd.DataFrame
    trials: dict[str, Any]


def run_algorithm(database: Database, projection: Projection, params: RefreshParams,
                  relationships: int) -> Found:
    """Communities on the undirected graph (``relationships`` of them): Leiden as the best
    of its trials by modularity (seeds random_seed, random_seed + 1, ...; ties keep the
    earliest), Louvain or label propagation once."""
    if params.algorithm != "leiden":
        frame = database.columns(f"refresh/{params.algorithm}", graph=projection.graph,
                               config=algorithm_config(params))
        return Found(frame, {"count": 1})
    config = algorithm_config(params)
    thetas = trial_thetas(database, projection, leiden_trials(params, relationships))
    modularities = []
    for trial, theta in enumerate(thetas):
        row = database.fetch("refresh/leiden_trial", graph=projection.graph, config={
            **config, "randomSeed": params.random_seed + trial,
            "mutateProperty": f"leiden{trial}", **({"theta": theta} if theta else {})})[0]
        modularities.append(round(float(row["modularity"]), 6))
    best = modularities.index(max(modularities))
    frame = database.columns("refresh/node_property", graph=projection.graph,
                           property=f"leiden{best}")
    frame["community"] = [levels[-1] for levels in frame["levels"]]
    return Found(frame, {"count": len(modularities), "chosen": best,
                         "random_seed": params.random_seed + best,
                         "theta": thetas[best], "modularities": modularities})


def trial_thetas(database: Database, projection: Projection, trials: int) -> list[float | None]:
    """Each trial's theta: GDS's default for the first (None), then THETA_STEPS in turn
    times 0.01 x the mean pair weight."""
    if trials <= 1:
        return [None]
    rows = database.fetch("refresh/mean_weight", graph=projection.graph)
    unit = 0.01 * float((rows[0]["mean"] if rows else None) or 1.0)
    return [None] + [round(unit * THETA_STEPS[(t - 1) % len(THETA_STEPS)], 6)
                     for t in range(1, trials)]


def run_pagerank(database: Database, projection: Projection,
                 params: RefreshParams) -> pd.DataFrame:
    """Engagement-weighted PageRank on the directed graph: nodeId, score."""
    return database.columns("refresh/pagerank", graph=projection.graph, config={
        "relationshipTypes": ["ENGAGES"], "relationshipWeightProperty": "engagement",
        "dampingFactor": 0.85, "concurrency": params.concurrency})


def detection_of(chosen: Found, ranks: pd.DataFrame, graph: EngagementGraph) -> Detection:
    """The GDS answers aligned on the engagement graph's node index (pure)."""
    found, n = chosen.frame, len(graph.accounts)
    at = graph.index_of(found["nodeId"].to_numpy(dtype=np.int64))
    if len(found) != n or (at < 0).any() or len(distinct(at)) != n:
        raise RuntimeError(f"the projection ({len(found)} nodes) and the engagement read "
                           f"({n} accounts) disagree: did the data change meanwhile?")
    communities = np.zeros(n, dtype=np.int64)
    communities[at] = found["community"].to_numpy(dtype=np.int64)
    pagerank = np.zeros(n)
    pagerank[graph.index_of(ranks["nodeId"].to_numpy(dtype=np.int64))] = \
        ranks["score"].to_numpy(dtype=np.float64)
    raw_levels = found["levels"].tolist() if "levels" in found else []
    levels: list[list[int]] | None = None
    if raw_levels and isinstance(raw_levels[0], list | np.ndarray):
        levels = [[] for _ in range(n)]
        for i, row in zip(at.tolist(), raw_levels, strict=True):
            levels[i] = list(row)
    return Detection(accounts=graph.accounts, node_ids=graph.node_ids,
                     communities=communities, levels=levels,
                     pagerank=pagerank, edges=graph.edges, engagement=graph.engagement,
                     trials=chosen.trials)
