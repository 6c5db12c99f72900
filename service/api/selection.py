"""Which run a request reads: the serving run by default, or any run whose results are kept."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from ..errors import ApiError
from . import db
from .serving import serving_run


def selected_run(run_id: str | None) -> dict[str, Any]:
    """The run to read (``run_id``, else the serving run): id, params, whether it serves.

    404 when that run's results are not kept (unknown, failed, or pruned by retention)."""
    rid = run_id or serving_run()
    rows = db().fetch("export/retained_run", runId=rid)
    if not rows:
        raise ApiError(404, f"run {rid!r} has no kept results (unknown, not succeeded, or "
                            "pruned by retention); GET /v1/runs lists the runs")
    row = dict(rows[0])
    row["params"] = json.loads(row["params"] or "{}")
    row["metrics"] = json.loads(row["metrics"] or "{}")
    return row


def engagement_window(run: dict[str, Any]) -> str | None:
    """Start of the run's engagement window (ISO time), None when it had none."""
    days, started = run["params"].get("window_days"), run.get("started_at")
    if not days or started is None:
        return None
    native: datetime = started.to_native() if hasattr(started, "to_native") else started
    return (native - timedelta(days=days)).isoformat()
