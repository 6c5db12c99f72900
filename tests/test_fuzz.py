"""Schemathesis fuzzes the served OpenAPI document against a real gunicorn and Neo4j.

The graph is seeded with a small generated social graph and refreshed, so community,
account and run ids resolve (schemathesis also follows the links it infers from answers).
Every default check runs; ``tests/schemathesis.toml`` and ``tests/schemathesis_hooks.py``
say what is configured and why. Refreshes the fuzzer starts (POST /v1/refresh with the
admin key) are run by a real ``community-map worker`` started beside the server; the test
waits for them so later tests find the lock free. ``CM_FUZZ_SEED`` and
``CM_FUZZ_EXAMPLES`` override the fixed seed and the bound.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from service import bulk
from service.auth import DEV_KEYS
from service.db import Database
from service.demo import GraphSpec, generate
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh

from .conftest import wipe
from .live import REPO, gunicorn
from .workers import running_worker

pytestmark = pytest.mark.slow
SPEC = GraphSpec(accounts=300, follows=2000, interactions=2500, posts=150, adoptions=150,
                 communities=4, seed=7)


@pytest.fixture(scope="module")
def fuzz_graph(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Database:
    wipe(database)
    files = generate(SPEC, tmp_path_factory.mktemp("fuzz-graph"))
    bulk.load_all(database, files)
    result = run_refresh(database, RefreshParams())
    assert result.status == "succeeded", result.error
    return database


def open_runs(database: Database) -> int:
    with database.session() as session:
        record = session.run("MATCH (r:RefreshRun) WHERE r.status IN ['queued', 'running'] "
                             "RETURN count(r) AS n").single(strict=True)
    return int(record["n"])


def wait_for_refreshes(database: Database, timeout: float = 300) -> None:
    """Let the refreshes the fuzzer started finish (they hold the lock)."""
    deadline = time.monotonic() + timeout
    while open_runs(database) and time.monotonic() < deadline:
        time.sleep(2)
    assert open_runs(database) == 0, "refreshes started by the fuzzer did not finish"


def test_schemathesis_finds_no_failure(fuzz_graph: Database, tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    with running_worker(tmp_path), gunicorn(tmp_path, workers=2) as server:
        paths = requests.get(server.url + "/openapi.json", timeout=30).json()["paths"]
        operations = sum(1 for ops in paths.values() for m in ops if m != "parameters")
        cmd = [str(st), "--config-file", str(REPO / "tests" / "schemathesis.toml"), "run",
               server.url + "/openapi.json",
               "-H", f"Authorization: Bearer {DEV_KEYS['admin']}",
               "--seed", os.environ.get("CM_FUZZ_SEED", "20261202"),
               # bounded so the suite stays fast on 2 cores (~1 minute)
               "--max-examples", os.environ.get("CM_FUZZ_EXAMPLES", "20"),
               "--request-timeout", "60", "--generation-database", "none", "--no-color"]
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
               "PYTHONPATH": str(REPO)}
        try:
            proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                                  timeout=900)
        finally:
            wait_for_refreshes(fuzz_graph)
    out = proc.stdout + proc.stderr
    print(out[-8000:])
    assert proc.returncode == 0, out[-8000:]
    tested = re.search(r"Tested:\s+(\d+)", out)
    assert tested and int(tested.group(1)) == operations, "every operation must be fuzzed"
    assert "No issues found" in out
