"""Shared fixtures: a real Neo4j + GDS server for the whole session.

Unless NEO4J_URI is set, the suite provisions and starts the local ``test`` instance
(ports 17687/17474, its own data folder, so demo data is never touched) and stops it at
the end if it started it. When the database cannot be reached, tests skip locally but
FAIL under CI (CI=true): a green CI must mean the database tests really ran.

The refresh queue runs on short timings in the suite (lock TTL 12 s, heartbeat 2 s, worker
poll 0.5 s; the environment may override them) so crash tests finish in seconds; the app,
the CLI and the worker processes the tests start all read the same values.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from service import create_app, neo4j_local
from service.auth import DEV_KEYS
from service.db import Database
from service.settings import Settings, load_settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
QUEUE_TIMINGS = {"CM_REFRESH_LOCK_TTL": "12", "CM_REFRESH_HEARTBEAT": "2",
                 "CM_WORKER_POLL": "0.5"}


def suite_env() -> dict[str, str]:
    """The environment the suite's app and CLI run with."""
    env = {k: v for k, v in os.environ.items() if k != "CM_API_KEYS"}
    env.setdefault("CM_NEO4J_INSTANCE", "test")
    for key, value in QUEUE_TIMINGS.items():
        env.setdefault(key, value)
    return env


def unreachable(reason: str) -> None:
    """Fail under CI, skip elsewhere."""
    message = f"Neo4j is not reachable: {reason}"
    if IN_CI:
        pytest.fail(message + " (CI=true: database tests must not be skipped)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(suite_env())


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings) -> Iterator[Settings]:
    """A running Neo4j + GDS for the session (started here unless NEO4J_URI is set)."""
    started = False
    if not settings.external_neo4j:
        try:
            started, _ = neo4j_local.start(settings.local)
        except neo4j_local.ProvisionError as exc:
            unreachable(str(exc))
    probe = Database(settings)
    try:
        probe.probe()
    except (ServiceUnavailable, SessionExpired, AuthError, OSError) as exc:
        unreachable(f"{settings.neo4j_uri}: {exc}")
    finally:
        probe.close()
    yield settings
    if started:
        neo4j_local.stop(settings.local)


@pytest.fixture(scope="session")
def database(neo4j_server: Settings) -> Iterator[Database]:
    db = Database(neo4j_server)
    db.apply_schema()
    yield db
    db.close()


def wipe(db: Database) -> None:
    """Delete all data and drop every GDS projection (schema is kept)."""
    db.wipe()


@pytest.fixture
def clean_db(database: Database) -> Database:
    """The database, emptied before the test."""
    wipe(database)
    return database


@pytest.fixture(scope="module")
def graph(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """A generated 300-account graph (tests/workers.SPEC: a refresh lasts several seconds),
    loaded once per module, with a succeeded run serving it."""
    from .workers import load_served_graph

    load_served_graph(database, tmp_path_factory.mktemp("generated-graph"))
    return database


@pytest.fixture
def serving(graph: Database) -> Iterator[str]:
    """The generated graph's serving run; nothing is left queued or running afterwards."""
    from service.refresh.runs import current_run

    from .workers import lock_free

    lock_free(graph)
    yield str(current_run(graph)["runId"])
    lock_free(graph)


@pytest.fixture(scope="session")
def app(neo4j_server: Settings) -> Flask:
    application = create_app(settings=neo4j_server)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def auth(role: str) -> dict[str, str]:
    """Headers carrying the development key of a role."""
    return {"Authorization": f"Bearer {DEV_KEYS[role]}"}


ERROR_KEYS = {"code", "status", "message"}


def get(client: FlaskClient, url: str, role: str = "read") -> Any:
    """GET with a key of ``role``; insist on 200 and return the JSON body."""
    resp = client.get(url, headers=auth(role))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def error(client: FlaskClient, url: str, status: int) -> dict[str, Any]:
    """GET with the read key; insist on ``status`` in the one error shape."""
    resp = client.get(url, headers=auth("read"))
    assert resp.status_code == status, resp.get_json()
    body = resp.get_json()
    assert set(body) >= ERROR_KEYS and body["code"] == status
    return dict(body)
