"""The API contract: the document names every route and method, errors are documented and
answered in the one shape, 405 carries Allow, malformed bodies are 4xx and write nothing."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.api.contract import MAX_JSON_DEPTH, json_depth
from service.db import Database

from .conftest import ERROR_KEYS, auth
from .test_ingest_api import ENTITIES, VALID_ROW, snapshot, totals

# routes that are the documentation itself, not operations of the API
DOCUMENTATION = {"/openapi.json", "/docs", "/docs/init.js", "/docs/<name>"}
IMPLICIT = {"HEAD", "OPTIONS"}


def document(client: FlaskClient) -> dict[str, Any]:
    resp = client.get("/openapi.json")
    assert resp.status_code == 200
    return dict(resp.get_json())


def openapi_path(rule: str) -> str:
    """'/v1/items/<path:item>/adoption' -> '/v1/items/{item}/adoption' (also several
    variables in one segment: '/<package>@<version>.js')."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


# ------------------------------------------------------------------- routes vs document


def test_every_route_is_in_the_document_with_its_methods(app: Flask, client: FlaskClient) -> None:
    paths = document(client)["paths"]
    served: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule in DOCUMENTATION:
            continue
        served.setdefault(openapi_path(rule.rule), set()).update(
            m for m in rule.methods or () if m not in IMPLICIT)
    documented = {path: {m.upper() for m in ops if m != "parameters"}
                  for path, ops in paths.items()}
    assert documented == served


def test_ingest_operations_are_posts_with_their_body(client: FlaskClient) -> None:
    doc = document(client)
    for entity in ENTITIES:
        ops = doc["paths"][f"/v1/{entity}"]
        assert set(ops) == {"post"}
        body = ops["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = doc["components"]["schemas"][body.rsplit("/", 1)[1]]
        assert schema["required"] == [entity] and schema["additionalProperties"] is False
        assert schema["properties"][entity]["maxItems"] == 10_000
        assert "WriteResult" in json.dumps(ops["post"]["responses"]["200"])


def test_every_operation_documents_success_and_its_errors(client: FlaskClient) -> None:
    doc = document(client)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method == "parameters":
                continue
            codes = set(op["responses"])
            assert codes & {"200", "202"}, (method, path)
            if op.get("security"):
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in op:
                assert {"400", "413", "415", "422"} <= codes, (method, path)
            if path.startswith("/v1/"):
                assert "503" in codes, (method, path)
    error = doc["components"]["schemas"]["Error"]
    assert set(error["required"]) == ERROR_KEYS
    assert doc["paths"]["/v1/refresh"]["post"]["responses"].keys() >= {"202", "409"}


def test_answers_without_a_schema_are_gone(client: FlaskClient) -> None:
    doc = document(client)
    for path in ("/v1/influencers", "/v1/seeds", "/v1/items/{item}/adoption"):
        content = doc["paths"][path]["get"]["responses"]["200"]["content"]
        assert "$ref" in content["application/json"]["schema"], path


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", "/v1/accounts"), ("PUT", "/v1/refresh"), ("DELETE", "/v1/communities"),
     ("POST", "/v1/map"), ("PATCH", "/healthz"), ("POST", "/metrics")],
)
def test_405_names_the_allowed_methods(client: FlaskClient, method: str, url: str) -> None:
    resp = client.open(url, method=method, headers=auth("admin"))
    assert resp.status_code == 405
    assert resp.get_json()["status"] == "Method Not Allowed"
    allowed = {m.strip() for m in resp.headers["Allow"].split(",")}
    assert method not in allowed and allowed - IMPLICIT


# ------------------------------------------------------------------------ deep bodies


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_depth_counts_structure_outside_strings() -> None:
    assert json_depth(b"{}") == 1
    assert json_depth(b'{"a": [1, {"b": [[]]}]}') == 5
    assert json_depth(b'{"a": "[[[[{{{{"}') == 1
    assert json_depth(b'{"a": "\\"[[[", "b": ["\\\\"]}') == 2
    assert json_depth(b'"unterminated [[[[') == 0
    assert json_depth(b"") == 0
    assert json_depth(nested(100_000).encode()) == 100_000


def test_json_depth_is_linear_on_hostile_input() -> None:
    started = time.perf_counter()
    json_depth(b'\\"' * 4_000_000)  # 8 MB of escaped quotes: no rescans
    json_depth(b"[" * 8_000_000)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("entity", ENTITIES)
def test_body_nested_deeper_than_the_limit_is_400_and_writes_nothing(
    client: FlaskClient, clean_db: Database, entity: str
) -> None:
    body = '{"' + entity + '": ' + nested(2000) + "}"
    resp = client.post(f"/v1/{entity}", data=body, headers=auth("write"),
                       content_type="application/json")
    assert resp.status_code == 400, resp.get_json()
    error = resp.get_json()
    assert set(error) == ERROR_KEYS and str(MAX_JSON_DEPTH) in error["message"]
    assert totals(clean_db) == (0, 0)


def test_deep_refresh_body_is_400(client: FlaskClient) -> None:
    resp = client.post("/v1/refresh", data=nested(5000), headers=auth("admin"),
                       content_type="application/json")
    assert resp.status_code == 400 and "nested" in resp.get_json()["message"]


def test_body_at_the_depth_limit_is_parsed(client: FlaskClient, clean_db: Database) -> None:
    inner = nested(MAX_JSON_DEPTH - 2)  # {"accounts": [ ... ]} adds two levels
    resp = client.post("/v1/accounts", data='{"accounts": [' + inner + "]}",
                       headers=auth("write"), content_type="application/json")
    assert resp.status_code == 422  # parsed, then refused row by row: not a row object


@pytest.mark.parametrize("body", [
    '{"accounts": [{"id": "a", "followers_count": ' + "9" * 5000 + "}]}",  # int too long
    '{"accounts": [{"id": "a", "followers_count": NaN}]}',
    '{"accounts": [{"id": "a", "followers_count": -Infinity}]}',
    b'{"accounts": [{"id": "\xff"}]}',  # not UTF-8
])
def test_what_python_parses_but_json_is_not_is_400(
    client: FlaskClient, clean_db: Database, body: str | bytes
) -> None:
    resp = client.post("/v1/accounts", data=body, headers=auth("write"),
                       content_type="application/json")
    assert resp.status_code == 400, resp.get_json()
    assert resp.get_json()["message"].startswith("malformed JSON body")
    assert totals(clean_db) == (0, 0)


def test_nan_is_not_a_refresh_resolution(client: FlaskClient) -> None:
    resp = client.post("/v1/refresh", data='{"resolution": NaN}', headers=auth("admin"),
                       content_type="application/json")
    assert resp.status_code == 400


def test_deep_body_without_a_key_is_401_first(client: FlaskClient) -> None:
    resp = client.post("/v1/accounts", data=nested(5000), content_type="application/json")
    assert resp.status_code == 401


# -------------------------------------------------------------- control characters

CONTROL = ["\x00", "\x01", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f"]
# every free-text field of every ingest body: (entity, field, is it a list of strings)
TEXT_FIELDS = [
    ("accounts", "id", False), ("accounts", "handle", False), ("accounts", "name", False),
    ("follows", "follower", False), ("follows", "followee", False),
    ("interactions", "id", False), ("interactions", "actor", False),
    ("interactions", "target", False), ("interactions", "post_id", False),
    ("interactions", "topics", True),
    ("posts", "id", False), ("posts", "author", False), ("posts", "topics", True),
    ("adoptions", "account", False), ("adoptions", "item", False),
]


@pytest.mark.parametrize(("entity", "field", "listed"), TEXT_FIELDS)
def test_control_characters_are_422_and_write_nothing(
    client: FlaskClient, clean_db: Database, entity: str, field: str, listed: bool
) -> None:
    before = snapshot(clean_db)
    for char in CONTROL:
        value = f"a{char}b"
        row = {**VALID_ROW[entity], field: [value] if listed else value}
        resp = client.post(f"/v1/{entity}", json={entity: [row]}, headers=auth("write"))
        assert resp.status_code == 422, (repr(char), resp.get_json())
        errors = resp.get_json()["errors"]["json"][entity]["0"][field]
        assert f"U+{ord(char):04X}" in json.dumps(errors)
    assert snapshot(clean_db) == before


def test_printable_unicode_beyond_c1_is_accepted(client: FlaskClient, clean_db: Database) -> None:
    for text in ("\u00a0nbsp", "zero\u200bwidth", "\u2028line sep", "emoji \U0001f600"):
        resp = client.post("/v1/accounts", json={"accounts": [{"id": text, "name": text}]},
                           headers=auth("write"))
        assert resp.status_code == 200, (repr(text), resp.get_json())


def test_booleans_are_json_booleans(client: FlaskClient, clean_db: Database) -> None:
    for value in (0, 1, "true", "yes", None):
        row = {**VALID_ROW["posts"], "call_to_action": value}
        resp = client.post("/v1/posts", json={"posts": [row]}, headers=auth("write"))
        assert resp.status_code == 422, value
    assert totals(clean_db) == (0, 0)


def test_the_documented_pattern_is_the_enforced_rule(client: FlaskClient) -> None:
    import re

    doc = document(client)
    pattern = doc["components"]["schemas"]["Account"]["properties"]["id"]["pattern"]
    python = re.compile(pattern.replace("$", r"\Z"))
    for code in range(0x250):
        char = chr(code)
        refused = code < 0x20 or 0x7F <= code <= 0x9F
        assert (python.match(f"a{char}b") is None) == refused, hex(code)
