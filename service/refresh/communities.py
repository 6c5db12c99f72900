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

from ..analytics import Edges, FloatArray, IntArray
from ..db import Database
from .params import RefreshParams
from .projection import GraphEdges, Projection, in_node_space


@dataclass(frozen=True)
class Detection:
    """What GDS found, per node: account, community, intermediate levels and PageRank, with
    the projection's edges in the same node-index space."""

    accounts: list[str]
    communities: IntArray  # the algorithm's final community per node
    levels: list[list[int]] | None  # per node: intermediate community ids, fine to coarse
    pagerank: FloatArray
    edges: Edges  # weight (interactions by kind + follows), directed
    engagement: Edges  # the interaction part only, directed


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


def run_algorithm(database: Database, projection: Projection,
                  params: RefreshParams) -> pd.DataFrame:
    """The community algorithm's stream: nodeId, account, community, levels."""
    return database.frame(f"refresh/{params.algorithm}", graph=projection.graph,
                          config=algorithm_config(params))


def run_pagerank(database: Database, projection: Projection,
                 params: RefreshParams) -> pd.DataFrame:
    """Engagement-weighted PageRank on the directed graph: nodeId, score."""
    return database.frame("refresh/pagerank", graph=projection.graph, config={
        "relationshipTypes": ["ENGAGES"], "relationshipWeightProperty": "engagement",
        "dampingFactor": 0.85, "concurrency": params.concurrency})


def detection_of(found: pd.DataFrame, ranks: pd.DataFrame, edges: GraphEdges) -> Detection:
    """The GDS answers aligned on node index (pure)."""
    found = found.sort_values("nodeId").reset_index(drop=True)
    node_ids = found["nodeId"].to_numpy(dtype=np.int64)
    pagerank = np.zeros(len(found))
    pagerank[np.searchsorted(node_ids, ranks["nodeId"].to_numpy(dtype=np.int64))] = \
        ranks["score"].to_numpy(dtype=np.float64)
    levels = found["levels"].tolist() if "levels" in found else None
    if not levels or not isinstance(levels[0], list | np.ndarray):
        levels = None
    weight, engagement = in_node_space(edges, node_ids)
    return Detection(accounts=found["account"].tolist(),
                     communities=found["community"].to_numpy(dtype=np.int64),
                     levels=[list(row) for row in levels] if levels else None,
                     pagerank=pagerank, edges=weight, engagement=engagement)
