"""Security headers, CORS, request ids and the Swagger UI page, in the app and in gunicorn."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.api.docs import ASSETS
from service.settings import Settings, SettingsError, load_settings

from .conftest import auth, suite_env
from .live import gunicorn

ORIGIN = "https://dash.example.com"


@pytest.mark.parametrize("url", ["/healthz", "/openapi.json", "/v1/nope", "/v1/runs", "/docs"])
def test_every_response_says_nosniff_and_has_a_request_id(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{32}", resp.headers["X-Request-ID"])
    assert "Server" not in resp.headers


def test_html_gets_a_restrictive_csp(app: Flask, tmp_path: Path) -> None:
    for name in ASSETS:
        (tmp_path / name).write_text("x")
    app.config["CM_SWAGGER_UI_DIR"] = str(tmp_path)
    try:
        resp = app.test_client().get("/docs")
    finally:
        del app.config["CM_SWAGGER_UI_DIR"]
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    html = resp.get_data(as_text=True)
    assert "<script>" not in html  # no inline script: CSP would block it
    assert "http" not in html  # every asset from this server, no CDN
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        asset = app.test_client().get(src)
        assert asset.status_code == 200, src
        assert "Content-Security-Policy" not in asset.headers  # not HTML


def test_json_has_no_csp(client: FlaskClient) -> None:
    assert "Content-Security-Policy" not in client.get("/healthz").headers


def test_swagger_ui_is_optional(app: Flask, tmp_path: Path) -> None:
    app.config["CM_SWAGGER_UI_DIR"] = str(tmp_path / "absent")
    try:
        resp = app.test_client().get("/docs")
        asset = app.test_client().get("/docs/swagger-ui-bundle.js")
    finally:
        del app.config["CM_SWAGGER_UI_DIR"]
    assert resp.status_code == 404 and "make web" in resp.get_json()["message"]
    assert asset.status_code == 404
    assert app.test_client().get("/openapi.json").status_code == 200


def test_the_installed_swagger_ui_is_the_pinned_one(client: FlaskClient) -> None:
    import json

    repo = Path(__file__).resolve().parents[1]
    pinned = json.loads((repo / "web" / "package.json").read_text())["dependencies"][
        "swagger-ui-dist"]
    installed = json.loads((repo / "web" / "node_modules" / "swagger-ui-dist" / "package.json")
                           .read_text())["version"]
    assert installed == pinned
    assert client.get("/docs/swagger-ui-bundle.js").status_code == 200


def test_unknown_documentation_assets_are_404(client: FlaskClient) -> None:
    for name in ("package.json", "..%2F..%2Fpyproject.toml", "index.html"):
        assert client.get(f"/docs/{name}").status_code == 404


# ------------------------------------------------------------------------------- CORS


def test_cors_is_off_by_default(client: FlaskClient) -> None:
    resp = client.get("/v1/runs", headers={**auth("read"), "Origin": ORIGIN})
    assert resp.status_code == 200
    assert not any(h.startswith("Access-Control-") for h in resp.headers.keys())


@pytest.fixture(scope="module")
def cors_client(settings: Settings) -> FlaskClient:
    env = {**suite_env(), "CM_CORS_ORIGINS": f"{ORIGIN}, http://localhost:3000"}
    return create_app(settings=load_settings(env)).test_client()


def test_listed_origins_may_read_answers(cors_client: FlaskClient) -> None:
    resp = cors_client.get("/v1/runs", headers={**auth("read"), "Origin": ORIGIN})
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-Request-ID" in resp.headers["Access-Control-Expose-Headers"]
    assert "Origin" in resp.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in resp.headers


def test_other_origins_get_nothing(cors_client: FlaskClient) -> None:
    resp = cors_client.get("/v1/runs", headers={**auth("read"), "Origin": "https://evil.test"})
    assert "Access-Control-Allow-Origin" not in resp.headers
    assert "Origin" in resp.headers["Vary"]


def test_preflight_of_a_listed_origin(cors_client: FlaskClient) -> None:
    resp = cors_client.options("/v1/accounts", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in resp.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("bad", ["*", "dash.example.com", "https://x.test/path", "ftp://x.test"])
def test_bad_cors_origins_stop_start_up(bad: str) -> None:
    with pytest.raises(SettingsError, match="CM_CORS_ORIGINS"):
        load_settings({**suite_env(), "CM_CORS_ORIGINS": bad})


# ------------------------------------------------------------------------ request ids


@pytest.mark.parametrize("given", ["abc-123", "req_1.2:3", "A" * 128])
def test_a_sane_request_id_is_kept(client: FlaskClient, given: str) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given


@pytest.mark.parametrize("given", ["", "a b", "x" * 129, "evil\u00e9", "a;b", "a\"b"])
def test_an_insane_request_id_is_replaced(client: FlaskClient, given: str) -> None:
    got = client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert got != given and re.fullmatch(r"[0-9a-f]{32}", got)


def test_error_log_lines_carry_the_request_id(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings=settings)  # its own app: a test route must not leak

    @app.route("/test-boom-request-id")
    def boom() -> str:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        resp = app.test_client().get("/test-boom-request-id",
                                     headers={"X-Request-ID": "trace-me-42"})
    assert resp.status_code == 500 and resp.get_json()["message"] == "internal error"
    assert resp.headers["X-Request-ID"] == "trace-me-42"
    assert [r.request_id for r in caplog.records if r.levelno == logging.ERROR] == ["trace-me-42"]


# -------------------------------------------------------------- through real gunicorn


def test_gunicorn_sends_no_banner_and_logs_request_ids(neo4j_server: Settings,
                                                       tmp_path: Path) -> None:
    with gunicorn(tmp_path) as server:
        resp = requests.get(server.url + "/healthz", headers={"X-Request-ID": "from-client-7"},
                            timeout=10)
        generated = requests.get(server.url + "/v1/nope", timeout=10).headers["X-Request-ID"]
        too_long = requests.get(server.url + "/v1/map?x=" + "a" * 9000, timeout=10)
    assert resp.headers["Server"] == "community-map"
    assert not re.search(r"\d", resp.headers["Server"])
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    # gunicorn's own refusals are in the one error shape too
    assert too_long.status_code == 414 and too_long.json()["code"] == 414
    log = server.log_text()
    assert re.search(r'"GET /healthz HTTP/1.1" 200 .* request_id=from-client-7', log)
    assert re.search(rf'"GET /v1/nope HTTP/1.1" 404 .* request_id={generated}', log)
