"""Stage *project* (GDS, in Neo4j): the engagement graph projected, and always dropped.

The projection streams one relationship per interaction (``weight`` = its kind's weight,
``engagement`` the same) and per follow (``weight`` = ``follow_weight``, ``engagement``
0) — parallel relationships of a pair add up, so no transaction groups the whole graph —
after every analysed account in account-id order, which fixes GDS's node numbering. An
undirected copy (``ENGAGES_U``, pairs summed) feeds community detection. With influence
on, ``INFLUENCES`` (engaged-with -> engager, one relationship per unit of kind weight)
serves the all-accounts CELF seed set, so the largest influence graph never travels
through Python or a parameter list.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
                              followWeight=params.follow_weight, since=since,
                              influence=params.influence)
        found = info[0] if info else {}
        projection = Projection(name, since, int(found.get("nodes") or 0),
                                int(found.get("relationships") or 0))
        if not projection.nodes:
            raise RuntimeError("no engagement to analyse: load interactions or follows first")
        yield projection
    finally:
        drop_graph(database, name)


def to_undirected(database: Database, projection: Projection) -> int:
    """Add the undirected copy ``ENGAGES_U`` (a->b and b->a summed) that communities use;
    returns its relationship count (each pair twice)."""
    rows = database.fetch("refresh/to_undirected", graph=projection.graph)
    return int(rows[0]["relationshipsWritten"]) if rows else 0


def release(database: Database, projection: Projection, relationship_type: str) -> None:
    """Drop a relationship type of the projection that later stages no longer need."""
    database.fetch("refresh/drop_relationships", graph=projection.graph, type=relationship_type)


def drop_graph(database: Database, name: str) -> None:
    """Drop a projection if it exists; never masks the caller's own error."""
    try:
        database.fetch("refresh/drop_graph", graph=name)
    except Exception:  # noqa: BLE001 - never mask the stage's own error
        log.exception("could not drop projection %s", name)
