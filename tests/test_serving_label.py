"""The serving run's communities carry :Serving, moved in the switch transaction only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from service.db import Database
from service.refresh import write
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh

from .test_refresh import T0, load_mutual, load_two_cliques, refresh_ok, rows, serving


def serving_labelled(database: Database) -> dict[str, list[str]]:
    """Run id -> ids of the communities labelled :Serving."""
    found: dict[str, list[str]] = {}
    for row in rows(database, "MATCH (c:Serving) RETURN c.runId AS run, c.id AS id, "
                              "labels(c) AS labels ORDER BY id"):
        assert row["labels"] == ["Community", "Serving"] or set(row["labels"]) == {
            "Community", "Serving"}
        found.setdefault(row["run"], []).append(row["id"])
    return found


def community_ids(database: Database, run_id: str) -> list[str]:
    return [r["id"] for r in rows(database, "MATCH (c:Community {runId: $run}) "
                                            "RETURN c.id AS id ORDER BY id", run=run_id)]


def test_serving_label_follows_the_switch_and_survives_failure_and_pruning(
    clean_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_two_cliques(clean_db)
    first = refresh_ok(clean_db)
    assert serving_labelled(clean_db) == {first.run_id: community_ids(clean_db, first.run_id)}

    load_mutual(clean_db, [("a0", "b1")], start=T0 + timedelta(days=1))
    second = refresh_ok(clean_db, RefreshParams(retention=1))  # prunes the first run
    assert serving(clean_db) == second.run_id
    assert serving_labelled(clean_db) == {second.run_id: community_ids(clean_db, second.run_id)}
    assert community_ids(clean_db, first.run_id) == []

    real = write.write_results

    def write_then_fail(database: Database, run_id: str, built: dict[str, Any]) -> None:
        real(database, run_id, built)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(write, "write_results", write_then_fail)
    failed = run_refresh(clean_db, RefreshParams(resolution=0.9))
    assert failed.status == "failed"
    assert serving_labelled(clean_db) == {second.run_id: community_ids(clean_db, second.run_id)}


def test_the_obvious_browser_query_returns_each_community_once(clean_db: Database) -> None:
    load_two_cliques(clean_db)
    refresh_ok(clean_db)
    load_mutual(clean_db, [("a0", "b1")], start=T0 + timedelta(days=1))
    refresh_ok(clean_db, RefreshParams(resolution=1.1))  # two retained runs now
    found = rows(clean_db, "MATCH (c:Community:Serving)<-[m:MEMBER_OF]-(a) "
                           "WHERE m.leaderRank = 1 RETURN c.id AS community, a.id AS leader")
    assert len(found) == len({r["community"] for r in found}) == 2


def test_leaders_of_the_serving_run_carry_leader(clean_db: Database) -> None:
    load_two_cliques(clean_db)
    refresh_ok(clean_db)
    load_mutual(clean_db, [("a0", "b1"), ("a1", "b2")], start=T0 + timedelta(days=1))
    second = refresh_ok(clean_db, RefreshParams(resolution=1.1))
    labelled = {r["id"] for r in rows(clean_db, "MATCH (a:Leader) RETURN a.id AS id")}
    expected = {r["id"] for r in rows(
        clean_db, "MATCH (a:Account)-[m:MEMBER_OF {runId: $run}]->() "
                  "WHERE m.leaderRank <= 5 RETURN a.id AS id", run=second.run_id)}
    assert labelled == expected and len(expected) == 10  # five per clique
