"""The refresh queue with real ``community-map worker`` processes and real signals.

A generated 300-account graph (``workers.SPEC``) makes a refresh last several seconds
(most of it GDS work inside Neo4j), so a test can act while a run is in the middle of a GDS
call: it waits for the run's in-memory graph to appear in the GDS catalogue. The suite's
queue timings (lock TTL 12 s, heartbeat 2 s, poll 0.5 s: ``tests/conftest.py``) keep crash
recovery short.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from service.cli import main
from service.db import Database
from service.refresh.params import RefreshParams
from service.refresh.runs import RefreshConflict, claim_queued, current_run, enqueue_refresh

from .conftest import auth, suite_env
from .workers import (
    WorkerProcess,
    alive_workers,
    graphs_of,
    results_of,
    rows,
    run_record,
    start_worker,
    stop_worker,
    wait_for_gds_graph,
    wait_for_status,
)

TTL = float(suite_env()["CM_REFRESH_LOCK_TTL"])


def post_refresh(client: FlaskClient) -> dict[str, Any]:
    resp = client.post("/v1/refresh", json={}, headers=auth("admin"))
    assert resp.status_code == 202, resp.get_json()
    return dict(resp.get_json())


def get_run(client: FlaskClient, run_id: str) -> dict[str, Any]:
    resp = client.get(f"/v1/runs/{run_id}", headers=auth("read"))
    assert resp.status_code == 200, resp.get_json()
    return dict(resp.get_json())


def serving_run_id(client: FlaskClient) -> str:
    resp = client.get("/v1/communities", headers=auth("read"))
    assert resp.status_code == 200, resp.get_json()
    return str(resp.get_json()["run_id"])


def test_sigkilled_worker_run_fails_and_the_next_run_waits_for_a_worker(
    client: FlaskClient, graph: Database, serving: str, tmp_path: Path
) -> None:
    first = start_worker(tmp_path, "first")
    try:
        run_id = post_refresh(client)["run_id"]
        wait_for_gds_graph(graph, run_id, first)
        assert get_run(client, run_id)["status"] == "running"
        first.kill(signal.SIGKILL)
        killed = time.monotonic()
    finally:
        stop_worker(first)
    assert serving_run_id(client) == serving  # the previous run keeps serving

    # nobody polls: looking the run up fails it once its lock expired (TTL after the last
    # renewal), with the reason, its partial results and GDS graphs gone
    deadline = killed + 120
    while (run := get_run(client, run_id))["status"] == "running":
        assert time.monotonic() < deadline, run
        time.sleep(0.2)
    took = time.monotonic() - killed
    print(f"\nSIGKILL -> run {run_id} failed after {took:.1f}s (lock TTL {TTL:g}s)")
    assert run["status"] == "failed" and took < 120
    assert run["error"].startswith("abandoned: worker ") and run["worker"] in run["error"]
    assert run["current"] is False and run["finished_at"]
    assert results_of(graph, run_id) == 0 and graphs_of(graph, run_id) == []
    assert serving_run_id(client) == serving

    # with no live worker a queued run says so, and so does /readyz (still ready)
    deadline = time.monotonic() + TTL + 10
    while alive_workers(graph):
        assert time.monotonic() < deadline, "the killed worker still counts as alive"
        time.sleep(0.2)
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["workers_alive"] == 0
    assert "no refresh worker is alive" in ready.get_json()["note"]
    queued = post_refresh(client)
    assert queued["workers_alive"] == 0 and "no refresh worker is alive" in queued["note"]
    time.sleep(2)
    waiting = get_run(client, queued["run_id"])
    assert waiting["status"] == "queued" and waiting["workers_alive"] == 0
    assert "community-map worker" in waiting["note"]

    # a worker comes back: the queued run proceeds and serves
    second = start_worker(tmp_path, "second")
    try:
        done = wait_for_status(graph, queued["run_id"], {"succeeded", "failed"}, worker=second)
    finally:
        stop_worker(second)
    assert done["status"] == "succeeded", done.get("error")
    assert serving_run_id(client) == queued["run_id"]
    assert second.process.returncode == 0


def signalled_mid_run(client: FlaskClient, graph: Database, tmp_path: Path,
                      signals: int) -> tuple[WorkerProcess, str]:
    """Start a worker, queue a run, send SIGTERM ``signals`` times while the run is in its
    GDS stages; the worker must then exit 0. Returns the worker and the run id."""
    worker = start_worker(tmp_path)
    try:
        run_id = post_refresh(client)["run_id"]
        wait_for_gds_graph(graph, run_id, worker)
        for _ in range(signals):
            worker.kill(signal.SIGTERM)
            time.sleep(0.3)
        worker.process.wait(timeout=120)
    finally:
        stop_worker(worker)
    assert worker.process.returncode == 0, worker.log_text()
    return worker, run_id


def test_sigterm_lets_the_run_finish_then_the_worker_exits(
    client: FlaskClient, graph: Database, serving: str, tmp_path: Path
) -> None:
    worker, run_id = signalled_mid_run(client, graph, tmp_path, signals=1)
    assert "finishing run" in worker.log_text()
    run = get_run(client, run_id)
    assert run["status"] == "succeeded", run["error"]
    assert serving_run_id(client) == run_id
    assert alive_workers(graph) == 0  # it removed its heartbeat node on the way out


def test_a_second_signal_stops_the_run_and_records_why(
    client: FlaskClient, graph: Database, serving: str, tmp_path: Path
) -> None:
    worker, run_id = signalled_mid_run(client, graph, tmp_path, signals=2)
    run = get_run(client, run_id)
    assert run["status"] == "failed", run
    assert run["error"].startswith("stopped: worker ") and "SIGTERM again" in run["error"]
    assert alive_workers(graph) == 0
    assert serving_run_id(client) == serving
    assert results_of(graph, run_id) == 0 and graphs_of(graph, run_id) == []
    assert rows(graph, "MATCH (l:RefreshLock) RETURN l.runId AS r")[0]["r"] is None


def test_of_many_concurrent_claims_exactly_one_wins(graph: Database, serving: str) -> None:
    run_id = enqueue_refresh(graph, RefreshParams())
    start = threading.Barrier(8)
    won: list[str | None] = [None] * 8

    def claim(i: int) -> None:
        start.wait()
        won[i] = claim_queued(graph, f"claimer-{i}")

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [i for i, got in enumerate(won) if got is not None]
    assert len(winners) == 1 and won[winners[0]] == run_id, won
    record = run_record(graph, run_id)
    assert record["status"] == "running" and record["worker"] == f"claimer-{winners[0]}"


def test_two_worker_processes_run_each_queued_run_once(
    client: FlaskClient, graph: Database, serving: str, tmp_path: Path
) -> None:
    workers = [start_worker(tmp_path, f"w{i}") for i in range(2)]
    try:
        deadline = time.monotonic() + 30
        while alive_workers(graph) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        scrape = client.get("/metrics", headers=auth("read")).get_data(as_text=True)
        assert "\ncm_refresh_workers_alive 2.0\n" in scrape
        run_ids = []
        for _ in range(2):
            run_id = post_refresh(client)["run_id"]
            assert client.post("/v1/refresh", json={},
                               headers=auth("admin")).status_code == 409
            done = wait_for_status(graph, run_id, {"succeeded", "failed"})
            assert done["status"] == "succeeded", done.get("error")
            run_ids.append(run_id)
    finally:
        for w in workers:
            stop_worker(w)
    logs = [w.log_text() for w in workers]
    for run_id in run_ids:
        ran = [log for log in logs if re.search(rf"runs {run_id}\b", log)]
        assert len(ran) == 1, f"{run_id} ran in {len(ran)} workers"
    spans = rows(graph, "MATCH (r:RefreshRun) WHERE r.startedAt IS NOT NULL "
                        "AND r.finishedAt IS NOT NULL AND r.status <> 'skipped' "
                        "RETURN r.startedAt AS s, r.finishedAt AS f ORDER BY s")
    for before, after in zip(spans, spans[1:], strict=False):
        assert before["f"] <= after["s"], "two refreshes overlapped"


def test_scheduler_tick_queues_skips_and_worker_once_runs_it(
    graph: Database, serving: str
) -> None:
    runner = CliRunner(env=suite_env())
    from service.cli.refresh import queue_or_skip

    skipped = queue_or_skip(graph, RefreshParams())  # nothing changed since the serving run
    assert skipped.status == "skipped" and serving in skipped.metrics["reason"]
    changed = RefreshParams(resolution=1.5)
    queued = queue_or_skip(graph, changed)
    assert queued.status == "queued" and run_record(graph, queued.run_id)["status"] == "queued"
    with pytest.raises(RefreshConflict):
        queue_or_skip(graph, changed)
    assert runner.invoke(main, ["refresh"]).exit_code == 5  # the queued run holds the lock

    result = runner.invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert run_record(graph, queued.run_id)["status"] == "succeeded"
    assert current_run(graph)["runId"] == queued.run_id
