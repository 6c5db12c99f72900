"""The refresh worker: claims queued runs through the lock in Neo4j and runs them, one at a time.

``community-map worker`` runs :meth:`Worker.run`. Any number of workers, on any machines
that reach Neo4j (and the GDS server), coordinate only through Neo4j:

    poll     every CM_WORKER_POLL s: fail abandoned runs (runs.reap_abandoned), then claim
             the queued run that holds the lock (runs.claim_queued: one worker wins)
    run      run_refresh(run_id=...): the run's heartbeat renews the lock every
             CM_REFRESH_HEARTBEAT s; the switch happens only while the lock is still ours
    beat     a thread writes (:RefreshWorker {lastSeen}) every CM_REFRESH_HEARTBEAT s, so
             the API can tell whether a queued run has a live worker to wait for

Stopping: the first SIGTERM or SIGINT finishes the current run and exits (nothing new is
claimed); a second one stops the run at once: the run is recorded failed, its lock released
and its GDS graphs dropped through a fresh connection (the running one may be in the middle
of a message), then the process exits. A worker killed outright stops renewing the lock;
its run is failed as abandoned by whoever polls, enqueues or looks it up once the lock has
expired. When Neo4j goes away
the worker keeps polling; a run that failed while its failure could not be recorded is
recorded when Neo4j is back.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
from types import FrameType
from typing import Any

from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from .db import Database
from .refresh import runs
from .refresh.pipeline import run_refresh
from .refresh.runs import RunResult

log = logging.getLogger("service.worker")
MAX_BACKOFF = 30.0  # seconds between polls while Neo4j keeps failing


def new_worker_id() -> str:
    """host:pid:random, unique across restarts that reuse a pid."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


class Worker:
    """One worker process's loop, heartbeat and signal handling."""

    def __init__(self, database: Database, once: bool = False):
        self.database, self.once = database, once
        self.id = new_worker_id()
        self.current: str | None = None
        self.stopping = threading.Event()  # set by the first signal: finish, then exit
        self._beat_stop = threading.Event()
        self._unrecorded: dict[str, RunResult] = {}

    # ------------------------------------------------------------------ lifecycle

    def run(self) -> None:
        """Poll and run until stopped (or, with ``once``, until nothing is queued)."""
        previous = self._install_signals()
        try:
            self._serve()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _serve(self) -> None:
        self._start()
        beat = threading.Thread(target=self._beating, daemon=True, name="worker-beat")
        beat.start()
        log.info("worker %s polling every %g s", self.id, self.database.settings.worker_poll)
        failures = 0
        try:
            while not self.stopping.is_set():
                try:
                    claimed = self.poll_once()
                    failures = 0
                except AuthError:
                    raise
                except Exception as exc:  # noqa: BLE001 - Neo4j away or a bug: back off, go on
                    if self.once:
                        raise
                    failures += 1
                    if isinstance(exc, ServiceUnavailable | SessionExpired):
                        log.warning("Neo4j unreachable (%d polls in a row): %s", failures, exc)
                    else:
                        log.exception("worker poll failed (%d in a row)", failures)
                    claimed = None
                if claimed is None and self.once:
                    break
                if claimed is None:
                    self.stopping.wait(min(MAX_BACKOFF, self.database.settings.worker_poll
                                           * 2 ** min(failures, 5)))
        finally:
            self._beat_stop.set()
            beat.join(timeout=5)
            self._leave()
        log.info("worker %s stopped", self.id)

    def _start(self) -> None:
        """Schema (idempotent), forget day-old dead workers, first heartbeat; waits for Neo4j."""
        while not self.stopping.is_set():
            try:
                self.database.apply_schema()
                self.database.execute("workers/forget_stale")
                self.beat()
                return
            except AuthError:
                raise
            except Exception as exc:  # noqa: BLE001 - Neo4j not up yet: wait for it
                log.warning("worker %s waiting for Neo4j: %s", self.id, exc)
                self.stopping.wait(self.database.settings.worker_poll)

    def _leave(self) -> None:
        try:
            self.database.execute("workers/leave", workerId=self.id)
        except Exception:  # noqa: BLE001 - the node is forgotten a day later anyway
            log.warning("worker %s could not remove its heartbeat node", self.id)

    # ------------------------------------------------------------------ heartbeat

    def beat(self) -> None:
        """Record that this worker is alive (and what it runs)."""
        state = "running" if self.current else ("stopping" if self.stopping.is_set() else "idle")
        self.database.execute("workers/beat", workerId=self.id, host=socket.gethostname(),
                              pid=os.getpid(), runId=self.current, state=state)

    def _beating(self) -> None:
        while not self._beat_stop.wait(self.database.settings.refresh_heartbeat):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - retried at the next beat
                log.warning("worker %s could not write its heartbeat", self.id)

    # ------------------------------------------------------------------ work

    def poll_once(self) -> str | None:
        """Record pending failures, fail abandoned runs, claim and run the queued one."""
        self._record_failures()
        runs.reap_abandoned(self.database)
        if self.stopping.is_set():
            return None
        run_id = runs.claim_queued(self.database, self.id)
        if run_id is not None:
            self.run_one(run_id)
        return run_id

    def run_one(self, run_id: str) -> RunResult:
        """Run a claimed run to its end; its failure is recorded even if Neo4j was away."""
        self.current = run_id
        log.info("worker %s runs %s", self.id, run_id)
        try:
            self.beat()
            result = run_refresh(self.database, runs.queued_params(self.database, run_id),
                                 run_id=run_id)
        except Exception as exc:  # noqa: BLE001 - the run fails, the worker goes on
            log.exception("run %s could not run", run_id)
            result = RunResult(run_id, "failed", error=f"{type(exc).__name__}: {exc}")
        finally:
            self.current = None
        log.info("run %s %s%s", run_id, result.status,
                 f": {result.error}" if result.error else "")
        if result.status == "failed" and self._still_running(run_id):
            self._unrecorded[run_id] = result
            self._record_failures()
        return result

    def _still_running(self, run_id: str) -> bool:
        try:
            rows = self.database.fetch("runs/get_run", runId=run_id)
        except Exception:  # noqa: BLE001 - cannot tell: record it again later (idempotent)
            return True
        return bool(rows) and rows[0]["run"].get("status") == "running"

    def _record_failures(self) -> None:
        for run_id, result in list(self._unrecorded.items()):
            try:
                runs.fail_run(self.database, result)
            except Exception:  # noqa: BLE001 - Neo4j still away: next poll
                log.warning("could not record the failure of %s yet", run_id)
                continue
            del self._unrecorded[run_id]
            log.info("recorded the failure of %s", run_id)

    # ------------------------------------------------------------------ signals

    def _install_signals(self) -> dict[int, Any]:
        """Our handlers for SIGTERM and SIGINT; returns the ones they replace."""
        return {signum: signal.signal(signum, self._on_signal)
                for signum in (signal.SIGTERM, signal.SIGINT)}

    def _on_signal(self, signum: int, frame: FrameType | None) -> Any:
        name = signal.Signals(signum).name
        if self.stopping.is_set() and self.current:
            self._stop_now(self.current, name)
        self.stopping.set()
        if self.current:
            log.warning("%s: finishing run %s, then exiting (send it again to stop the run "
                        "now)", name, self.current)
        else:
            log.info("%s: exiting", name)

    def _stop_now(self, run_id: str, name: str) -> None:
        """The second signal during a run: record it failed, release the lock and drop its
        GDS graphs through a fresh driver, leave, and exit at once (the pipeline is not
        resumed; Neo4j ends its transactions when the connections close)."""
        error = f"stopped: worker {self.id} got {name} again during the run"
        log.warning("%s again: stopping run %s now", name, run_id)
        database = Database(self.database.settings)
        try:
            runs.fail_run(database, RunResult(run_id, "failed", error=error))
            database.fetch("runs/drop_run_graphs", runId=run_id)
            database.execute("workers/leave", workerId=self.id)
        except Exception:  # noqa: BLE001 - then the lock expires and the run is reaped
            log.exception("could not record that run %s was stopped", run_id)
        finally:
            database.close()
        logging.shutdown()
        os._exit(0)
