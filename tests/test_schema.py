"""Schema setup: constraints and indexes exist, and applying twice is harmless."""

from __future__ import annotations

from service.db import Database


def test_schema_applies_twice(database: Database) -> None:
    first = database.apply_schema()
    second = database.apply_schema()
    assert first == second and "schema/constraints" in first
    with database.session() as session:
        names = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
    assert {"account_id", "post_id", "interaction_key", "refresh_run_id"} <= names
