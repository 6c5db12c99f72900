"""Run records and the refresh lock: create, claim, finish, fail, prune; the lock's heartbeat.

A run goes queued → running → succeeded | failed (or skipped). One lock node in Neo4j
(``:RefreshLock``) keeps two refreshes from overlapping across processes and machines, and
is the queue too: a queued run (``POST /v1/refresh``, the scheduler) holds the lock without
expiry until a worker claims it (:func:`claim_queued`), so at most one run is queued or
running at any time and every other request is a conflict (409). A running run's lock
expires ``CM_REFRESH_LOCK_TTL`` seconds after its last renewal (the heartbeat renews it
every ``CM_REFRESH_HEARTBEAT`` seconds); a run whose lock expired is failed as abandoned by
the next worker poll, enqueue or run lookup (:func:`reap_abandoned`). Results are written
under the run's id and become visible only when :func:`finish_run` switches the serving
pointer in the same transaction that marks the run succeeded (and only while it still holds
a live lock).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from ..db import Database, run_in
from .params import RefreshParams

log = logging.getLogger(__name__)


class RefreshConflict(RuntimeError):
    """Another refresh is queued or running (HTTP 409, CLI exit 5)."""

    def __init__(self, holder: str):
        super().__init__(f"refresh run {holder} is already queued or running")
        self.holder = holder


class LockLost(RuntimeError):
    """This run's lock expired or was taken over mid-run: it stops before the switch."""

    def __init__(self, run_id: str):
        super().__init__(f"run {run_id} lost the refresh lock (it expired, or the run was "
                         "failed as abandoned, before it could switch)")


@dataclass
class RunResult:
    """What a refresh did."""

    run_id: str
    status: str
    timings: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def new_run_id() -> str:
    """Sortable, unique run id: r<UTC timestamp>-<random>."""
    return "r" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def acquire_lock(database: Database, run_id: str) -> None:
    """Take the refresh lock for run_id (re-entrant) or raise RefreshConflict."""
    reap_abandoned(database)
    row = database.fetch("runs/acquire_lock", runId=run_id,
                         ttl=database.settings.refresh_lock_ttl)[0]
    if not row["acquired"]:
        raise RefreshConflict(row["holder"])


def renew_lock(database: Database, run_id: str) -> bool:
    """Extend the lock; False when run_id no longer holds it."""
    return bool(database.fetch("runs/renew_lock", runId=run_id,
                               ttl=database.settings.refresh_lock_ttl)[0]["renewed"])


def release_lock(database: Database, run_id: str) -> None:
    """Release the lock if run_id holds it."""
    database.execute("runs/release_lock", runId=run_id)


def data_version(database: Database) -> int:
    """The current data version (bumped by every write that changed data)."""
    return int(database.fetch("runs/data_version")[0]["version"])


def current_run(database: Database) -> dict[str, Any]:
    """The serving run's id, data version and params (all None before the first run)."""
    return database.fetch("runs/current_run")[0]


def create_run(database: Database, run_id: str, status: str, params: RefreshParams,
               version: int) -> None:
    """Record a run."""
    database.execute("runs/create_run", runId=run_id, status=status, params=params.to_json(),
                     dataVersion=version)


def queued_params(database: Database, run_id: str) -> RefreshParams:
    """The parameters recorded with a queued run."""
    rows = database.fetch("runs/get_run", runId=run_id)
    if not rows:
        raise KeyError(f"no refresh run {run_id!r}")
    return RefreshParams.from_json(rows[0]["run"]["params"])


def enqueue_refresh(database: Database, params: RefreshParams) -> str:
    """Record a queued run for a worker (the API's and the scheduler's path): the run takes
    the lock without expiry, in the transaction that records it, or RefreshConflict."""
    reap_abandoned(database)
    run_id = new_run_id()
    holder = database.write(_enqueue, run_id, params.to_json())
    if holder is not None:
        raise RefreshConflict(holder)
    return run_id


def _enqueue(tx: ManagedTransaction, run_id: str, params: str) -> str | None:
    row = run_in(tx, "runs/acquire_lock", runId=run_id, ttl=None).single(strict=True)
    if not row["acquired"]:
        return str(row["holder"])
    version = run_in(tx, "runs/data_version").single(strict=True)["version"]
    run_in(tx, "runs/create_run", runId=run_id, status="queued", params=params,
           dataVersion=version).consume()
    return None


def claim_queued(database: Database, worker_id: str) -> str | None:
    """Claim the queued run for this worker (running, lock with expiry); None when there is
    none or another worker got it first."""
    rows = database.fetch("runs/claim_queued", workerId=worker_id,
                          ttl=database.settings.refresh_lock_ttl)
    return str(rows[0]["runId"]) if rows else None


def reap_abandoned(database: Database) -> list[str]:
    """Fail the running runs whose lock expired (their process died or lost Neo4j for longer
    than the TTL), delete their partial results and drop their GDS graphs."""
    reaped = [str(r["runId"]) for r in database.fetch("runs/reap_abandoned")]
    for run_id in reaped:
        log.warning("refresh run %s was abandoned by its process: marked failed", run_id)
        delete_results(database, run_id)
        try:
            database.fetch("runs/drop_run_graphs", runId=run_id)
        except Exception:  # noqa: BLE001 - the GDS server may be the thing that is gone
            log.exception("could not drop the GDS graphs of abandoned run %s", run_id)
    return reaped


def queue_state(database: Database) -> dict[str, Any]:
    """Who holds the lock and whether it is live, and the workers alive (seen within TTL)."""
    return database.fetch("runs/queue_state", ttl=database.settings.refresh_lock_ttl)[0]


def claim_run(database: Database, params: RefreshParams, run_id: str, queued: bool) -> None:
    """Take the lock and mark the run running (recording it unless the API queued it)."""
    version = data_version(database)
    acquire_lock(database, run_id)  # re-entrant for the run that enqueued it
    try:
        if queued:
            database.execute("runs/start_run", runId=run_id)
        else:
            create_run(database, run_id, "running", params, version)
    except Exception:
        release_lock(database, run_id)
        raise


def unchanged_since_serving(database: Database, params: RefreshParams) -> str | None:
    """The serving run's id when neither data nor parameters changed since it, else None."""
    cur = current_run(database)
    if cur["runId"] and cur["dataVersion"] == data_version(database) \
            and cur["params"] == params.to_json():
        return str(cur["runId"])
    return None


def finish_run(database: Database, result: RunResult) -> None:
    """Mark the run succeeded, switch the serving pointer and release the lock, at once;
    LockLost when the run no longer holds a live lock (nothing switched then)."""
    done = database.execute("runs/finish_run", runId=result.run_id,
                            timings=json.dumps(result.timings),
                            metrics=json.dumps(result.metrics))
    if not done.get("switched"):
        raise LockLost(result.run_id)


def fail_run(database: Database, result: RunResult) -> None:
    """Delete the run's partial results and record the failure (releases the lock)."""
    delete_results(database, result.run_id)
    database.execute("runs/fail_run", runId=result.run_id, error=result.error,
                     timings=json.dumps(result.timings))


def delete_results(database: Database, run_id: str) -> None:
    """Delete one run's communities, memberships, maps and metrics (batched)."""
    database.execute("refresh/delete_run_results", runId=run_id)


def prune(database: Database, keep: int) -> list[str]:
    """Delete the results of succeeded runs beyond the newest ``keep``."""
    pruned = []
    for row in database.fetch("runs/prunable_runs", keep=keep):
        delete_results(database, row["runId"])
        database.execute("runs/mark_pruned", runId=row["runId"])
        pruned.append(row["runId"])
    return pruned


class Heartbeat:
    """Renews the run's lock every ``every`` seconds (default CM_REFRESH_HEARTBEAT) while it
    runs (long GDS calls included) — the one place the lock is renewed. :meth:`check`
    raises LockLost at the next stage boundary once a renewal found the lock gone."""

    def __init__(self, database: Database, run_id: str, every: float | None = None):
        self.database, self.run_id = database, run_id
        self.every = every or database.settings.refresh_heartbeat
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"lock-{run_id}")

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            self.renew()

    def renew(self) -> None:
        """Renew now; a failed call is retried at the next beat."""
        try:
            if not renew_lock(self.database, self.run_id):
                self.lost = True
        except Exception:  # noqa: BLE001 - the database may be briefly away; retry later
            log.warning("could not renew the refresh lock of %s", self.run_id)

    def check(self) -> None:
        """Raise LockLost if a renewal found the lock expired or taken over."""
        if self.lost:
            raise LockLost(self.run_id)

    def confirm(self) -> None:
        """Renew now and raise LockLost unless we still hold the lock (before the switch)."""
        self.renew()
        self.check()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
