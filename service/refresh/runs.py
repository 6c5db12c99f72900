"""Run records and the refresh lock: create, claim, finish, fail, prune; the lock's heartbeat.

A run goes queued → running → succeeded | failed (or skipped). One lock node in Neo4j
(``:RefreshLock``) keeps two refreshes from overlapping across processes and machines; the
run that holds it renews it from a heartbeat thread and a crashed run's lock expires after
``LOCK_TTL`` seconds. Results are written under the run's id and become visible only when
:func:`finish_run` switches the serving pointer in the same transaction that marks the run
succeeded.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..db import Database
from .params import RefreshParams

log = logging.getLogger(__name__)

LOCK_TTL = 600  # seconds a lock outlives its last renewal
HEARTBEAT_SECONDS = 60.0


class RefreshConflict(RuntimeError):
    """Another refresh holds the lock (HTTP 409, CLI exit 5)."""

    def __init__(self, holder: str):
        super().__init__(f"refresh run {holder} is already running")
        self.holder = holder


class LockLost(RuntimeError):
    """This run's lock expired or was taken over mid-run: it stops before the switch."""

    def __init__(self, run_id: str):
        super().__init__(f"run {run_id} lost the refresh lock (a renewal found it expired "
                         f"or held by another run; LOCK_TTL is {LOCK_TTL} s)")


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
    row = database.fetch("runs/acquire_lock", runId=run_id, ttl=LOCK_TTL)[0]
    if not row["acquired"]:
        raise RefreshConflict(row["holder"])


def renew_lock(database: Database, run_id: str) -> bool:
    """Extend the lock; False when run_id no longer holds it."""
    return bool(database.fetch("runs/renew_lock", runId=run_id, ttl=LOCK_TTL)[0]["renewed"])


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
    """Lock and record a queued run for a worker process to pick up (the API's path)."""
    run_id = new_run_id()
    acquire_lock(database, run_id)
    try:
        create_run(database, run_id, "queued", params, data_version(database))
    except Exception:
        release_lock(database, run_id)
        raise
    return run_id


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
    """Mark the run succeeded, switch the serving pointer and release the lock, at once."""
    database.execute("runs/finish_run", runId=result.run_id, timings=json.dumps(result.timings),
                     metrics=json.dumps(result.metrics))


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
    """Renews the run's lock every ``every`` seconds while it runs (long GDS calls
    included) — the one place the lock is renewed. :meth:`check` raises LockLost at the
    next stage boundary once a renewal found the lock gone."""

    def __init__(self, database: Database, run_id: str, every: float = HEARTBEAT_SECONDS):
        self.database, self.run_id, self.every = database, run_id, every
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
