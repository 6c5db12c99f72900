"""Refresh runs: queue one (role ``admin``, 202) and read their history (role ``read``).

``POST /v1/refresh`` only records a queued run; ``community-map worker`` processes run it.
The queued run holds the refresh lock until a worker claims it, so a second request while
one is queued or running is 409 (across every API node: the lock lives in Neo4j). Run
answers say which worker ran a run, how many workers are alive and, for a queued run with
no live worker, that it waits for one. Looking runs up also fails the runs whose worker
died (their lock expired) — the same housekeeping every worker does on each poll.
"""

from __future__ import annotations

import json
from typing import Any

from ..auth import require_role
from ..errors import ApiError
from ..refresh.params import RefreshParams
from ..refresh.runs import RefreshConflict, enqueue_refresh, queue_state, reap_abandoned
from ..schemas import (
    PageArgsSchema,
    RefreshRequestSchema,
    RunListSchema,
    RunQueuedSchema,
    RunSchema,
)
from . import SECURITY, db, settings
from .contract import Blueprint  # depth-checked JSON bodies

blp = Blueprint("runs", __name__, url_prefix="/v1",
                description="Refresh runs: the GDS pipeline that produces community maps")


def run_json(run: dict[str, Any]) -> dict[str, Any]:
    """A RefreshRun node as the API's snake_case JSON."""
    def when(key: str) -> str | None:
        value: Any = run.get(key)
        return str(value.iso_format()) if hasattr(value, "iso_format") else value

    def parsed(key: str) -> Any:
        value = run.get(key)
        return json.loads(value) if isinstance(value, str) else value

    return {
        "run_id": run["id"], "status": run.get("status"), "current": bool(run.get("current")),
        "created_at": when("createdAt"), "started_at": when("startedAt"),
        "finished_at": when("finishedAt"), "pruned_at": when("prunedAt"),
        "data_version": run.get("dataVersion"), "params": parsed("params") or {},
        "timings": parsed("timings"), "metrics": parsed("metrics"), "error": run.get("error"),
        "worker": run.get("worker"),
    }


def with_queue(run: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """A run's JSON with the live workers and, while it waits or runs, a note saying so."""
    alive, ttl = int(state["workersAlive"]), settings().refresh_lock_ttl
    note = None
    if run["status"] == "queued" and not alive:
        note = (f"queued: no refresh worker is alive (none seen in the last {ttl:g} s); it "
                "runs when one starts (`community-map worker`)")
    elif run["status"] == "queued":
        note = f"queued: {alive} live worker(s), the next poll claims it"
    elif run["status"] == "running" and run["worker"]:
        note = f"running on worker {run['worker']}"
    return {**run, "workers_alive": alive, "note": note}


def abandoned(runs: list[dict[str, Any]], state: dict[str, Any]) -> bool:
    """True when a run says running but the lock is not live and its own."""
    return any(r.get("status") == "running"
               and not (state["held"] and state["holder"] == r["id"]) for r in runs)


def fetch_runs(name: str, **params: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run records and the queue state; abandoned runs are failed first (then re-read)."""
    database = db()
    found = [row["run"] for row in database.fetch(name, **params)]
    state = queue_state(database)
    if abandoned(found, state):
        reap_abandoned(database)
        found = [row["run"] for row in database.fetch(name, **params)]
        state = queue_state(database)
    return found, state


@blp.route("/refresh", methods=["POST"])
@require_role("admin")
@blp.doc(security=SECURITY)
@blp.arguments(RefreshRequestSchema(), required=False)
@blp.response(202, RunQueuedSchema)
@blp.alt_response(409, description="another refresh is queued or running")
def start_refresh(params: RefreshParams | None) -> dict[str, Any]:
    """Queue a refresh (role admin) for a worker; poll GET /v1/runs/<run_id> for its
    outcome. 409 while another refresh is queued or running."""
    params = params or RefreshParams()
    try:
        run_id = enqueue_refresh(db(), params)
    except RefreshConflict as exc:
        raise ApiError(409, f"{exc}; try again when it has finished") from exc
    queued = with_queue({"run_id": run_id, "status": "queued", "worker": None},
                        queue_state(db()))
    return {k: queued[k] for k in ("run_id", "status", "workers_alive", "note")}


@blp.route("/runs")
@require_role("read")
@blp.doc(security=SECURITY)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, RunListSchema)
def list_runs(args: dict[str, int]) -> dict[str, Any]:
    """Refresh runs, newest first."""
    found, state = fetch_runs("runs/list_runs", limit=args["limit"], offset=args["offset"])
    return {"runs": [with_queue(run_json(r), state) for r in found]}


@blp.route("/runs/<run_id>")
@require_role("read")
@blp.doc(security=SECURITY)
@blp.response(200, RunSchema)
def get_run(run_id: str) -> dict[str, Any]:
    """One run: status, parameters, timings per stage, metrics, error, its worker, and
    whether a worker is alive to run it."""
    found, state = fetch_runs("runs/get_run", runId=run_id)
    if not found:
        raise ApiError(404, f"no refresh run {run_id!r}")
    return with_queue(run_json(found[0]), state)
