"""A real gunicorn serving the app (gunicorn.conf.py) on a free loopback port, for the
tests that need HTTP as clients see it: headers, access log, metrics across workers, fuzzing."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from .conftest import suite_env

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Server:
    """A running gunicorn: its base URL and its combined log file."""

    url: str
    log: Path
    process: subprocess.Popen[bytes]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """A TCP port nothing listens on now (chosen by the kernel)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(log_dir: Path, workers: int = 1, port: int | None = None,
             **env: str) -> Iterator[Server]:
    """Start gunicorn with the suite's settings (plus ``env``) on ``port`` (default: a free
    one); stop it afterwards."""
    port = port or free_port()
    full_env = {**suite_env(), "CM_BIND": f"127.0.0.1:{port}", "CM_WORKERS": str(workers),
                "CM_THREADS": "4", **env}
    full_env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # gunicorn.conf.py makes its own
    log = log_dir / f"gunicorn-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
             "service.wsgi:app"], cwd=REPO, env=full_env, stdout=out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(f"http://127.0.0.1:{port}", log, process)
    try:
        wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(server: Server, timeout: float = 60) -> None:
    """Block until /healthz answers; fail with the server's log if it does not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{server.log_text()[-3000:]}")
        try:
            if requests.get(server.url + "/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"gunicorn did not answer in {timeout:.0f}s:\n{server.log_text()[-3000:]}")
