"""Stage *write*: a run's communities, memberships and map levels written under its id.

Nothing written here is served until the switch (:func:`service.refresh.runs.finish_run`);
a failed run's rows are deleted (:func:`service.refresh.runs.fail_run`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..db import Database
from .leaders import CommunityResult

WRITE_BATCH = 10_000  # rows per write transaction


def batches(rows: list[dict[str, Any]], size: int = WRITE_BATCH) -> Iterator[list[dict[str, Any]]]:
    """Consecutive slices of at most ``size`` rows."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def write_results(database: Database, run_id: str, result: CommunityResult) -> None:
    """Write communities, memberships and maps in batches (invisible until the switch)."""
    database.execute("refresh/write_communities", rows=result.communities)
    for batch in batches(result.members):
        database.execute("refresh/write_members", groups=by_community(batch), runId=run_id)
    database.execute("refresh/write_map_levels", rows=result.levels)


def by_community(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Membership rows grouped by community key (one lookup per community per batch)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["key"], []).append(row)
    return [{"key": key, "rows": members} for key, members in groups.items()]
