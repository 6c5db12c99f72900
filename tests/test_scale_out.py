"""Past one machine: read/write routing on a ``neo4j://`` URI, GDS work on its own server
(``CM_GDS_URI``), and two API processes against one Neo4j behaving as one service.

Routing is shown on the real server: Neo4j refuses a write inside a read transaction, so a
read-mode query that writes fails, and the whole workload (ingest, a refresh, every read
endpoint) passing through a ``neo4j://`` driver shows every read-mode query reads only. The
GDS server is the same Neo4j reached by another address form, told apart by the second
driver's user agent as the server lists its connections.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from neo4j import Neo4jDriver
from neo4j.exceptions import ClientError

from service import create_app, cypher
from service.auth import DEV_KEYS
from service.db import Database
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.refresh.runs import current_run
from service.settings import Settings, SettingsError, load_settings

from .conftest import auth, suite_env
from .live import Server, free_port, gunicorn
from .test_read_api import COFFEE, TEA, interactions, load_graph
from .workers import rows, start_worker, stop_worker, wait_for_status

ADMIN = {"Authorization": f"Bearer {DEV_KEYS['admin']}"}
READ_PAGES = ["/v1/communities", "/v1/map", "/v1/accounts/t0", "/v1/influencers",
              "/v1/seeds", "/v1/runs", "/readyz"]


def with_env(settings: Settings, **env: str) -> dict[str, str]:
    """The suite's environment pointed at the suite's server, plus ``env``."""
    return {**suite_env(), "NEO4J_URI": settings.neo4j_uri,
            "NEO4J_PASSWORD": settings.neo4j_password, **env}


def routing_uri(settings: Settings) -> str:
    """The suite's server as a routing (neo4j://) URI."""
    scheme, rest = settings.neo4j_uri.split("://", 1)
    return scheme.replace("bolt", "neo4j") + "://" + rest


def other_form(settings: Settings) -> str:
    """The suite's server under another bolt:// address (localhost for 127.0.0.1)."""
    scheme, rest = settings.neo4j_uri.split("://", 1)
    return scheme.replace("neo4j", "bolt") + "://" + rest.replace("127.0.0.1", "localhost")


# ------------------------------------------------------------------- reads and writes routed


@pytest.fixture
def probe_queries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A query library of three probe files in place of cypher/ for one test."""
    folder = tmp_path / "probe"
    folder.mkdir()
    header = "// purpose: routing probe\n// params: {params}\n// mode: {mode}\n"
    for name, mode, params, body in [
        ("read_that_writes", "read", "at", "CREATE (:RoutingProbe {at: $at})"),
        ("write", "write", "at", "CREATE (:RoutingProbe {at: $at})"),
        ("count", "read", "none", "MATCH (n:RoutingProbe) RETURN count(n) AS n"),
        ("clear", "write", "none", "MATCH (n:RoutingProbe) DELETE n"),
    ]:
        (folder / f"{name}.cypher").write_text(header.format(params=params, mode=mode) + body)
    monkeypatch.setattr(cypher, "_library", cypher.QueryLibrary(tmp_path))
    yield


def test_read_mode_runs_as_a_read_transaction_through_a_routing_uri(
    neo4j_server: Settings, probe_queries: None
) -> None:
    database = Database(load_settings(with_env(neo4j_server, NEO4J_URI=routing_uri(neo4j_server))))
    try:
        assert isinstance(database.driver, Neo4jDriver)  # the routing driver
        database.execute("probe/clear")
        with pytest.raises(ClientError) as refused:
            database.fetch("probe/read_that_writes", at=1)
        assert refused.value.code == "Neo.ClientError.Statement.AccessMode"
        database.execute("probe/write", at=2)
        assert database.fetch("probe/count")[0]["n"] == 1
        database.execute("probe/clear")
    finally:
        database.close()


def test_ingest_refresh_and_every_read_work_through_a_routing_uri(
    neo4j_server: Settings, clean_db: Database
) -> None:
    app = create_app(with_env(neo4j_server, NEO4J_URI=routing_uri(neo4j_server)))
    client = app.test_client()
    rows_ = [{**r, "at": r["at"].isoformat()} for r in interactions()]
    resp = client.post("/v1/interactions", json={"interactions": rows_}, headers=auth("write"))
    assert resp.status_code == 200, resp.get_json()
    accounts = [{"id": a, "handle": f"@{a}"} for a in TEA + COFFEE]
    resp = client.post("/v1/accounts", json={"accounts": accounts}, headers=auth("write"))
    assert resp.status_code == 200, resp.get_json()
    database: Database = app.extensions["cm_db"]
    assert isinstance(database.driver, Neo4jDriver)
    result = run_refresh(database, RefreshParams(min_community_size=3))
    assert result.status == "succeeded", result.error
    for page in READ_PAGES:
        resp = client.get(page, headers=auth("read"))
        assert resp.status_code == 200, (page, resp.get_json())
    assert client.get("/v1/communities", headers=auth("read")).get_json()["run_id"] \
        == result.run_id
    database.close()


# ------------------------------------------------------------------- GDS on its own server


def connection_agents(database: Database) -> set[str]:
    """User agents of the Bolt connections the server has open now."""
    return {r["a"] for r in rows(database, "CALL dbms.listConnections() YIELD userAgent AS a "
                                           "RETURN a")}


def test_gds_work_goes_through_the_cm_gds_uri_driver(
    neo4j_server: Settings, clean_db: Database
) -> None:
    load_graph(clean_db)
    settings = load_settings(with_env(neo4j_server, CM_GDS_URI=other_form(neo4j_server)))
    assert settings.gds_uri != settings.neo4j_uri
    database = Database(settings)
    try:
        result = run_refresh(database, RefreshParams(min_community_size=3))
        assert result.status == "succeeded", result.error
        assert database.gds_driver is not database.driver
        print(f"\nqueries sent: {dict(database.sent)}")
        # project, to_undirected, leiden, pagerank, drop, CELF...: all through the GDS driver
        assert database.sent["gds"] >= 5 and database.sent["main"] > 0
        # the server saw both drivers (their pooled connections are still open)
        agents = connection_agents(clean_db)
        assert {"community-map/0.1", "community-map/0.1 (gds)"} <= agents, agents
        assert database.probe()["gds"].startswith("2.")
    finally:
        database.close()
    assert current_run(clean_db)["runId"] == result.run_id


def test_an_unreachable_gds_server_fails_the_refresh_and_nothing_else(
    neo4j_server: Settings, clean_db: Database
) -> None:
    load_graph(clean_db)
    before = run_refresh(clean_db, RefreshParams(min_community_size=3))
    assert before.status == "succeeded", before.error
    settings = load_settings(with_env(
        neo4j_server, CM_GDS_URI=f"bolt://127.0.0.1:{free_port()}",
        CM_NEO4J_CONNECT_TIMEOUT="2", CM_NEO4J_RETRY_SECONDS="2"))
    database = Database(settings)
    try:
        result = run_refresh(database, RefreshParams(min_community_size=3))
    finally:
        database.close()
    assert result.status == "failed" and "ServiceUnavailable" in str(result.error)
    # the main server recorded the failure; the previous run serves
    record = rows(clean_db, "MATCH (r:RefreshRun {id: $r}) RETURN r.status AS s", r=result.run_id)
    assert record == [{"s": "failed"}]
    assert current_run(clean_db)["runId"] == before.run_id


@pytest.mark.parametrize("env, key", [
    ({"CM_GDS_URI": "neo4j://analytics:7687"}, "CM_GDS_URI"),
    ({"CM_GDS_URI": "http://analytics:7474"}, "CM_GDS_URI"),
    ({"CM_REFRESH_LOCK_TTL": "30", "CM_REFRESH_HEARTBEAT": "15"}, "CM_REFRESH_HEARTBEAT"),
    ({"CM_WORKER_POLL": "0"}, "CM_WORKER_POLL"),
])
def test_bad_scale_out_settings_are_refused(env: dict[str, str], key: str) -> None:
    with pytest.raises(SettingsError) as bad:
        load_settings({**suite_env(), **env})
    assert key in str(bad.value)


def test_gds_credentials_default_to_the_main_ones() -> None:
    s = load_settings({**suite_env(), "CM_GDS_URI": "bolt://analytics:7687"})
    assert (s.gds_uri, s.gds_user, s.gds_password) == ("bolt://analytics:7687", "", "")
    s = load_settings({**suite_env(), "CM_GDS_URI": "bolt+s://analytics:7687",
                       "CM_GDS_USER": "gds", "CM_GDS_PASSWORD": "secret"})
    assert (s.gds_user, s.gds_password) == ("gds", "secret")
    assert load_settings(suite_env()).gds_uri == ""


# ------------------------------------------------------------------- two API processes


def get_json(server: Server, path: str) -> dict[str, Any]:
    resp = requests.get(server.url + path, headers=ADMIN, timeout=60)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def post_together(servers: list[Server]) -> list[requests.Response]:
    """POST /v1/refresh on every server at the same moment."""
    barrier = threading.Barrier(len(servers))
    answers: list[requests.Response | None] = [None] * len(servers)

    def post(i: int) -> None:
        barrier.wait()
        answers[i] = requests.post(servers[i].url + "/v1/refresh", json={}, headers=ADMIN,
                                   timeout=60)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(servers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def test_two_api_processes_behave_as_one_service(
    graph: Database, serving: str, tmp_path: Path
) -> None:
    bound = float(getattr(load_settings(suite_env()), "cache_ttl", 0.0))  # read cache TTL
    worker = start_worker(tmp_path)
    try:
        with gunicorn(tmp_path, workers=2) as a, gunicorn(tmp_path, workers=2) as b:
            for server in (a, b):  # both serve the same run (and have it cached now)
                assert get_json(server, "/v1/communities")["run_id"] == serving
            # a refresh switched through A is served by B within the cache bound
            run_id = requests.post(a.url + "/v1/refresh", json={}, headers=ADMIN,
                                   timeout=60).json()["run_id"]
            assert wait_for_status(graph, run_id, {"succeeded", "failed"}, worker=worker,
                                   poll=0.02)["status"] == "succeeded"
            switched = time.monotonic()
            while get_json(b, "/v1/communities")["run_id"] != run_id:
                assert time.monotonic() - switched < bound + 5, "B never served the switch"
                time.sleep(0.05)
            lag = time.monotonic() - switched
            print(f"\nB served A's switch {lag:.2f}s after the run was seen succeeded "
                  f"(cache bound {bound:g}s)")
            assert lag <= bound + 0.5
            assert get_json(b, f"/v1/runs/{run_id}")["status"] == "succeeded"

            # concurrent POST /v1/refresh on both: one 202, one 409 naming it
            for _ in range(3):
                answers = post_together([a, b])
                assert sorted(r.status_code for r in answers) == [202, 409], \
                    [r.text for r in answers]
                queued = next(r.json()["run_id"] for r in answers if r.status_code == 202)
                assert queued in next(r.json()["message"] for r in answers
                                      if r.status_code == 409)
                done = wait_for_status(graph, queued, {"succeeded", "failed"}, worker=worker)
                assert done["status"] == "succeeded", done.get("error")
                for server in (a, b):
                    assert wait_served(server, queued, bound)
    finally:
        stop_worker(worker)
    spans = rows(graph, "MATCH (r:RefreshRun) WHERE r.startedAt IS NOT NULL AND "
                        "r.finishedAt IS NOT NULL AND r.status <> 'skipped' "
                        "RETURN r.startedAt AS s, r.finishedAt AS f ORDER BY s")
    for before, after in zip(spans, spans[1:], strict=False):
        assert before["f"] <= after["s"], "two refreshes overlapped"


def wait_served(server: Server, run_id: str, bound: float) -> bool:
    """True once the server answers from ``run_id`` (within the cache bound + 1 s)."""
    deadline = time.monotonic() + bound + 1
    while time.monotonic() < deadline:
        if get_json(server, "/v1/communities")["run_id"] == run_id:
            return True
        time.sleep(0.05)
    return False

