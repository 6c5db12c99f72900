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

from service.db import Database

from .conftest import suite_env

REPO = Path(__file__).resolve().parents[1]


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
