"""Liveness and readiness probes, with the database up and unreachable."""

from __future__ import annotations

import socket

from flask.testing import FlaskClient

from service import create_app

from .conftest import suite_env


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_healthz_is_200(client: FlaskClient) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}


def test_readyz_is_200_with_versions(client: FlaskClient) -> None:
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready"
    assert body["gds"].startswith("2.13.")


def test_readyz_is_503_in_the_error_shape_when_neo4j_is_unreachable() -> None:
    env = dict(suite_env(), NEO4J_URI=f"bolt://127.0.0.1:{closed_port()}",
               NEO4J_PASSWORD="irrelevant", CM_NEO4J_CONNECT_TIMEOUT="2")
    app = create_app(env)
    client = app.test_client()
    resp = client.get("/readyz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["code"] == 503 and body["status"] == "Service Unavailable"
    assert "unreachable" in body["message"]
    assert resp.headers["Retry-After"]
    assert client.get("/healthz").status_code == 200


def test_openapi_document_is_served(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["info"]["title"] == "Community Map"
    assert "/readyz" in spec["paths"]


def test_unknown_path_is_404_in_the_error_shape(client: FlaskClient) -> None:
    resp = client.get("/v1/nothing-here")
    assert resp.status_code == 404
    assert set(resp.get_json()) >= {"code", "status", "message"}
