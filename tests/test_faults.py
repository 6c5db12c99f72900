"""Faults with real servers and processes: the API (gunicorn) and a worker restarted or cut
off from Neo4j, and Neo4j itself stopped in the middle of the work.

Stopping and starting the local Neo4j takes 20-60 s each, so this module does it twice in
all (once during ingest, once during a refresh) and always starts it again, leaving it
running and usable for the rest of the suite. It needs the local server the suite started
(it cannot stop a server named by NEO4J_URI; CI never sets one).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from service import neo4j_local
from service.auth import DEV_KEYS
from service.db import Database
from service.settings import Settings

from .live import Server, free_port, gunicorn
from .workers import (
    graphs_of,
    results_of,
    rows,
    start_worker,
    stop_worker,
    wait_for_gds_graph,
    wait_for_status,
)

pytestmark = pytest.mark.slow
ADMIN = {"Authorization": f"Bearer {DEV_KEYS['admin']}"}
BATCH = 1500  # interactions per ingest request


@pytest.fixture(scope="module")
def local(neo4j_server: Settings) -> neo4j_local.LocalNeo4j:
    if neo4j_server.external_neo4j:
        pytest.skip("stops and starts Neo4j: needs the local server, not NEO4J_URI")
    return neo4j_server.local


@pytest.fixture
def neo4j_back(local: neo4j_local.LocalNeo4j, database: Database) -> Iterator[None]:
    """Whatever a test does to Neo4j, it is running and answering afterwards."""
    yield
    neo4j_local.start(local)
    database.probe()


def api_get(server: Server, path: str) -> requests.Response:
    return requests.get(server.url + path, headers=ADMIN, timeout=60)


def serving_run_id(server: Server) -> str:
    resp = api_get(server, "/v1/communities")
    assert resp.status_code == 200, resp.text
    return str(resp.json()["run_id"])


def queue_refresh(server: Server) -> str:
    resp = requests.post(server.url + "/v1/refresh", json={}, headers=ADMIN, timeout=60)
    assert resp.status_code == 202, resp.text
    return str(resp.json()["run_id"])


def test_api_restarted_during_a_refresh_the_worker_finishes_it(
    database: Database, serving: str, tmp_path: Path
) -> None:
    port = free_port()
    worker = start_worker(tmp_path)
    try:
        with gunicorn(tmp_path, workers=2, port=port) as first:
            run_id = queue_refresh(first)
            wait_for_gds_graph(database, run_id, worker)
        # the API is gone (SIGTERM, as in a deploy); the refresh goes on in the worker
        with pytest.raises(requests.ConnectionError):
            requests.get(first.url + "/healthz", timeout=5)
        with gunicorn(tmp_path, workers=2, port=port) as second:
            deadline = time.monotonic() + 120
            while (run := api_get(second, f"/v1/runs/{run_id}").json())["status"] in {
                    "queued", "running"}:
                assert time.monotonic() < deadline, run
                time.sleep(0.3)
            assert run["status"] == "succeeded", run["error"]
            assert serving_run_id(second) == run_id
    finally:
        stop_worker(worker)
    assert worker.process.returncode == 0, worker.log_text()


# ------------------------------------------------------------------- Neo4j stopped: refresh


def test_neo4j_stopped_during_a_refresh_fails_it_and_the_previous_run_serves(
    local: neo4j_local.LocalNeo4j, database: Database, serving: str, neo4j_back: None,
    tmp_path: Path
) -> None:
    worker = start_worker(tmp_path)
    try:
        with gunicorn(tmp_path, workers=2, CM_NEO4J_RETRY_SECONDS="3") as server:
            run_id = queue_refresh(server)
            wait_for_gds_graph(database, run_id, worker)
            neo4j_local.stop(local)
            down = api_get(server, "/v1/communities")  # the API answers 503 meanwhile
            assert down.status_code == 503 and down.headers["Retry-After"]
            assert worker.process.poll() is None, worker.log_text()  # the worker waits
            neo4j_local.start(local)
            database.probe()

            # the crashed run is failed (by its worker once Neo4j is back, or as abandoned)
            run = wait_for_status(database, run_id, {"failed", "succeeded"}, timeout=120,
                                  worker=worker)
            print(f"\ncrashed run {run_id}: {run['status']}: {run.get('error')}")
            assert run["status"] == "failed" and run["error"]
            assert serving_run_id(server) == serving
            assert results_of(database, run_id) == 0 and graphs_of(database, run_id) == []

            # and the same worker runs the next refresh to the end
            again = queue_refresh(server)
            done = wait_for_status(database, again, {"failed", "succeeded"}, worker=worker)
            assert done["status"] == "succeeded", done.get("error")
            assert serving_run_id(server) == again
    finally:
        stop_worker(worker)
    assert worker.process.returncode == 0, worker.log_text()


# ------------------------------------------------------------------- Neo4j stopped: ingest


@dataclass
class Post:
    """One ingest request: its batch number, when it was sent and answered, the answer."""

    batch: int
    sent: float
    done: float
    status: int
    retry_after: str | None
    body: dict[str, Any]


def batch_rows(batch: int) -> list[dict[str, Any]]:
    """BATCH interactions whose actors are unique to the batch (counted per batch later)."""
    return [{"actor": f"fault{batch}-{i}", "target": f"ft{i % 40}", "kind": "like",
             "at": "2025-03-01T12:00:00Z"} for i in range(BATCH)]


def post_batch(server: Server, batch: int) -> Post:
    sent = time.monotonic()
    try:
        resp = requests.post(server.url + "/v1/interactions", headers=ADMIN, timeout=120,
                             json={"interactions": batch_rows(batch)})
    except requests.RequestException as exc:
        raise AssertionError(f"the API did not answer batch {batch}: {exc}") from exc
    return Post(batch, sent, time.monotonic(), resp.status_code,
                resp.headers.get("Retry-After"), resp.json())


def stored(database: Database, batch: int) -> int:
    """Interactions of one batch in the database."""
    return int(rows(database, "MATCH (a:Account)-[r:INTERACTED]->() WHERE a.id STARTS WITH $p "
                              "RETURN count(r) AS n", p=f"fault{batch}-")[0]["n"])


def test_neo4j_stopped_during_ingest_is_503_then_the_retry_lands_once(
    local: neo4j_local.LocalNeo4j, clean_db: Database, neo4j_back: None, tmp_path: Path
) -> None:
    database = clean_db
    posts: list[Post] = []
    stopping = threading.Event()

    def keep_posting(server: Server) -> None:
        batch = 0
        while not (stopping.is_set() and sum(p.status == 503 for p in posts) >= 2):
            posts.append(post_batch(server, batch))
            batch += 1
            assert batch < 500, "Neo4j never went away"

    with gunicorn(tmp_path, workers=2, CM_NEO4J_RETRY_SECONDS="3") as server:
        poster = threading.Thread(target=keep_posting, args=(server,))
        poster.start()
        while len(posts) < 3:  # ingest is flowing
            time.sleep(0.05)
        stopping.set()
        stop_began = time.monotonic()
        neo4j_local.stop(local)
        stopped = time.monotonic()
        poster.join(300)
        failed = [p for p in posts if p.status != 200]
        in_flight = [p for p in posts if p.sent < stop_began < p.done]
        cut = [p for p in failed if p.sent < stopped]  # sent while the server was stopping
        print(f"\n{len(posts)} ingest requests, {len(failed)} answered 503 "
              f"({len(cut)} of them sent while Neo4j was shutting down, "
              f"{stopped - stop_began:.0f}s); in flight when the stop began: "
              f"{[(p.batch, p.status) for p in in_flight]}")
        assert in_flight, "no request was in flight when Neo4j began to stop"
        assert cut, "no request was cut off by the shutdown itself"
        for p in failed:
            assert p.status == 503, (p.status, p.body)
            assert p.retry_after and int(p.retry_after) > 0
            assert p.body["code"] == 503 and set(p.body) >= {"code", "status", "message"}

        neo4j_local.start(local)
        database.probe()
        # all or nothing per request: a 200 stored its whole batch, a 503 all of it or none
        for p in posts:
            assert stored(database, p.batch) in ({BATCH} if p.status == 200 else {0, BATCH})
        # the client retries what failed: every batch then lands exactly once
        for p in failed:
            retry = post_batch(server, p.batch)
            assert retry.status == 200, retry.body
        assert [stored(database, p.batch) for p in posts] == [BATCH] * len(posts)
        total = rows(database, "MATCH (a:Account)-[r:INTERACTED]->() "
                               "WHERE a.id STARTS WITH 'fault' RETURN count(r) AS n")[0]["n"]
        assert total == BATCH * len(posts)
