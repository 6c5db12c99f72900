"""The plain row checks (service/rowcheck.py) agree with the marshmallow row schemas.

Pure logic, no database: every row of a corpus of good and hostile values goes through both;
whenever the plain check answers, the schema must accept the row and load exactly the same
data (values of the same types). Rows the plain check leaves alone are the schema's to decide,
so accept/reject decisions and error messages cannot differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import marshmallow as ma
import pytest

from service.bulk import find_files, read_rows
from service.rowcheck import NotCompiled, PlainRows, compile_schema, plain_check
from service.schemas import ROW_SCHEMAS, batch_schema

DATA = Path(__file__).parent / "data"
T0 = "2024-03-01T10:00:00+00:00"

BASE: dict[str, dict[str, Any]] = {
    "accounts": {"id": "a1", "handle": "ann", "name": "Ann", "followers_count": 3},
    "follows": {"follower": "a1", "followee": "a2", "since": T0},
    "interactions": {"id": "e1", "actor": "a1", "target": "a2", "kind": "like", "at": T0,
                     "post_id": "p1", "topics": ["tea", "coffee"]},
    "posts": {"id": "p1", "author": "a1", "at": T0, "topics": ["tea"], "call_to_action": True},
    "adoptions": {"account": "a1", "item": "i1", "at": T0},
}

TEXTS = ["", " ", "x", "x" * 64, "x" * 65, "x" * 256, "x" * 257, "x" * 512, "x" * 513,
         "a\tb", "a\nb", "a\rb", "\x00", "nul\x00", "\x1f", "\x7f", "\x85", "\x9f", "\u200b",
         "\u202e", "\u2028", "\ud800", "\ue000", "\U000e0001", "é", "Дмитрий", "🌿", "tea",
         "like", "share", "poke", "LIKE", " like", "a1", "a2", "<script>", "'; DROP", "\\"]
TIMES = [T0, "2024-03-01T10:00:00Z", "2024-03-01T10:00:00.5+09:00", "2024-03-01T10:00:00",
         "2024-03-01", "2024-03-01 10:00:00+00:00", "20240301T100000Z", "2024-02-30T00:00:00Z",
         "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "soon", "2024-03-01T25:00Z",
         "2024-03-01T10:00:00+24:00", "\x00"]
OTHERS: list[Any] = [None, 0, 1, -1, 7, 10**12, 10**12 + 1, 2**63, 1.5, 7.0, True, False,
                     "true", "false", "1", "12", [], ["t"], ["t"] * 32, ["t"] * 33, ["t", "t"],
                     ["ok", ""], ["x" * 65], [1], [None], ("t",), {"a": 1}, {"t"}, b"bytes"]
VALUES: list[Any] = TEXTS + TIMES + OTHERS


def typed(value: Any) -> Any:
    """A value with its type spelled out (True == 1 and 1 == 1.0 in Python)."""
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, dict):
        return ("dict", sorted((k, typed(v)) for k, v in value.items()))
    return (type(value).__name__, repr(value))


def corpus(entity: str) -> list[Any]:
    """The base row with each field missing, unknown, or set to each hostile value."""
    base = BASE[entity]
    rows: list[Any] = [base, {}, [], "row", None, {**base, "extra": 1}]
    for name in base:
        rows.append({k: v for k, v in base.items() if k != name})
        rows.extend({**base, name: value} for value in VALUES)
    a, b = {"accounts": ("id", "id"), "follows": ("follower", "followee"),
            "interactions": ("actor", "target"), "posts": ("id", "author"),
            "adoptions": ("account", "item")}[entity]
    rows.append({**base, b: base[a]})  # self-follow / self-interaction
    return rows


def assert_agree(entity: str, row: Any) -> bool:
    """Plain check and schema agree on ``row``; True when the plain check answered."""
    plain = compile_schema(ROW_SCHEMAS[entity])(row)
    if plain is None:
        return False
    loaded = ROW_SCHEMAS[entity]().load(row)  # must not raise: the plain check accepted it
    assert typed(plain) == typed(loaded), (entity, row)
    return True


@pytest.mark.parametrize("entity", list(ROW_SCHEMAS))
def test_plain_check_agrees_with_the_schema_on_hostile_rows(entity: str) -> None:
    rows = corpus(entity)
    answered = [assert_agree(entity, row) for row in rows]
    assert answered[0], "the plain base row must be checked plainly"
    assert 0 < sum(answered) < len(rows)  # some rows taken plainly, some left to the schema


def test_text_the_schema_may_refuse_is_left_to_it() -> None:
    check = compile_schema(ROW_SCHEMAS["accounts"])
    for text in ("a\tb", "a\nb", "\x00", "\x7f", "\x85", "\u200b", "\u202e", "\ud800", "\ue000"):
        assert check({"id": "a1", "name": text}) is None, repr(text)
    assert check({"id": "a1", "name": "Inês Conceição 🌿"}) == {
        "id": "a1", "name": "Inês Conceição 🌿"}


@pytest.mark.parametrize("entity", list(ROW_SCHEMAS))
def test_sample_files_agree_and_are_mostly_plain(entity: str) -> None:
    plain = 0
    for folder in (DATA / "good", DATA / "jsonl", DATA / "bad"):
        for _, row, _ in read_rows(find_files(folder)[entity]):
            if row is not None:
                plain += assert_agree(entity, row)
    assert plain > 0


def test_every_row_schema_compiles() -> None:
    for entity, schema in ROW_SCHEMAS.items():
        compile_schema(schema)  # a new field class or hook would silently slow ingest down
        assert plain_check(schema)(BASE[entity]) is not None


def test_unknown_field_classes_are_not_compiled() -> None:
    class Odd(ma.Schema):
        class Meta:
            unknown = ma.RAISE

        value = ma.fields.Float()

    with pytest.raises(NotCompiled):
        compile_schema(Odd)
    assert plain_check(Odd)({"value": 1.0}) is None


def reference_batch(entity: str) -> ma.Schema:
    """The request body schema with marshmallow's own List of Nested rows."""
    schema = batch_schema(entity)()
    schema.fields[entity] = ma.fields.List(ma.fields.Nested(ROW_SCHEMAS[entity]), required=True,
                                           validate=ma.validate.Length(min=1))
    schema.load_fields[entity] = schema.fields[entity]
    schema.fields[entity]._bind_to_schema(entity, schema)
    return schema


def outcome(schema: ma.Schema, body: Any) -> Any:
    try:
        return ("ok", typed(schema.load(body)))
    except ma.ValidationError as exc:
        return ("error", exc.messages)


@pytest.mark.parametrize("entity", list(ROW_SCHEMAS))
def test_request_bodies_load_and_fail_as_with_plain_marshmallow(entity: str) -> None:
    fast = batch_schema(entity)()
    assert isinstance(fast.fields[entity], PlainRows)
    reference = reference_batch(entity)
    rows = corpus(entity)
    bodies: list[Any] = [{entity: rows}, {entity: [BASE[entity]] * 3}, {entity: []}, {},
                         {entity: BASE[entity]}, {entity: "x"}, {entity: None}, [BASE[entity]],
                         {entity: [BASE[entity]], "extra": 1}]
    bodies += [{entity: rows[i:i + 2]} for i in range(40)]
    for body in bodies:
        assert outcome(fast, body) == outcome(reference, body), body
