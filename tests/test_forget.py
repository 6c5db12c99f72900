"""Forgetting an account: gone from the data and from every retained run's results, the
deletion recorded without naming it, 404 the second time (API and CLI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from service import bulk
from service.cli import main
from service.db import Database
from service.demo import GraphSpec, generate
from service.forget import drop_ids, needles, relabel, rewrite_community, rewrite_seed_set
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh

from .conftest import auth, suite_env, wipe

SPEC = GraphSpec(accounts=200, follows=1500, interactions=2000, posts=120, adoptions=300,
                 communities=3, seed=11)


# ------------------------------------------------------------------------- pure rewrites


def test_drop_ids_handles_ids_and_records() -> None:
    assert drop_ids(["a", "b", "a"], "a") == (["b"], 2)
    assert drop_ids([{"id": "a", "x": 1}, {"id": "b"}], "a") == ([{"id": "b"}], 1)


def test_seed_set_loses_the_account_everywhere() -> None:
    props = {"seeds": json.dumps([{"id": "a", "marginal_spread": 3}, {"id": "b"}]),
             "topFollowers": json.dumps(["b", "a"]), "topPagerank": json.dumps(["c"])}
    new, removed = rewrite_seed_set(props, "a")
    assert removed == 2
    assert json.loads(new["seeds"]) == [{"id": "b"}]
    assert json.loads(new["topFollowers"]) == ["b"] and json.loads(new["topPagerank"]) == ["c"]


def test_needles_find_the_id_in_either_stored_encoding() -> None:
    # refreshes store compact UTF-8 JSON (orjson); older results ASCII-escaped json.dumps
    assert needles("ana") == ['"ana"']
    found = needles("zoë")
    assert '"zoë"' in found and '"zo\\u00eb"' in found
    assert any(n in json.dumps([{"id": "zoë"}]) for n in found)


def test_label_names_the_next_leader() -> None:
    old = {"id": "a", "handle": "@ann"}
    assert relabel("#tea #cups · @ann", old, [{"id": "b", "handle": "@bo"}]) == "#tea #cups · @bo"
    assert relabel("#tea · @ann", old, [{"id": "b", "handle": None}]) == "#tea · b"
    assert relabel("#tea · @ann", old, []) == "#tea"
    props, leaders, brokers = rewrite_community(
        {"id": "c1", "label": "#x · @ann", "leaders": json.dumps([old]),
         "brokers": json.dumps([{"id": "a"}, {"id": "z"}])}, "a")
    assert (leaders, brokers, props["label"]) == (1, 1, "#x")


# ---------------------------------------------------------------------------- the graph


@pytest.fixture(scope="module")
def world(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Database:
    wipe(database)
    files = generate(SPEC, tmp_path_factory.mktemp("forget-graph"))
    bulk.load_all(database, files)
    for seed in (1, 2):  # two retained runs: the account has results in both
        result = run_refresh(database, RefreshParams(random_seed=seed, seed_topics=3))
        assert result.status == "succeeded", result.error
    return database


def one(database: Database, cypher: str, **params: Any) -> Any:
    with database.session() as session:
        return session.run(cypher, params).single(strict=True)[0]


def top_leader(database: Database) -> str:
    """The top leader of the largest community of the serving run: named everywhere."""
    leaders = one(database, "MATCH (p:CurrentRun) MATCH (c:Community {runId: p.runId}) "
                            "RETURN c.leaders ORDER BY c.size DESC LIMIT 1")
    return str(json.loads(leaders)[0]["id"])


def mentions(database: Database, account_id: str, handle: str | None) -> int:
    """Stored results whose JSON or labels still name the account."""
    needle = json.dumps(account_id)
    return int(one(
        database,
        "MATCH (n) WHERE (n:SeedSet AND (n.seeds CONTAINS $needle OR "
        "  n.topFollowers CONTAINS $needle OR n.topPagerank CONTAINS $needle)) "
        "OR (n:Community AND (n.leaders CONTAINS $needle OR n.brokers CONTAINS $needle "
        "  OR ($handle IS NOT NULL AND n.label ENDS WITH ' · ' + $handle))) "
        "OR (n:ItemAdoption AND n.earlyAdopterLeaders CONTAINS $needle) "
        "OR (n:MapLevel AND $handle IS NOT NULL AND n.communities CONTAINS ' · ' + $handle) "
        "OR (n:AccountMetrics AND n.accountId = $id) OR (n:TopicScore AND n.accountId = $id) "
        "RETURN count(n)", needle=needle, handle=handle, id=account_id))


def test_delete_account_removes_every_trace(world: Database, client: FlaskClient) -> None:
    victim = top_leader(world)
    handle = one(world, "MATCH (a:Account {id: $id}) RETURN a.handle", id=victim)
    expected = {
        "follows": one(world, "MATCH (:Account {id: $id})-[r:FOLLOWS]-() RETURN count(r)",
                       id=victim),
        "interactions": one(world, "MATCH (:Account {id: $id})-[r:INTERACTED]-() "
                                   "RETURN count(r)", id=victim),
        "posts": one(world, "MATCH (:Account {id: $id})-[:POSTED]->(p) RETURN count(p)",
                     id=victim),
        "adoptions": one(world, "MATCH (:Account {id: $id})-[r:ADOPTED]->() RETURN count(r)",
                         id=victim),
        "memberships": 2,  # one per retained run
        "account_metrics": 2,
        "topic_scores": one(world, "MATCH (t:TopicScore {accountId: $id}) RETURN count(t)",
                            id=victim),
    }
    assert expected["topic_scores"] >= 2  # a top leader has topics, in both runs
    assert mentions(world, victim, handle) > 0
    version = one(world, "MATCH (v:DataVersion) RETURN v.version")
    seeds_before = client.get("/v1/seeds?k=3", headers=auth("read")).get_json()

    resp = client.delete(f"/v1/accounts/{victim}", headers=auth("admin"))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    removed = body["removed"]
    assert removed["accounts"] == 1
    assert {k: removed[k] for k in expected} == expected
    assert removed["leader_entries"] >= 2  # top leader in both runs
    assert len(body["runs_rewritten"]) == 2 and "refresh" in body["note"]

    assert one(world, "MATCH (a:Account {id: $id}) RETURN count(a)", id=victim) == 0
    assert mentions(world, victim, handle) == 0
    assert one(world, "MATCH (v:DataVersion) RETURN v.version") == version + 1
    record = one(world, "MATCH (d:AccountDeletion {id: $id}) RETURN properties(d)",
                 id=body["deletion_id"])
    assert set(record) == {"id", "at", "by"} and record["by"] == "dev-admin"
    assert victim not in json.dumps(record, default=str)

    # the serving run still answers, without the account
    assert client.get(f"/v1/accounts/{victim}", headers=auth("read")).status_code == 404
    communities = client.get("/v1/communities?limit=50", headers=auth("read")).get_json()
    assert victim not in json.dumps(communities["communities"])
    seeds = client.get("/v1/seeds?k=3", headers=auth("read"))
    assert seeds.status_code == 200 and victim not in json.dumps(seeds.get_json()["seeds"])
    assert seeds_before["run_id"] == seeds.get_json()["run_id"]

    again = client.delete(f"/v1/accounts/{victim}", headers=auth("admin"))
    assert again.status_code == 404 and "already deleted" in again.get_json()["message"]
    assert one(world, "MATCH (d:AccountDeletion) RETURN count(d)") == 1


def test_delete_needs_an_admin_key(world: Database, client: FlaskClient) -> None:
    victim = top_leader(world)
    assert client.delete(f"/v1/accounts/{victim}").status_code == 401
    assert client.delete(f"/v1/accounts/{victim}", headers=auth("write")).status_code == 403
    assert one(world, "MATCH (a:Account {id: $id}) RETURN count(a)", id=victim) == 1


def test_forget_cli_deletes_and_then_exits_6(world: Database) -> None:
    victim = one(world, "MATCH (a:Account) RETURN a.id ORDER BY a.id LIMIT 1")
    runner = CliRunner(env=suite_env())
    result = runner.invoke(main, ["forget", "--id", victim, "--by", "ops-ticket-7"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["removed"]["accounts"] == 1
    assert one(world, "MATCH (d:AccountDeletion {by: 'ops-ticket-7'}) RETURN count(d)") == 1
    again = runner.invoke(main, ["forget", "--id", victim])
    assert again.exit_code == 6 and "already deleted" in again.output


def test_a_refresh_after_deletion_no_longer_counts_it(world: Database, tmp_path: Path) -> None:
    victim = top_leader(world)
    assert CliRunner(env=suite_env()).invoke(main, ["forget", "--id", victim]).exit_code == 0
    result = run_refresh(world, RefreshParams(random_seed=3, seed_topics=3))
    assert result.status == "succeeded", result.error
    sizes = one(world, "MATCH (p:CurrentRun) MATCH (c:Community {runId: p.runId}) "
                       "RETURN sum(c.size)")
    members = one(world, "MATCH (p:CurrentRun) MATCH ()-[m:MEMBER_OF {runId: p.runId}]->() "
                         "RETURN count(m)")
    assert sizes == members
    assert mentions(world, victim, None) == 0
