"""Real ``community-map worker`` processes for the tests: started with the suite's settings,
their output in a log file, stopped by signal (or killed by a test)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service import bulk
from service.db import Database
from service.demo import GraphSpec, generate
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.refresh.runs import RunResult, fail_run

from .conftest import suite_env, wipe

REPO = Path(__file__).resolve().parents[1]
# a refresh of this graph lasts several seconds, most of it GDS work inside Neo4j
SPEC = GraphSpec(accounts=300, follows=2100, interactions=2400, posts=150, adoptions=150,
                 communities=4, seed=7)


@dataclass
class WorkerProcess:
    """A running worker: its process and its combined log."""

    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send a real signal (SIGKILL by default) and reap the process."""
        os.kill(self.process.pid, sig)
        if sig == signal.SIGKILL:
            self.process.wait(timeout=30)


def start_worker(log_dir: Path, name: str = "worker", **env: str) -> WorkerProcess:
    """``python -m service.cli worker`` with the suite's environment (plus ``env``)."""
    log = log_dir / f"{name}-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "service.cli", "worker"], cwd=REPO,
            env={**suite_env(), **env}, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
    return WorkerProcess(process, log)


def stop_worker(worker: WorkerProcess, timeout: float = 60) -> None:
    """SIGTERM (finish the run and exit); SIGKILL if it does not exit in ``timeout``."""
    if worker.process.poll() is not None:
        return
    worker.process.send_signal(signal.SIGTERM)
    try:
        worker.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.process.wait()


@contextmanager
def running_worker(log_dir: Path, **env: str) -> Iterator[WorkerProcess]:
    """A worker for the duration of a block, stopped afterwards."""
    worker = start_worker(log_dir, **env)
    try:
        yield worker
    finally:
        stop_worker(worker)


def run_record(database: Database, run_id: str) -> dict[str, Any]:
    """The RefreshRun node's properties (empty when there is none)."""
    rows = database.fetch("runs/get_run", runId=run_id)
    return dict(rows[0]["run"]) if rows else {}


def wait_for_status(database: Database, run_id: str, statuses: set[str],
                    timeout: float = 120, worker: WorkerProcess | None = None,
                    poll: float = 0.05) -> dict[str, Any]:
    """Poll the run record until its status is one of ``statuses``; fail with the worker's
    log when it does not get there in time (or the worker exited)."""
    deadline = time.monotonic() + timeout
    run: dict[str, Any] = {}
    while time.monotonic() < deadline:
        run = run_record(database, run_id)
        if run.get("status") in statuses:
            return run
        if worker is not None and worker.process.poll() is not None:
            break
        time.sleep(poll)
    log = worker.log_text()[-4000:] if worker else ""
    raise AssertionError(f"run {run_id} is {run.get('status')!r}, not one of {statuses}, "
                         f"after {timeout:.0f}s\n{log}")


def alive_workers(database: Database) -> int:
    """Workers Neo4j has seen within the lock TTL."""
    from service.refresh.runs import queue_state

    return int(queue_state(database)["workersAlive"])


def load_served_graph(database: Database, folder: Path) -> str:
    """Wipe, load the generated SPEC graph and refresh it; the serving run's id."""
    wipe(database)
    bulk.load_all(database, generate(SPEC, folder))
    result = run_refresh(database, RefreshParams())
    assert result.status == "succeeded", result.error
    return result.run_id


def rows(database: Database, text: str, **params: Any) -> list[dict[str, Any]]:
    with database.session() as session:
        return session.run(text, params).data()


def lock_free(database: Database) -> None:
    """Fail whatever a test left queued or running and release the lock."""
    for row in rows(database, "MATCH (r:RefreshRun) WHERE r.status IN ['queued', 'running'] "
                              "RETURN r.id AS id"):
        fail_run(database, RunResult(row["id"], "failed", error="test cleanup"))
    rows(database, "MATCH (l:RefreshLock) SET l.runId = null, l.expiresAt = null")


def graphs_of(database: Database, run_id: str) -> list[str]:
    """The GDS in-memory graphs of one run."""
    return [r["g"] for r in rows(database, "CALL gds.graph.list() YIELD graphName AS g "
                                           "WHERE g CONTAINS $r RETURN g", r=run_id)]


def wait_for_gds_graph(database: Database, run_id: str, worker: WorkerProcess) -> None:
    """Block until the run has an in-memory graph: it is inside its GDS stages now."""
    deadline = time.monotonic() + 90
    while not graphs_of(database, run_id):
        assert time.monotonic() < deadline, f"no GDS graph for {run_id}\n{worker.log_text()}"
        assert worker.process.poll() is None, worker.log_text()
        time.sleep(0.05)


def results_of(database: Database, run_id: str) -> int:
    """How many communities a run has in the database."""
    return int(rows(database, "MATCH (c:Community {runId: $r}) RETURN count(c) AS n",
                    r=run_id)[0]["n"])
