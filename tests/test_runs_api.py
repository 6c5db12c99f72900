"""Refresh runs through the API: POST /v1/refresh queues a run that a real worker process
(``community-map worker``, started for this module) runs; runs are read back.

A successful refresh becomes the serving run; invalid requests, missing permissions and a
held lock create no run; a refresh that fails is recorded with its error and leaves the
previous run (or none) serving. Uses the fixture graph of ``test_read_api``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.db import Database
from service.refresh import runs
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.refresh.runs import acquire_lock, current_run, release_lock

from .conftest import auth, wipe
from .test_read_api import load_graph
from .workers import WorkerProcess, running_worker

POLL_TIMEOUT = 90.0
RUN_KEYS = {"run_id", "status", "current", "created_at", "started_at", "finished_at",
            "pruned_at", "data_version", "params", "timings", "metrics", "error", "worker",
            "workers_alive", "note"}


@pytest.fixture(scope="module", autouse=True)
def worker(database: Database, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[WorkerProcess]:
    """One real worker process for the module's refresh requests."""
    with running_worker(tmp_path_factory.mktemp("worker")) as process:
        yield process


# ------------------------------------------------------------------------------ helpers


def refresh(client: FlaskClient, body: dict[str, Any] | None = None, role: str = "admin") -> Any:
    """POST /v1/refresh (JSON body only when given)."""
    if body is None:
        return client.post("/v1/refresh", headers=auth(role))
    return client.post("/v1/refresh", json=body, headers=auth(role))


def start(client: FlaskClient, body: dict[str, Any] | None = None) -> str:
    """Queue a refresh with the admin key; insist on 202 and return its run id."""
    resp = refresh(client, body)
    assert resp.status_code == 202, resp.get_json()
    queued = resp.get_json()
    assert queued["status"] == "queued" and queued["run_id"]
    return str(queued["run_id"])


def lock_holder(database: Database) -> str | None:
    with database.session() as session:
        record = session.run("MATCH (l:RefreshLock {id: 'refresh'}) RETURN l.runId AS r").single()
    return None if record is None else record["r"]


def wait(client: FlaskClient, database: Database, run_id: str) -> dict[str, Any]:
    """Poll GET /v1/runs/<id> until the worker has finished the run and let go of the lock.

    (The status turns final a moment before the lock is released: see
    ``test_a_finished_run_no_longer_blocks_a_new_refresh``.)
    """
    deadline = time.monotonic() + POLL_TIMEOUT
    while True:
        resp = client.get(f"/v1/runs/{run_id}", headers=auth("read"))
        assert resp.status_code == 200, resp.get_json()
        run = resp.get_json()
        assert run["status"] in {"queued", "running", "succeeded", "failed"}, run
        if run["status"] in {"succeeded", "failed"} and lock_holder(database) != run_id:
            return dict(run)
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']}"
        time.sleep(0.2)


def run_ids(client: FlaskClient) -> list[str]:
    resp = client.get("/v1/runs?limit=500", headers=auth("read"))
    assert resp.status_code == 200
    return [r["run_id"] for r in resp.get_json()["runs"]]


def fresh_graph(database: Database) -> str:
    """Wipe, load the fixture graph and run one refresh directly; its run id."""
    wipe(database)
    load_graph(database)
    result = run_refresh(database, RefreshParams(min_community_size=3))
    assert result.status == "succeeded", result.error
    return result.run_id


@pytest.fixture
def served(database: Database) -> str:
    """The fixture graph with a succeeded run serving it."""
    return fresh_graph(database)


# ------------------------------------------------------------------------------ permissions


@pytest.mark.parametrize("role", ["read", "write"])
def test_refresh_needs_the_admin_role(
    client: FlaskClient, served: str, role: str
) -> None:
    before = run_ids(client)
    resp = refresh(client, {"min_community_size": 3}, role=role)
    assert resp.status_code == 403
    body = resp.get_json()
    assert body["code"] == 403 and "admin" in body["message"]
    assert run_ids(client) == before


def test_refresh_without_a_key_is_401(client: FlaskClient, served: str) -> None:
    before = run_ids(client)
    assert client.post("/v1/refresh", json={}).status_code == 401
    assert client.post("/v1/refresh", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert run_ids(client) == before


@pytest.mark.parametrize("url", ["/v1/runs", "/v1/runs/anything"])
def test_runs_need_a_key(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 401


# ------------------------------------------------------------------------------ a refresh


def test_refresh_runs_in_a_worker_and_becomes_current(
    client: FlaskClient, database: Database, served: str, worker: WorkerProcess
) -> None:
    previous = client.get("/v1/communities", headers=auth("read")).get_json()
    assert previous["run_id"] == served
    run_id = start(client, {"min_community_size": 3, "resolution": 1.0, "random_seed": 7})
    assert run_id != served
    run = wait(client, database, run_id)
    assert run["status"] == "succeeded", run["error"]
    assert set(run) == RUN_KEYS
    assert run["current"] is True and run["error"] is None
    # run by the module's worker process, which is alive and says so
    assert run["worker"] and f":{worker.process.pid}:" in run["worker"]
    assert run["workers_alive"] >= 1 and run["note"] is None
    assert run["created_at"] and run["started_at"] and run["finished_at"]
    assert run["created_at"] <= run["started_at"] <= run["finished_at"]
    # the worker ran with the parameters of the request (defaults for the rest)
    assert run["params"]["min_community_size"] == 3
    assert run["params"]["random_seed"] == 7
    assert run["params"]["algorithm"] == "leiden"
    assert {"project", "communities", "write"} <= set(run["timings"])
    assert all(v >= 0 for v in run["timings"].values())
    metrics = run["metrics"]
    assert metrics["communities"] == 2
    assert 0 < metrics["modularity"] <= 1
    # same data, same communities: their ids carry over from the previous run
    assert metrics["changes"]["kept"] == 2 and metrics["changes"]["births"] == []

    runs = client.get("/v1/runs", headers=auth("read")).get_json()["runs"]
    assert runs[0]["run_id"] == run_id and runs[0]["current"] is True
    assert [r["run_id"] for r in runs if r["current"]] == [run_id]
    older = next(r for r in runs if r["run_id"] == served)
    assert older["current"] is False and older["status"] == "succeeded"
    assert current_run(database)["runId"] == run_id

    now = client.get("/v1/communities", headers=auth("read")).get_json()
    assert now["run_id"] == run_id
    assert [(c["id"], c["size"]) for c in now["communities"]] == [
        (c["id"], c["size"]) for c in previous["communities"]
    ]
    assert client.get("/v1/map", headers=auth("read")).get_json()["run_id"] == run_id
    # the lock is free again
    acquire_lock(database, "probe-after-run")
    release_lock(database, "probe-after-run")


def test_runs_list_pagination(client: FlaskClient, database: Database, served: str) -> None:
    second = run_refresh(database, RefreshParams(min_community_size=3)).run_id
    runs = client.get("/v1/runs?limit=1", headers=auth("read")).get_json()["runs"]
    assert [r["run_id"] for r in runs] == [second]
    runs = client.get("/v1/runs?limit=1&offset=1", headers=auth("read")).get_json()["runs"]
    assert [r["run_id"] for r in runs] == [served]
    for query in ("limit=0", "limit=501", "offset=-1"):
        resp = client.get(f"/v1/runs?{query}", headers=auth("read"))
        assert resp.status_code == 422
        assert query.split("=")[0] in resp.get_json()["errors"]["query"]


def test_get_one_run(client: FlaskClient, served: str) -> None:
    resp = client.get(f"/v1/runs/{served}", headers=auth("read"))
    assert resp.status_code == 200
    run = resp.get_json()
    assert run["run_id"] == served and run["status"] == "succeeded" and run["current"] is True
    assert run["params"]["min_community_size"] == 3


def test_unknown_run_is_404(client: FlaskClient) -> None:
    resp = client.get("/v1/runs/r-no-such-run", headers=auth("read"))
    assert resp.status_code == 404
    body = resp.get_json()
    assert body["code"] == 404 and "r-no-such-run" in body["message"]


# ------------------------------------------------------------------------------ bad requests


@pytest.mark.parametrize(
    "body, field",
    [
        ({"algorithm": "bogus"}, "algorithm"),
        ({"resolution": -1}, "resolution"),
        ({"resolution": 0}, "resolution"),
        ({"min_community_size": 1}, "min_community_size"),
        ({"window_days": 0}, "window_days"),
        ({"follow_weight": -0.5}, "follow_weight"),
        ({"kind_weights": {"poke": 1.0}}, "kind_weights"),
        ({"kind_weights": {"like": -1.0}}, "kind_weights"),
        ({"random_seed": "seven"}, "random_seed"),
        ({"bogus_field": 1}, "bogus_field"),
        ({"concurrency": 4}, "concurrency"),  # internal knobs are not part of the API
        ({"seed_topics": 51}, "seed_topics"),
        ({"influence": "sometimes"}, "influence"),
    ],
)
def test_invalid_refresh_body_is_422_and_creates_no_run(
    client: FlaskClient, database: Database, body: dict[str, Any], field: str
) -> None:
    before = run_ids(client)
    resp = refresh(client, body)
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()
    assert error["code"] == 422
    assert field in error["errors"]["json"]
    assert run_ids(client) == before
    # and the lock was not taken
    acquire_lock(database, "probe-after-422")
    release_lock(database, "probe-after-422")


def test_malformed_json_is_400(client: FlaskClient) -> None:
    before = run_ids(client)
    resp = client.post("/v1/refresh", data="{not json", content_type="application/json",
                       headers=auth("admin"))
    assert resp.status_code == 400
    assert resp.get_json()["code"] == 400
    assert run_ids(client) == before


# ------------------------------------------------------------------------------ the lock


@pytest.mark.parametrize("body", [None, {"min_community_size": 3}])
def test_refresh_is_409_while_another_holds_the_lock(
    client: FlaskClient, database: Database, served: str, body: dict[str, Any] | None
) -> None:
    before = run_ids(client)
    acquire_lock(database, "someone-else")
    try:
        resp = refresh(client, body)
        assert resp.status_code == 409, resp.get_json()
        error = resp.get_json()
        assert error["code"] == 409 and "someone-else" in error["message"]
        assert run_ids(client) == before
    finally:
        release_lock(database, "someone-else")
    assert current_run(database)["runId"] == served


# ------------------------------------------------------------------------------ failures


def test_refresh_of_an_empty_database_fails_and_nothing_serves(
    client: FlaskClient, clean_db: Database
) -> None:
    run_id = start(client, {"min_community_size": 3})
    run = wait(client, clean_db, run_id)
    assert run["status"] == "failed"
    assert run["current"] is False and run["finished_at"]
    assert "no engagement" in run["error"]
    assert run["metrics"] is None
    assert run_ids(client) == [run_id]
    for url in ("/v1/communities", "/v1/map", "/v1/accounts/t0"):
        assert client.get(url, headers=auth("read")).status_code == 503
    # the lock was released and the projection dropped
    acquire_lock(clean_db, "probe-after-failure")
    release_lock(clean_db, "probe-after-failure")
    with clean_db.session() as session:
        graphs = session.run("CALL gds.graph.list() YIELD graphName RETURN collect(graphName) AS g")
        assert f"cm-{run_id}" not in graphs.single(strict=True)["g"]


def test_failed_refresh_leaves_the_previous_run_serving(
    client: FlaskClient, database: Database, served: str
) -> None:
    before = client.get("/v1/communities", headers=auth("read")).get_json()
    with database.session() as session:  # no engagement left to analyse
        session.run("MATCH ()-[r:INTERACTED|FOLLOWS]->() DELETE r").consume()
    run_id = start(client, {"min_community_size": 3})
    run = wait(client, database, run_id)
    assert run["status"] == "failed" and run["current"] is False
    assert "no engagement" in run["error"]

    runs = client.get("/v1/runs", headers=auth("read")).get_json()["runs"]
    assert [(r["run_id"], r["status"], r["current"]) for r in runs[:2]] == [
        (run_id, "failed", False), (served, "succeeded", True)
    ]
    assert client.get("/v1/communities", headers=auth("read")).get_json() == before
    assert client.get("/v1/accounts/t0", headers=auth("read")).get_json()["run_id"] == served
    with database.session() as session:  # the failed run left no results behind
        left = session.run(
            "MATCH (n) WHERE (n:Community OR n:MapLevel) AND n.runId = $r RETURN count(n) AS c",
            r=run_id,
        ).single(strict=True)["c"]
    assert left == 0


# ------------------------------------------------------------- edge cases (once bugs, now fixed)


def test_refresh_where_no_community_is_large_enough_succeeds_empty(
    client: FlaskClient, database: Database, served: str
) -> None:
    run_id = start(client, {"min_community_size": 50})  # the fixture has 20 accounts
    run = wait(client, database, run_id)
    assert run["status"] == "succeeded", run["error"]
    assert run["metrics"]["communities"] == 0
    assert run["metrics"]["unclustered"] == run["metrics"]["accounts_analysed"]
    body = client.get("/v1/communities", headers=auth("read")).get_json()
    assert body["run_id"] == run_id and body["total"] == 0
    account = client.get("/v1/accounts/t0", headers=auth("read")).get_json()
    assert account["community_id"] is None


@pytest.mark.parametrize("seed", [-1, 2**64])
def test_out_of_range_random_seed_is_rejected_or_works(
    client: FlaskClient, database: Database, served: str, seed: int
) -> None:
    resp = refresh(client, {"min_community_size": 3, "random_seed": seed})
    if resp.status_code == 202:  # accepted: then the run must work
        run = wait(client, database, resp.get_json()["run_id"])
        assert run["status"] == "succeeded", run["error"]
    else:
        assert resp.status_code == 422, resp.get_json()
        assert "random_seed" in resp.get_json()["errors"]["json"]


def test_refresh_with_only_likes_weighted_succeeds(
    client: FlaskClient, database: Database, served: str
) -> None:
    result = run_refresh(database, RefreshParams(min_community_size=3,
                                                 kind_weights={"like": 1.0}))
    assert result.status == "succeeded", result.error
    assert result.metrics["communities"] >= 1
    assert result.metrics["seeds"]["failures"] == []


def test_a_finished_run_no_longer_blocks_a_new_refresh(
    client: FlaskClient, database: Database, served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    real_prune = runs.prune

    def prune_and_look(db: Database, keep: int) -> list[str]:
        run_id = current_run(db)["runId"]
        seen["status"] = client.get(f"/v1/runs/{run_id}", headers=auth("read")).get_json()
        seen["post"] = refresh(client, {"min_community_size": 3})
        return real_prune(db, keep)

    monkeypatch.setattr(runs, "prune", prune_and_look)
    result = run_refresh(database, RefreshParams(min_community_size=3))
    assert result.status == "succeeded", result.error
    assert seen["status"]["status"] == "succeeded"  # what a polling client sees
    post = seen["post"]
    if post.status_code == 202:
        wait(client, database, post.get_json()["run_id"])
    assert post.status_code == 202, post.get_json()
