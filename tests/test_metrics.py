"""GET /metrics: protected, Prometheus text, requests per route rule, ingest rows, and
refresh metrics read from the run records in Neo4j (so every process agrees)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from service import create_app
from service.db import Database
from service.settings import Settings, load_settings

from .conftest import auth, suite_env
from .live import free_port, gunicorn


def scrape(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, keyed by (name, sorted labels)."""
    resp = client.get("/metrics", headers=auth("read"))
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    return samples(resp.get_data(as_text=True))


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.fixture
def fresh(settings: Settings) -> FlaskClient:
    """An app of its own: counters start at zero."""
    return create_app(settings=settings).test_client()


def test_metrics_need_a_read_key(fresh: FlaskClient) -> None:
    assert fresh.get("/metrics").status_code == 401
    assert fresh.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert fresh.get("/metrics", headers=auth("read")).status_code == 200


def test_requests_are_counted_per_route_rule_and_status(
    fresh: FlaskClient, clean_db: Database
) -> None:
    for community in ("c1", "c2", "zzz"):
        fresh.get(f"/v1/communities/{community}", headers=auth("read"))
    fresh.get("/no/such/path")
    got = scrape(fresh)
    rule = (("method", "GET"), ("route", "/v1/communities/<community_id>"), ("status", "503"))
    assert got[("cm_http_requests_total", rule)] == 3  # no run yet: 503, one series for all ids
    assert got[("cm_http_request_duration_seconds_count", rule)] == 3
    unmatched = (("method", "GET"), ("route", "unmatched"), ("status", "404"))
    assert got[("cm_http_requests_total", unmatched)] == 1
    assert not any("c1" in str(key) for key in got)


def test_ingest_rows_are_counted_by_entity_and_result(
    fresh: FlaskClient, clean_db: Database
) -> None:
    rows = [{"follower": "a", "followee": "b"}, {"follower": "b", "followee": "c"}]
    assert fresh.post("/v1/follows", json={"follows": rows}, headers=auth("write")).status_code \
        == 200
    assert fresh.post("/v1/follows", json={"follows": rows}, headers=auth("write")).status_code \
        == 200
    got = scrape(fresh)
    assert got[("cm_ingest_rows_total", (("entity", "follows"), ("result", "created")))] == 2
    assert got[("cm_ingest_rows_total", (("entity", "follows"), ("result", "unchanged")))] == 2
    assert got[("cm_ingest_placeholders_created_total", (("entity", "follows"),))] == 3


def record_runs(database: Database) -> None:
    with database.session() as session:
        session.run(
            "CREATE (:RefreshRun {id: 'r-old', status: 'succeeded', "
            "  finishedAt: datetime() - duration({hours: 2}), timings: '{\"project\": 9.0}'}) "
            "CREATE (:RefreshRun {id: 'r-new', status: 'succeeded', "
            "  finishedAt: datetime() - duration({seconds: 90}), "
            "  timings: '{\"project\": 1.5, \"communities\": 0.5, \"switch\": 0.25}'}) "
            "CREATE (:RefreshRun {id: 'r-f1', status: 'failed', finishedAt: datetime()}) "
            "CREATE (:RefreshRun {id: 'r-f2', status: 'failed', finishedAt: datetime()}) "
            "CREATE (:RefreshRun {id: 'r-q', status: 'queued'})").consume()


def test_refresh_metrics_come_from_the_run_records(
    fresh: FlaskClient, clean_db: Database, settings: Settings
) -> None:
    got = scrape(fresh)
    assert got[("cm_neo4j_up", ())] == 1
    assert got[("cm_refresh_runs_total", (("outcome", "succeeded"),))] == 0
    assert not any(name.startswith("cm_refresh_last") for name, _ in got)  # no success yet
    record_runs(clean_db)
    got = scrape(fresh)
    assert got[("cm_refresh_runs_total", (("outcome", "succeeded"),))] == 2
    assert got[("cm_refresh_runs_total", (("outcome", "failed"),))] == 2
    assert got[("cm_refresh_runs_open", (("status", "queued"),))] == 1
    assert got[("cm_refresh_last_success_stage_seconds", (("stage", "project"),))] == 1.5
    assert got[("cm_refresh_last_success_duration_seconds", ())] == 2.25
    assert 89 <= got[("cm_refresh_seconds_since_last_success", ())] < 200
    # another process (another app, its own counters) reports the same refresh numbers
    other = scrape(create_app(settings=settings).test_client())
    refresh = {k: v for k, v in got.items() if k[0].startswith("cm_refresh_runs")}
    assert refresh == {k: v for k, v in other.items() if k[0].startswith("cm_refresh_runs")}


def test_a_scrape_answers_when_neo4j_is_down() -> None:
    env = {**suite_env(), "NEO4J_URI": f"bolt://127.0.0.1:{free_port()}", "NEO4J_PASSWORD": "x",
           "CM_NEO4J_CONNECT_TIMEOUT": "1", "CM_NEO4J_RETRY_SECONDS": "1"}
    app = create_app(settings=load_settings(env))
    try:
        got = scrape(app.test_client())
    finally:
        app.extensions["cm_db"].close()
    assert got[("cm_neo4j_up", ())] == 0


def test_gunicorn_workers_are_summed(neo4j_server: Settings, tmp_path: Path) -> None:
    with gunicorn(tmp_path, workers=2) as server:
        for _ in range(30):
            # a new connection each time, so both workers answer some
            resp = requests.get(server.url + "/v1/nope", timeout=10,
                                headers={"Connection": "close"})
            assert resp.status_code == 404
        text = requests.get(server.url + "/metrics", timeout=10, headers=auth("read")).text
    got = samples(text)
    assert got[("cm_http_requests_total",
                (("method", "GET"), ("route", "unmatched"), ("status", "404")))] == 30
    assert re.search(r"^cm_neo4j_up 1\.0$", text, re.M)
