"""Ingest endpoints against the real Neo4j: counts, stored graph, validation, auth, idempotency.

Every test starts from an empty database (``clean_db``) and reads back what was stored.
Rejected requests must write nothing: the whole graph (nodes, relationships and their
properties, including the DataVersion bookkeeping node) is compared before and after.
"""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from neo4j.time import DateTime
from werkzeug.test import TestResponse

from service import create_app
from service.auth import DEV_KEYS
from service.db import Database

from .conftest import auth, suite_env

ENTITIES = ("accounts", "follows", "interactions", "posts", "adoptions")
RESULT_KEYS = {"received", "created", "updated", "unchanged", "placeholders_created"}
T0 = "2024-03-01T10:00:00Z"


# ------------------------------------------------------------------------------ helpers


def post(
    client: FlaskClient,
    entity: str,
    rows: Any,
    headers: dict[str, str] | None = None,
) -> TestResponse:
    """POST ``{entity: rows}`` as JSON with the write key (unless headers are given)."""
    return client.post(
        f"/v1/{entity}", json={entity: rows}, headers=auth("write") if headers is None else headers
    )


def ok(client: FlaskClient, entity: str, rows: list[dict[str, Any]]) -> dict[str, int]:
    """POST and insist on 200; the write counts."""
    resp = post(client, entity, rows)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert set(body) == RESULT_KEYS
    return body


def counts(
    received: int, created: int = 0, updated: int = 0, unchanged: int = 0, placeholders: int = 0
) -> dict[str, int]:
    return {
        "received": received,
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "placeholders_created": placeholders,
    }


def totals(db: Database) -> tuple[int, int]:
    """(all nodes, all relationships)."""
    with db.session() as session:
        nodes = session.run("MATCH (n) RETURN count(n) AS c").single(strict=True)["c"]
        rels = session.run("MATCH ()-[r]->() RETURN count(r) AS c").single(strict=True)["c"]
    return nodes, rels


def label_count(db: Database, label: str) -> int:
    with db.session() as session:
        return session.run(f"MATCH (n:{label}) RETURN count(n) AS c").single(strict=True)["c"]


def rel_count(db: Database, rel_type: str) -> int:
    with db.session() as session:
        query = f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS c"
        return session.run(query).single(strict=True)["c"]


def snapshot(db: Database) -> list[str]:
    """The whole graph, canonical: every node and relationship with all its properties."""
    with db.session() as session:
        nodes = session.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p").data()
        rels = session.run(
            "MATCH (a)-[r]->(b) RETURN labels(a) AS al, coalesce(a.id, a.name) AS a, "
            "type(r) AS t, properties(r) AS p, labels(b) AS bl, coalesce(b.id, b.name) AS b"
        ).data()
    out = [repr((sorted(n["l"]), sorted(n["p"].items()))) for n in nodes]
    out += [repr((r["al"], r["a"], r["t"], sorted(r["p"].items()), r["bl"], r["b"])) for r in rels]
    return sorted(out)


def account(db: Database, account_id: str) -> dict[str, Any] | None:
    with db.session() as session:
        record = session.run(
            "MATCH (a:Account {id: $id}) RETURN properties(a) AS p", id=account_id
        ).single()
    return None if record is None else record["p"]


def rels(db: Database, rel_type: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(source key, target key, properties) of every relationship of a type, sorted."""
    with db.session() as session:
        rows = session.run(
            f"MATCH (a)-[r:{rel_type}]->(b) "
            "RETURN coalesce(a.id, a.name) AS a, coalesce(b.id, b.name) AS b, properties(r) AS p"
        ).data()
    return sorted(((r["a"], r["b"], r["p"]) for r in rows), key=repr)


def native(value: Any) -> datetime:
    """A stored DateTime as an aware Python datetime (and check it is stored in UTC)."""
    assert isinstance(value, DateTime)
    result = value.to_native()
    assert result.utcoffset() == timedelta(0)
    return result


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def assert_error_shape(resp: TestResponse, code: int, status: str) -> dict[str, Any]:
    assert resp.status_code == code
    body = resp.get_json()
    assert body["code"] == code and body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    return body


# ------------------------------------------------------------------------- happy paths


def test_accounts_are_created_with_their_profile(client: FlaskClient, clean_db: Database) -> None:
    rows = [
        {"id": "alice", "handle": "@alice", "name": "Alice A.", "followers_count": 12},
        {"id": "bob"},
    ]
    assert ok(client, "accounts", rows) == counts(2, created=2)
    assert account(clean_db, "alice") == {
        "id": "alice",
        "handle": "@alice",
        "name": "Alice A.",
        "followersCount": 12,
        "placeholder": False,
    }
    assert account(clean_db, "bob") == {"id": "bob", "placeholder": False}
    assert label_count(clean_db, "Account") == 2
    assert totals(clean_db) == (3, 0)  # two accounts and the DataVersion node


def test_account_update_changes_only_the_fields_sent(
    client: FlaskClient, clean_db: Database
) -> None:
    ok(client, "accounts", [{"id": "alice", "handle": "@alice", "followers_count": 12}])
    assert ok(client, "accounts", [{"id": "alice", "followers_count": 13}]) == counts(1, updated=1)
    assert account(clean_db, "alice") == {
        "id": "alice",
        "handle": "@alice",
        "followersCount": 13,
        "placeholder": False,
    }
    # the same values again (or no values at all) change nothing
    assert ok(client, "accounts", [{"id": "alice", "handle": "@alice"}]) == counts(1, unchanged=1)
    assert ok(client, "accounts", [{"id": "alice"}]) == counts(1, unchanged=1)
    assert label_count(clean_db, "Account") == 1


def test_follows_create_placeholders_for_unknown_accounts(
    client: FlaskClient, clean_db: Database
) -> None:
    ok(client, "accounts", [{"id": "alice", "name": "Alice"}])
    rows = [
        {"follower": "alice", "followee": "bob", "since": "2024-03-01T12:00:00+02:00"},
        {"follower": "carol", "followee": "alice"},
    ]
    assert ok(client, "follows", rows) == counts(2, created=2, placeholders=2)
    stored = rels(clean_db, "FOLLOWS")
    assert [(a, b, set(p)) for a, b, p in stored] == [
        ("alice", "bob", {"since"}),
        ("carol", "alice", set()),
    ]
    assert native(stored[0][2]["since"]) == utc(2024, 3, 1, 10)
    assert account(clean_db, "bob") == {"id": "bob", "placeholder": True}
    assert account(clean_db, "carol") == {"id": "carol", "placeholder": True}
    assert account(clean_db, "alice") == {"id": "alice", "name": "Alice", "placeholder": False}
    assert totals(clean_db) == (4, 2)


def test_placeholders_are_filled_in_and_counted_as_updated(
    client: FlaskClient, clean_db: Database
) -> None:
    ok(client, "follows", [{"follower": "alice", "followee": "bob"}])
    rows = [
        {"id": "alice", "handle": "@alice", "name": "Alice", "followers_count": 5},
        {"id": "bob"},  # no profile fields: still no longer a placeholder
        {"id": "carol", "handle": "@carol"},
    ]
    assert ok(client, "accounts", rows) == counts(3, created=1, updated=2)
    assert account(clean_db, "alice") == {
        "id": "alice",
        "handle": "@alice",
        "name": "Alice",
        "followersCount": 5,
        "placeholder": False,
    }
    assert account(clean_db, "bob") == {"id": "bob", "placeholder": False}
    assert account(clean_db, "carol") == {"id": "carol", "handle": "@carol", "placeholder": False}
    # the follow survived the fill-in, and known accounts are not placeholders again
    assert [(a, b) for a, b, _ in rels(clean_db, "FOLLOWS")] == [("alice", "bob")]
    assert ok(client, "accounts", rows) == counts(3, unchanged=3)
    assert ok(client, "follows", [{"follower": "carol", "followee": "bob"}]) == counts(1, created=1)
    assert account(clean_db, "bob") == {"id": "bob", "placeholder": False}
    assert totals(clean_db) == (4, 2)


def test_interactions_are_stored_with_key_kind_time_topics_and_post(
    client: FlaskClient, clean_db: Database
) -> None:
    rows = [
        {
            "actor": "alice",
            "target": "bob",
            "kind": "comment",
            "at": "2024-03-01T12:00:00+02:00",
            "post_id": "p1",
            "topics": ["cats", "dogs", "cats"],
        },
        {"id": "evt-7", "actor": "bob", "target": "alice", "kind": "like", "at": T0},
    ]
    assert ok(client, "interactions", rows) == counts(2, created=2, placeholders=2)
    stored = rels(clean_db, "INTERACTED")
    assert [(a, b) for a, b, _ in stored] == [("alice", "bob"), ("bob", "alice")]
    first, second = stored[0][2], stored[1][2]
    assert set(first) == {"key", "kind", "at", "topics", "postId"}
    assert re.fullmatch(r"nk:[0-9a-f]{32}", first["key"])
    assert first["kind"] == "comment" and first["postId"] == "p1"
    assert first["topics"] == ["cats", "dogs"]  # duplicates dropped, order kept
    assert native(first["at"]) == utc(2024, 3, 1, 10)
    # no topics: an empty list or no property at all (the bulk path cannot store empty lists)
    assert set(second) - {"topics"} == {"key", "kind", "at"}
    assert second["key"] == "id:evt-7" and second["kind"] == "like"
    assert second.get("topics", []) == []
    assert native(second["at"]) == utc(2024, 3, 1, 10)
    # interactions never create Post nodes; the post is only referenced by id
    assert label_count(clean_db, "Post") == 0
    assert {account(clean_db, a)["placeholder"] for a in ("alice", "bob")} == {True}  # type: ignore[index]
    assert totals(clean_db) == (3, 2)


def test_posts_link_author_and_topics(client: FlaskClient, clean_db: Database) -> None:
    ok(client, "accounts", [{"id": "alice"}])
    rows = [
        {
            "id": "p1",
            "author": "alice",
            "at": "2024-03-01T12:00:00+02:00",
            "topics": ["cats", "dogs", "cats"],
            "call_to_action": True,
        },
        {"id": "p2", "author": "bob", "at": T0},
    ]
    assert ok(client, "posts", rows) == counts(2, created=2, placeholders=1)
    with clean_db.session() as session:
        posts = {
            r["id"]: r["p"]
            for r in session.run("MATCH (p:Post) RETURN p.id AS id, properties(p) AS p")
        }
    assert set(posts) == {"p1", "p2"}
    assert posts["p1"]["topics"] == ["cats", "dogs"] and posts["p1"]["callToAction"] is True
    assert native(posts["p1"]["at"]) == utc(2024, 3, 1, 10)
    assert posts["p2"].get("topics", []) == [] and posts["p2"]["callToAction"] is False
    assert set(posts["p1"]) == {"id", "at", "topics", "callToAction"}
    assert set(posts["p2"]) - {"topics"} == {"id", "at", "callToAction"}
    assert [(a, b) for a, b, _ in rels(clean_db, "POSTED")] == [("alice", "p1"), ("bob", "p2")]
    assert [(a, b) for a, b, _ in rels(clean_db, "TAGGED")] == [("p1", "cats"), ("p1", "dogs")]
    assert label_count(clean_db, "Topic") == 2
    assert account(clean_db, "bob") == {"id": "bob", "placeholder": True}
    assert totals(clean_db) == (7, 4)  # 2 accounts, 2 posts, 2 topics, DataVersion


def test_adoptions_link_account_and_item(client: FlaskClient, clean_db: Database) -> None:
    rows = [
        {"account": "alice", "item": "widget", "at": "2024-03-01T12:00:00+02:00"},
        {"account": "bob", "item": "widget", "at": T0},
        {"account": "bob", "item": "gadget", "at": T0},
    ]
    assert ok(client, "adoptions", rows) == counts(3, created=3, placeholders=2)
    stored = rels(clean_db, "ADOPTED")
    assert [(a, b) for a, b, _ in stored] == [
        ("alice", "widget"),
        ("bob", "gadget"),
        ("bob", "widget"),
    ]
    assert all(set(p) == {"at"} and native(p["at"]) == utc(2024, 3, 1, 10) for *_, p in stored)
    with clean_db.session() as session:
        items = session.run("MATCH (i:Item) RETURN i.name AS n ORDER BY n").value()
    assert items == ["gadget", "widget"]
    assert totals(clean_db) == (5, 3)


def test_data_version_is_bumped_by_changes_only(client: FlaskClient, clean_db: Database) -> None:
    def version() -> int | None:
        with clean_db.session() as session:
            record = session.run("MATCH (m:DataVersion) RETURN m.version AS v").single()
        return None if record is None else record["v"]

    assert version() is None
    ok(client, "accounts", [{"id": "alice"}])
    assert version() == 1
    ok(client, "accounts", [{"id": "alice"}])
    assert version() == 1
    ok(client, "accounts", [{"id": "alice", "name": "A"}])
    assert version() == 2
    ok(client, "follows", [{"follower": "alice", "followee": "bob"}])
    assert version() == 3
    assert label_count(clean_db, "DataVersion") == 1


# ----------------------------------------------------------------------------- limits


def test_ids_of_256_characters_and_full_topic_lists_are_accepted(
    client: FlaskClient, clean_db: Database
) -> None:
    long_id = "a" * 256
    emoji_id = "\U0001f600" * 256  # 256 characters (code points), 1024 UTF-8 bytes
    topics = [f"{i:02d}" + "t" * 62 for i in range(32)]  # 32 topics of 64 characters
    assert ok(client, "accounts", [{"id": long_id, "handle": "h" * 256, "name": "n" * 512}]) == (
        counts(1, created=1)
    )
    assert ok(client, "follows", [{"follower": long_id, "followee": emoji_id}]) == counts(
        1, created=1, placeholders=1
    )
    assert (
        ok(client, "posts", [{"id": "p" * 256, "author": long_id, "at": T0, "topics": topics}])[
            "created"
        ]
        == 1
    )
    assert account(clean_db, long_id) == {
        "id": long_id,
        "handle": "h" * 256,
        "name": "n" * 512,
        "placeholder": False,
    }
    assert account(clean_db, emoji_id) == {"id": emoji_id, "placeholder": True}
    with clean_db.session() as session:
        stored = session.run("MATCH (p:Post) RETURN p.topics AS t").single(strict=True)["t"]
    assert stored == topics
    assert label_count(clean_db, "Topic") == 32


def test_batch_of_10000_interactions_succeeds(client: FlaskClient, clean_db: Database) -> None:
    rows = [
        {
            "id": f"e{i}",
            "actor": f"u{i % 400}",
            "target": f"u{(i % 400 + 1 + i % 7) % 400}",
            "kind": "like",
            "at": f"2024-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z",
        }
        for i in range(10_000)
    ]
    assert ok(client, "interactions", rows) == counts(10_000, created=10_000, placeholders=400)
    assert rel_count(clean_db, "INTERACTED") == 10_000
    assert label_count(clean_db, "Account") == 400


def test_batch_over_the_row_limit_is_413_and_writes_nothing(
    client: FlaskClient, clean_db: Database
) -> None:
    ok(client, "accounts", [{"id": "seed"}])
    before = snapshot(clean_db)
    rows = [{"follower": "seed", "followee": f"u{i}"} for i in range(10_001)]
    resp = post(client, "follows", rows)
    body = assert_error_shape(resp, 413, "Request Entity Too Large")
    assert "10000" in body["message"] and "10001" in body["message"]
    assert snapshot(clean_db) == before


def test_row_limit_follows_cm_max_rows(clean_db: Database) -> None:
    app = create_app(dict(suite_env(), CM_MAX_ROWS="2"))
    try:
        client = app.test_client()
        rows = [{"id": f"a{i}"} for i in range(3)]
        body = assert_error_shape(post(client, "accounts", rows), 413, "Request Entity Too Large")
        assert "limit is 2 rows" in body["message"]
        assert totals(clean_db) == (0, 0)
        assert ok(client, "accounts", rows[:2]) == counts(2, created=2)
    finally:
        app.extensions["cm_db"].close()


def test_body_over_the_byte_limit_is_413_and_writes_nothing(clean_db: Database) -> None:
    app = create_app(dict(suite_env(), CM_MAX_BODY_MB="1"))
    try:
        rows = [{"id": f"a{i}", "name": "x" * 500} for i in range(2_500)]  # about 1.3 MB
        resp = post(app.test_client(), "accounts", rows)
        assert_error_shape(resp, 413, "Request Entity Too Large")
        assert totals(clean_db) == (0, 0)
    finally:
        app.extensions["cm_db"].close()


# ------------------------------------------------------------------------ validation

LONG = "x" * 257
NAIVE = "2024-03-01T10:00:00"

# A valid row 0 per entity: it would change the seeded graph if anything were written.
VALID_ROW: dict[str, dict[str, Any]] = {
    "accounts": {"id": "seed-a", "name": "changed", "followers_count": 99},
    "follows": {"follower": "seed-a", "followee": "new-x", "since": T0},
    "interactions": {"actor": "seed-a", "target": "seed-b", "kind": "like", "at": T0},
    "posts": {"id": "p-new", "author": "seed-a", "at": T0, "topics": ["t"]},
    "adoptions": {"account": "seed-a", "item": "i-new", "at": T0},
}
INTERACTION = {"actor": "a", "target": "b", "kind": "like", "at": T0}
POST = {"id": "p", "author": "a", "at": T0}
ADOPTION = {"account": "a", "item": "i", "at": T0}

# (entity, invalid row 1, error location inside the row, message fragment)
INVALID: list[tuple[str, Any, tuple[str, ...], str]] = [
    ("accounts", {"handle": "h"}, ("id",), "Missing data for required field."),
    ("accounts", {"id": None}, ("id",), "Field may not be null."),
    ("accounts", {"id": 7}, ("id",), "Not a valid string."),
    ("accounts", {"id": ""}, ("id",), "Length must be between 1 and 256."),
    ("accounts", {"id": LONG}, ("id",), "Length must be between 1 and 256."),
    ("accounts", {"id": "a", "handle": LONG}, ("handle",), "Longer than maximum length 256."),
    ("accounts", {"id": "a", "name": "n" * 513}, ("name",), "Longer than maximum length 512."),
    ("accounts", {"id": "a", "followers_count": "12"}, ("followers_count",), "valid integer"),
    ("accounts", {"id": "a", "followers_count": 1.5}, ("followers_count",), "valid integer"),
    ("accounts", {"id": "a", "followers_count": True}, ("followers_count",), "valid integer"),
    ("accounts", {"id": "a", "followers_count": -1}, ("followers_count",), "greater than or"),
    ("accounts", {"id": "a", "followers": 3}, ("followers",), "Unknown field."),
    ("accounts", "not-an-object", ("_schema",), "Invalid input type."),
    ("follows", {"follower": "a"}, ("followee",), "Missing data for required field."),
    ("follows", {"follower": "a", "followee": "a"}, ("followee",), "self-follows"),
    ("follows", {"follower": "a", "followee": LONG}, ("followee",), "between 1 and 256"),
    ("follows", {"follower": "a", "followee": "b", "since": NAIVE}, ("since",), "aware"),
    ("follows", {"follower": "a", "followee": "b", "since": "soon"}, ("since",), "datetime"),
    ("follows", {"follower": "a", "followee": "b", "weight": 1}, ("weight",), "Unknown field."),
    ("interactions", {**INTERACTION, "kind": "poke"}, ("kind",), "Must be one of: like,"),
    ("interactions", {**INTERACTION, "target": "a"}, ("target",), "self-interactions"),
    ("interactions", {**INTERACTION, "at": NAIVE}, ("at",), "Not a valid aware datetime."),
    ("interactions", {**INTERACTION, "at": 1709287200}, ("at",), "datetime"),
    ("interactions", {"actor": "a", "target": "b", "kind": "like"}, ("at",), "Missing data"),
    ("interactions", {**INTERACTION, "topics": "cats"}, ("topics",), "Not a valid list."),
    ("interactions", {**INTERACTION, "topics": ["t"] * 33}, ("topics",), "maximum length 32"),
    ("interactions", {**INTERACTION, "topics": ["t" * 65]}, ("topics", "0"), "between 1 and 64"),
    ("interactions", {**INTERACTION, "topics": ["ok", ""]}, ("topics", "1"), "between 1 and 64"),
    ("interactions", {**INTERACTION, "topics": [1]}, ("topics", "0"), "Not a valid string."),
    ("interactions", {**INTERACTION, "id": LONG}, ("id",), "between 1 and 256"),
    ("interactions", {**INTERACTION, "post_id": ""}, ("post_id",), "between 1 and 256"),
    ("interactions", {**INTERACTION, "postId": "p"}, ("postId",), "Unknown field."),
    ("posts", {"id": "p", "at": T0}, ("author",), "Missing data for required field."),
    ("posts", {**POST, "at": NAIVE}, ("at",), "Not a valid aware datetime."),
    ("posts", {**POST, "topics": {"a": 1}}, ("topics",), "Not a valid list."),
    ("posts", {**POST, "call_to_action": "maybe"}, ("call_to_action",), "valid boolean"),
    ("posts", {**POST, "id": LONG}, ("id",), "between 1 and 256"),
    ("adoptions", {"account": "a", "at": T0}, ("item",), "Missing data for required field."),
    ("adoptions", {**ADOPTION, "at": NAIVE}, ("at",), "Not a valid aware datetime."),
    ("adoptions", {**ADOPTION, "item": LONG}, ("item",), "between 1 and 256"),
    ("adoptions", {**ADOPTION, "at": None}, ("at",), "Field may not be null."),
]


def seed(client: FlaskClient) -> None:
    """Some data for rejected requests to (not) touch."""
    ok(client, "accounts", [{"id": "seed-a", "name": "A"}, {"id": "seed-b", "name": "B"}])
    ok(client, "follows", [{"follower": "seed-a", "followee": "seed-b", "since": T0}])


@pytest.mark.parametrize(
    ("entity", "bad_row", "location", "fragment"),
    INVALID,
    ids=[f"{e}-{'.'.join(loc)}-{i}" for i, (e, _, loc, _) in enumerate(INVALID)],
)
def test_invalid_row_is_422_at_its_index_and_writes_nothing(
    client: FlaskClient,
    clean_db: Database,
    entity: str,
    bad_row: Any,
    location: tuple[str, ...],
    fragment: str,
) -> None:
    seed(client)
    before = snapshot(clean_db)
    assert totals(clean_db) == (3, 1)
    resp = post(client, entity, [VALID_ROW[entity], bad_row])
    body = assert_error_shape(resp, 422, "Unprocessable Entity")
    assert body["message"] == "validation failed: see errors"
    assert list(body["errors"]) == ["json"]
    assert list(body["errors"]["json"]) == [entity]
    row_errors = body["errors"]["json"][entity]
    assert list(row_errors) == ["1"]  # the valid row 0 is not mentioned
    node: Any = row_errors["1"]
    for key in location:
        assert list(node) == [key], node
        node = node[key]
    assert isinstance(node, list) and any(fragment in m for m in node), node
    assert snapshot(clean_db) == before
    assert totals(clean_db) == (3, 1)


def test_every_invalid_row_is_reported_by_index(client: FlaskClient, clean_db: Database) -> None:
    rows = [
        {"follower": "a", "followee": "a"},
        {"follower": "a", "followee": "b"},
        {"follower": "a", "followee": "c", "since": NAIVE},
    ]
    body = assert_error_shape(post(client, "follows", rows), 422, "Unprocessable Entity")
    errors = body["errors"]["json"]["follows"]
    assert set(errors) == {"0", "2"}
    assert list(errors["0"]) == ["followee"] and list(errors["2"]) == ["since"]
    assert totals(clean_db) == (0, 0)


@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("EMPTY", {"@": ["Shorter than minimum length 1."]}),
        ("MISSING", {"@": ["Missing data for required field."]}),
        ("NOT_LIST", {"@": ["Not a valid list."]}),
        ("EXTRA", {"extra": ["Unknown field."]}),
        ("ARRAY", {"_schema": ["Invalid input type."]}),
    ],
)
def test_invalid_batch_body_is_422(
    client: FlaskClient, clean_db: Database, entity: str, body: str, expected: dict[str, Any]
) -> None:
    payload: Any = {
        "EMPTY": {entity: []},
        "MISSING": {},
        "NOT_LIST": {entity: VALID_ROW[entity]},
        "EXTRA": {entity: [VALID_ROW[entity]], "extra": 1},
        "ARRAY": [VALID_ROW[entity]],
    }[body]
    resp = client.post(f"/v1/{entity}", json=payload, headers=auth("write"))
    result = assert_error_shape(resp, 422, "Unprocessable Entity")
    assert result["errors"] == {"json": {k.replace("@", entity): v for k, v in expected.items()}}
    assert totals(clean_db) == (0, 0)


@pytest.mark.parametrize("entity", ENTITIES)
def test_malformed_json_is_400(client: FlaskClient, clean_db: Database, entity: str) -> None:
    resp = client.post(
        f"/v1/{entity}",
        data='{"' + entity + '": [{"id": "a",',
        headers=auth("write"),
        content_type="application/json",
    )
    body = assert_error_shape(resp, 400, "Bad Request")
    assert body["message"] == "malformed JSON body"
    assert "errors" not in body
    assert totals(clean_db) == (0, 0)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None]
)
def test_non_json_content_type_is_415(
    client: FlaskClient, clean_db: Database, content_type: str | None
) -> None:
    seed(client)
    before = snapshot(clean_db)
    resp = client.post(
        "/v1/accounts",
        data='{"accounts": [{"id": "x"}]}',
        headers=auth("write"),
        content_type=content_type,
    )
    body = assert_error_shape(resp, 415, "Unsupported Media Type")
    assert "application/json" in body["message"]
    assert snapshot(clean_db) == before


def test_json_content_type_with_charset_is_accepted(
    client: FlaskClient, clean_db: Database
) -> None:
    resp = client.post(
        "/v1/accounts",
        data='{"accounts": [{"id": "x"}]}',
        headers=auth("write"),
        content_type="application/json; charset=utf-8",
    )
    assert resp.status_code == 200 and resp.get_json() == counts(1, created=1)


def test_get_on_an_ingest_endpoint_is_405_in_the_error_shape(
    client: FlaskClient, clean_db: Database
) -> None:
    assert_error_shape(client.get("/v1/accounts", headers=auth("write")), 405, "Method Not Allowed")


# ------------------------------------------------------------------------------ auth


@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, 401),
        ({"Authorization": "Bearer not-a-key"}, 401),
        ({"Authorization": "Bearer "}, 401),
        ({"X-API-Key": "not-a-key"}, 401),
        ({"Authorization": f"Bearer {DEV_KEYS['read']}"}, 403),
        ({"X-API-Key": DEV_KEYS["read"]}, 403),
    ],
    ids=["no-key", "wrong-bearer", "empty-bearer", "wrong-x-api-key", "read-bearer", "read-x"],
)
def test_ingest_needs_a_write_key(
    client: FlaskClient, clean_db: Database, entity: str, headers: dict[str, str], code: int
) -> None:
    seed(client)
    before = snapshot(clean_db)
    resp = post(client, entity, [VALID_ROW[entity]], headers=headers)
    body = assert_error_shape(resp, code, {401: "Unauthorized", 403: "Forbidden"}[code])
    if code == 403:
        assert "'write'" in body["message"]
    assert snapshot(clean_db) == before


def test_key_is_checked_before_the_body(client: FlaskClient, clean_db: Database) -> None:
    too_many = [{"id": f"a{i}"} for i in range(10_001)]
    assert post(client, "accounts", too_many, headers={}).status_code == 401
    assert post(client, "accounts", [{"id": ""}], headers=auth("read")).status_code == 403
    resp = client.post(
        "/v1/accounts", data="{", content_type="application/json", headers=auth("read")
    )
    assert resp.status_code == 403
    assert totals(clean_db) == (0, 0)


@pytest.mark.parametrize(
    "headers",
    [
        auth("write"),
        auth("admin"),
        {"X-API-Key": DEV_KEYS["write"]},
        {"X-API-Key": DEV_KEYS["admin"]},
        {"Authorization": f"bearer {DEV_KEYS['write']}"},
    ],
    ids=["write-bearer", "admin-bearer", "write-x-api-key", "admin-x-api-key", "lowercase"],
)
def test_write_and_admin_keys_may_ingest(
    client: FlaskClient, clean_db: Database, headers: dict[str, str]
) -> None:
    resp = post(client, "accounts", [{"id": "alice"}], headers=headers)
    assert resp.status_code == 200
    assert resp.get_json() == counts(1, created=1)
    assert account(clean_db, "alice") == {"id": "alice", "placeholder": False}


# ----------------------------------------------------------------------- idempotency

PAYLOADS: dict[str, list[dict[str, Any]]] = {
    "accounts": [
        {"id": "alice", "handle": "@alice", "name": "Alice", "followers_count": 3},
        {"id": "bob", "name": "Bob"},
    ],
    "follows": [
        {"follower": "alice", "followee": "bob", "since": "2024-01-01T00:00:00+05:30"},
        {"follower": "bob", "followee": "alice"},
    ],
    "interactions": [
        {"actor": "alice", "target": "bob", "kind": "reply", "at": T0, "topics": ["x", "y"]},
        {"id": "e1", "actor": "bob", "target": "carol", "kind": "share", "at": T0},
        {"actor": "alice", "target": "bob", "kind": "mention", "at": T0, "post_id": "p1"},
    ],
    "posts": [
        {"id": "p1", "author": "alice", "at": T0, "topics": ["x", "y"], "call_to_action": True},
        {"id": "p2", "author": "bob", "at": T0},
    ],
    "adoptions": [
        {"account": "alice", "item": "widget", "at": T0},
        {"account": "bob", "item": "widget", "at": "2024-01-01T00:00:00-08:00"},
    ],
}
PLACEHOLDERS = {"accounts": 0, "follows": 2, "interactions": 3, "posts": 2, "adoptions": 2}


@pytest.mark.parametrize("entity", ENTITIES)
def test_repeating_a_batch_changes_nothing(
    client: FlaskClient, clean_db: Database, entity: str
) -> None:
    rows = PAYLOADS[entity]
    n = len(rows)
    first = ok(client, entity, rows)
    assert first == counts(n, created=n, placeholders=PLACEHOLDERS[entity])
    after_first = snapshot(clean_db)
    totals_first = totals(clean_db)
    assert ok(client, entity, rows) == counts(n, unchanged=n)
    assert snapshot(clean_db) == after_first  # same properties, DataVersion not bumped
    assert totals(clean_db) == totals_first


def test_repeated_rows_within_one_batch_are_written_once(
    client: FlaskClient, clean_db: Database
) -> None:
    rows = [{"follower": "a", "followee": "b", "since": T0}] * 3
    assert ok(client, "follows", rows) == counts(3, created=1, unchanged=2, placeholders=2)
    assert rel_count(clean_db, "FOLLOWS") == 1
    interaction = {"actor": "a", "target": "b", "kind": "like", "at": T0}
    assert ok(client, "interactions", [interaction, interaction]) == counts(
        2, created=1, unchanged=1
    )
    assert rel_count(clean_db, "INTERACTED") == 1


def test_interactions_with_an_id_dedupe_on_it(client: FlaskClient, clean_db: Database) -> None:
    first = {"id": "evt-1", "actor": "a", "target": "b", "kind": "like", "at": T0}
    assert ok(client, "interactions", [first])["created"] == 1
    original = rels(clean_db, "INTERACTED")
    # the same id with different content is the same (immutable) event
    changed = {**first, "kind": "share", "at": "2025-01-01T00:00:00Z", "topics": ["t"]}
    assert ok(client, "interactions", [changed]) == counts(1, unchanged=1)
    assert rels(clean_db, "INTERACTED") == original
    # within one batch the first occurrence stands
    batch = [
        {"id": "evt-2", "actor": "a", "target": "b", "kind": "comment", "at": T0},
        {"id": "evt-2", "actor": "b", "target": "a", "kind": "reply", "at": T0},
    ]
    assert ok(client, "interactions", batch) == counts(2, created=1, unchanged=1)
    stored = {p["key"]: (a, b, p["kind"]) for a, b, p in rels(clean_db, "INTERACTED")}
    assert stored == {"id:evt-1": ("a", "b", "like"), "id:evt-2": ("a", "b", "comment")}
    # without an id the same natural key is a different event from the id'd one
    assert (
        ok(client, "interactions", [{k: v for k, v in first.items() if k != "id"}])["created"] == 1
    )
    assert rel_count(clean_db, "INTERACTED") == 3


def test_same_instant_in_other_timezones_is_the_same_interaction(
    client: FlaskClient, clean_db: Database
) -> None:
    base = {"actor": "a", "target": "b", "kind": "like", "topics": ["t"]}
    assert ok(client, "interactions", [{**base, "at": "2024-03-01T12:00:00+02:00"}])["created"] == 1
    same = ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00.000+00:00", "2024-03-01T05:00:00-05:00")
    for at in same:
        assert ok(client, "interactions", [{**base, "at": at}]) == counts(1, unchanged=1), at
    assert rel_count(clean_db, "INTERACTED") == 1
    ((_, _, props),) = rels(clean_db, "INTERACTED")
    assert native(props["at"]) == utc(2024, 3, 1, 10)
    # a different instant, kind or post is a different event
    others = [
        {**base, "at": "2024-03-01T10:00:01Z"},
        {**base, "at": T0, "kind": "share"},
        {**base, "at": T0, "post_id": "p1"},
        {**base, "at": T0, "actor": "b", "target": "a"},
    ]
    assert ok(client, "interactions", others) == counts(4, created=4)
    assert rel_count(clean_db, "INTERACTED") == 5


def test_adoption_keeps_the_earliest_time(client: FlaskClient, clean_db: Database) -> None:
    row = {"account": "a", "item": "widget"}

    def stored_at() -> datetime:
        ((_, _, props),) = rels(clean_db, "ADOPTED")
        return native(props["at"])

    assert ok(client, "adoptions", [{**row, "at": "2024-02-01T00:00:00Z"}])["created"] == 1
    assert ok(client, "adoptions", [{**row, "at": "2024-03-01T00:00:00Z"}]) == counts(
        1, unchanged=1
    )
    assert stored_at() == utc(2024, 2, 1)
    # same instant, other offset: unchanged
    assert ok(client, "adoptions", [{**row, "at": "2024-02-01T01:00:00+01:00"}]) == counts(
        1, unchanged=1
    )
    assert ok(client, "adoptions", [{**row, "at": "2024-01-15T00:00:00Z"}]) == counts(1, updated=1)
    assert stored_at() == utc(2024, 1, 15)
    # within a batch the earliest wins, whatever the order
    batch = [
        {**row, "at": "2023-06-01T00:00:00Z"},
        {**row, "at": "2023-01-01T00:00:00+01:00"},
        {**row, "at": "2023-03-01T00:00:00Z"},
    ]
    assert ok(client, "adoptions", batch) == counts(3, updated=1, unchanged=2)
    assert stored_at() == utc(2022, 12, 31, 23)
    assert totals(clean_db) == (3, 1)


def test_follow_since_is_updated(client: FlaskClient, clean_db: Database) -> None:
    row = {"follower": "a", "followee": "b"}

    def since() -> Any:
        ((_, _, props),) = rels(clean_db, "FOLLOWS")
        return props.get("since")

    assert ok(client, "follows", [row])["created"] == 1
    assert since() is None
    assert ok(client, "follows", [{**row, "since": "2024-01-01T00:00:00Z"}]) == counts(1, updated=1)
    assert native(since()) == utc(2024, 1, 1)
    assert ok(client, "follows", [{**row, "since": "2024-01-01T01:00:00+01:00"}]) == counts(
        1, unchanged=1
    )
    assert ok(client, "follows", [{**row, "since": "2023-05-05T00:00:00Z"}]) == counts(1, updated=1)
    assert native(since()) == utc(2023, 5, 5)
    # no since: the stored one is kept
    assert ok(client, "follows", [row]) == counts(1, unchanged=1)
    assert ok(client, "follows", [{**row, "since": None}]) == counts(1, unchanged=1)
    assert native(since()) == utc(2023, 5, 5)
    assert totals(clean_db) == (3, 1)


def test_post_update_replaces_topics_and_author(client: FlaskClient, clean_db: Database) -> None:
    original = {
        "id": "p1",
        "author": "alice",
        "at": T0,
        "topics": ["cats", "dogs"],
        "call_to_action": True,
    }
    assert ok(client, "posts", [original]) == counts(1, created=1, placeholders=1)
    changed = {
        "id": "p1",
        "author": "bob",
        "at": "2024-04-01T00:00:00Z",
        "topics": ["dogs", "fish"],
    }
    assert ok(client, "posts", [changed]) == counts(1, updated=1, placeholders=1)
    assert [(a, b) for a, b, _ in rels(clean_db, "POSTED")] == [("bob", "p1")]
    assert [(a, b) for a, b, _ in rels(clean_db, "TAGGED")] == [("p1", "dogs"), ("p1", "fish")]
    with clean_db.session() as session:
        props = session.run("MATCH (p:Post {id: 'p1'}) RETURN properties(p) AS p").single(
            strict=True
        )["p"]
    assert props["topics"] == ["dogs", "fish"] and props["callToAction"] is False
    assert native(props["at"]) == utc(2024, 4, 1)
    assert label_count(clean_db, "Post") == 1
    # repeating the update is a no-op; only the topic list order changing is an update
    assert ok(client, "posts", [changed]) == counts(1, unchanged=1)
    assert ok(client, "posts", [{**changed, "topics": ["fish", "dogs"]}]) == counts(1, updated=1)
    assert [(a, b) for a, b, _ in rels(clean_db, "TAGGED")] == [("p1", "dogs"), ("p1", "fish")]
    # back to the original author; topics may be emptied
    assert ok(client, "posts", [{**original, "topics": []}]) == counts(1, updated=1)
    assert [(a, b) for a, b, _ in rels(clean_db, "POSTED")] == [("alice", "p1")]
    assert rels(clean_db, "TAGGED") == []
    assert rel_count(clean_db, "POSTED") == 1


# ------------------------------------------------------------------------- injection

NASTY = [
    "o'brien",
    'say "hi"',
    "a,b,c",
    "`backtick`",
    "{brace}",
    "}) MATCH (n) DETACH DELETE n //",
    "MATCH (n) DETACH DELETE n",
    "'; MATCH (n) DETACH DELETE n; //",
    "$param",
    "${rows}",
    "\\u0027 back\\slash",
    "\u00dcn\u00efc\u00f6d\u00e9 \u00df \u6f22\u5b57 \u0639\u0631\u0628\u064a",
    "emoji \U0001f600\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "zero\u200bwidth",
    "  spaced  ",
]


def test_hostile_strings_are_stored_verbatim_and_harm_nothing(
    client: FlaskClient, clean_db: Database
) -> None:
    ok(client, "follows", [{"follower": "sentinel-a", "followee": "sentinel-b"}])
    n = len(NASTY)
    accounts = [{"id": s, "handle": s, "name": s} for s in NASTY]
    assert ok(client, "accounts", accounts) == counts(n, created=n)
    follows = [{"follower": s, "followee": NASTY[(i + 1) % n]} for i, s in enumerate(NASTY)]
    assert ok(client, "follows", follows) == counts(n, created=n)
    interactions = [
        {
            "id": s,
            "actor": s,
            "target": NASTY[(i + 1) % n],
            "kind": "mention",
            "at": T0,
            "post_id": s,
            "topics": [s],
        }
        for i, s in enumerate(NASTY)
    ]
    assert ok(client, "interactions", interactions) == counts(n, created=n)
    posts = [{"id": s, "author": s, "at": T0, "topics": [s, "plain"]} for s in NASTY]
    assert ok(client, "posts", posts) == counts(n, created=n)
    adoptions = [{"account": s, "item": s, "at": T0} for s in NASTY]
    assert ok(client, "adoptions", adoptions) == counts(n, created=n)

    for s in NASTY:
        assert account(clean_db, s) == {"id": s, "handle": s, "name": s, "placeholder": False}
    with clean_db.session() as session:
        ids = session.run("MATCH (a:Account) RETURN collect(a.id) AS v").single(strict=True)["v"]
        posts_back = session.run(
            "MATCH (a:Account)-[:POSTED]->(p:Post) RETURN a.id AS a, p.id AS p, p.topics AS t"
        ).data()
        topics = session.run("MATCH (t:Topic) RETURN collect(t.name) AS v").single(strict=True)["v"]
        items = session.run("MATCH (i:Item) RETURN collect(i.name) AS v").single(strict=True)["v"]
    assert sorted(ids) == sorted([*NASTY, "sentinel-a", "sentinel-b"])
    assert sorted((r["a"], r["p"], tuple(r["t"])) for r in posts_back) == sorted(
        (s, s, (s, "plain")) for s in NASTY
    )
    assert sorted(topics) == sorted([*NASTY, "plain"])
    assert sorted(items) == sorted(NASTY)
    stored_follows = {(a, b) for a, b, _ in rels(clean_db, "FOLLOWS")}
    assert stored_follows == {(f["follower"], f["followee"]) for f in follows} | {
        ("sentinel-a", "sentinel-b")
    }
    stored_interactions = {
        (a, b, p["key"], p["postId"], tuple(p["topics"]))
        for a, b, p in rels(clean_db, "INTERACTED")
    }
    assert stored_interactions == {
        (r["actor"], r["target"], "id:" + r["id"], r["post_id"], (r["id"],)) for r in interactions
    }
    assert {(a, b) for a, b, _ in rels(clean_db, "ADOPTED")} == {(s, s) for s in NASTY}
    # nodes: accounts + 2 sentinels, posts, topics (+ "plain"), items, DataVersion
    assert totals(clean_db) == (n + 2 + n + n + 1 + n + 1, 1 + n + n + n + 2 * n + n)
    # and the whole thing is idempotent
    before = snapshot(clean_db)
    for entity, rows in [
        ("accounts", accounts),
        ("follows", follows),
        ("interactions", interactions),
        ("posts", posts),
        ("adoptions", adoptions),
    ]:
        assert ok(client, entity, rows) == counts(n, unchanged=n)
    assert snapshot(clean_db) == before


# ------------------------------------------------------------------- database outage


def test_unreachable_database_is_503_then_the_retry_succeeds_once(
    client: FlaskClient, clean_db: Database
) -> None:
    env = dict(
        suite_env(),
        NEO4J_URI=f"bolt://127.0.0.1:{closed_port()}",
        NEO4J_PASSWORD="x",
        CM_NEO4J_CONNECT_TIMEOUT="1",
        CM_NEO4J_RETRY_SECONDS="1",
    )
    down = create_app(env)
    rows = [
        {"follower": "alice", "followee": "bob", "since": T0},
        {"follower": "bob", "followee": "carol"},
    ]
    try:
        resp = post(down.test_client(), "follows", rows)
        body = assert_error_shape(resp, 503, "Service Unavailable")
        assert set(body) == {"code", "status", "message"}
        assert "unavailable" in body["message"]
        assert int(resp.headers["Retry-After"]) > 0
    finally:
        down.extensions["cm_db"].close()
    assert totals(clean_db) == (0, 0)

    assert ok(client, "follows", rows) == counts(2, created=2, placeholders=3)
    after = snapshot(clean_db)
    assert ok(client, "follows", rows) == counts(2, unchanged=2)
    assert snapshot(clean_db) == after
    assert totals(clean_db) == (4, 2)


# ------------------------- edge cases that once reached the driver (500): now 422


def test_followers_count_beyond_int64_is_422(client: FlaskClient, clean_db: Database) -> None:
    resp = post(client, "accounts", [{"id": "a", "followers_count": 2**63}])
    assert resp.status_code == 422
    assert totals(clean_db) == (0, 0)


@pytest.mark.parametrize(
    ("entity", "row"),
    [
        ("follows", {"follower": "a", "followee": "b", "since": "0001-01-01T00:00:00+01:00"}),
        ("adoptions", {"account": "a", "item": "i", "at": "9999-12-31T23:59:59-01:00"}),
    ],
)
def test_timestamps_that_overflow_in_utc_are_422(
    client: FlaskClient, clean_db: Database, entity: str, row: dict[str, Any]
) -> None:
    assert post(client, entity, [row]).status_code == 422
    assert totals(clean_db) == (0, 0)


def test_lone_surrogate_in_an_id_is_422(client: FlaskClient, clean_db: Database) -> None:
    resp = client.post(
        "/v1/accounts",
        data='{"accounts": [{"id": "a\\ud800"}]}',
        headers=auth("write"),
        content_type="application/json",
    )
    assert resp.status_code == 422
    assert totals(clean_db) == (0, 0)


def test_partial_profiles_in_one_batch_merge_field_by_field(
    client: FlaskClient, clean_db: Database
) -> None:
    resp = post(client, "accounts", [{"id": "x", "handle": "h"}, {"id": "x", "name": "n"}])
    assert resp.status_code == 200
    with clean_db.session() as session:
        row = session.run("MATCH (a:Account {id: 'x'}) RETURN a.handle AS h, a.name AS n").single()
    assert row is not None and (row["h"], row["n"]) == ("h", "n")
