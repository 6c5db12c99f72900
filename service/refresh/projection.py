"""Stage *project* (GDS, in Neo4j): the engagement graph projected, streamed back, dropped.

The projection holds, per ordered pair of accounts, ``weight`` (kind-weighted interactions
plus ``follow_weight`` for a follow) and ``engagement`` (the interactions alone); an
undirected copy (``ENGAGES_U``) feeds community detection.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain

import numpy as np

from ..analytics import Edges
from ..db import Database
from .params import RefreshParams

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Projection:
    """A projected engagement graph in the GDS catalogue."""

    graph: str
    since: str | None  # only interactions at or after this UTC time (None: all)
    nodes: int
    relationships: int

    def summary(self) -> dict[str, object]:
        """What the run records about its projection."""
        return {"nodes": self.nodes, "relationships": self.relationships, "since": self.since}


@dataclass(frozen=True)
class GraphEdges:
    """The projection's directed edges in GDS node-id space: ``weight`` over every pair,
    ``engagement`` its interaction part (0 for follow-only pairs); rows sorted by (s, t)."""

    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    engagement: np.ndarray


def window_start(params: RefreshParams) -> str | None:
    """The start of the interaction window as an ISO UTC time (None: no window)."""
    if not params.window_days:
        return None
    return (datetime.now(UTC) - timedelta(days=params.window_days)).isoformat()


@contextmanager
def projected(database: Database, run_id: str, params: RefreshParams) -> Iterator[Projection]:
    """Project the engagement graph; always drop it afterwards."""
    name, since = f"cm-{run_id}", window_start(params)
    try:
        info = database.fetch("refresh/project_engagement", graph=name,
                              kindWeights=params.kind_weights,
                              followWeight=params.follow_weight, since=since)
        found = info[0] if info else {}
        projection = Projection(name, since, int(found.get("nodes") or 0),
                                int(found.get("relationships") or 0))
        if not projection.nodes:
            raise RuntimeError("no engagement to analyse: load interactions or follows first")
        yield projection
    finally:
        drop_graph(database, name)


def to_undirected(database: Database, projection: Projection) -> None:
    """Add the undirected copy ``ENGAGES_U`` (a->b and b->a summed) that communities use."""
    database.fetch("refresh/to_undirected", graph=projection.graph)


def drop_graph(database: Database, name: str) -> None:
    """Drop a projection if it exists; never masks the caller's own error."""
    try:
        database.fetch("refresh/drop_graph", graph=name)
    except Exception:  # noqa: BLE001 - never mask the stage's own error
        log.exception("could not drop projection %s", name)


def stream_edges(database: Database, projection: Projection) -> GraphEdges:
    """The projection's directed edges (weight and engagement per pair).

    The query sends one row per source with parallel lists; the (s, t) pairs are unique
    (the projection aggregates per pair), so sorting each property's rows by (s, t)
    aligns them without trusting the stream's order."""
    rows = database.fetch("refresh/stream_edges", graph=projection.graph)
    lengths = np.fromiter((len(r["ts"]) for r in rows), dtype=np.int64, count=len(rows))
    src = np.repeat(np.fromiter((r["s"] for r in rows), dtype=np.int64, count=len(rows)),
                    lengths)
    count = int(lengths.sum())
    dst = np.fromiter(chain.from_iterable(r["ts"] for r in rows), dtype=np.int64, count=count)
    is_w = np.fromiter(chain.from_iterable(r["isWeight"] for r in rows), dtype=bool,
                       count=count)
    val = np.fromiter(chain.from_iterable(r["vs"] for r in rows), dtype=np.float64,
                      count=count)
    cols = {}
    for name, mask in (("w", is_w), ("e", ~is_w)):
        order = np.lexsort((dst[mask], src[mask]))
        cols[name] = (src[mask][order], dst[mask][order], val[mask][order])
    (ws, wt, w), (es, et, e) = cols["w"], cols["e"]
    if not (np.array_equal(ws, es) and np.array_equal(wt, et)):
        raise RuntimeError("edge stream: weight and engagement rows do not pair up")
    return GraphEdges(ws, wt, w, e)


def in_node_space(edges: GraphEdges, node_ids: np.ndarray) -> tuple[Edges, Edges]:
    """The weight graph and the engagement-only graph in node-index space (node i has GDS
    id ``node_ids[i]``, sorted ascending)."""
    src = np.searchsorted(node_ids, edges.src)
    dst = np.searchsorted(node_ids, edges.dst)
    engaged = edges.engagement > 0
    return (Edges(src=src, dst=dst, w=edges.weight.astype(np.float64)),
            Edges(src=src[engaged], dst=dst[engaged], w=edges.engagement[engaged]))
