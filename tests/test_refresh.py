"""The refresh pipeline (``service.refresh``) against the real Neo4j + GDS.

Every test starts from an empty database (``clean_db``) and loads mutual ``like``
interactions (both directions) for a graph whose right answer is known: two cliques joined
by one edge, Zachary's karate club, a stochastic block model with a fixed seed. Refreshes
use the default parameters (concurrency 1, fixed seed), so results are deterministic.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import combinations
from typing import Any

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner, Result
from flask.testing import FlaskClient

from service.cli import main
from service.db import Database
from service.loading import WriteResult, prepare_row, write_batch
from service.refresh import communities as communities_stage
from service.refresh import edges, inputs, leaders, topics, write
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.refresh.runs import (
    RefreshConflict,
    RunResult,
    acquire_lock,
    current_run,
    enqueue_refresh,
)
from service.vocabulary import ALGORITHMS

from .conftest import auth, suite_env

T0 = datetime(2024, 1, 1, tzinfo=UTC)

Edge = tuple[str, str]


# ---------------------------------------------------------------------------- helpers


def load_mutual(database: Database, edges: Iterable[Edge], kind: str = "like",
                topics: list[str] | None = None, start: datetime = T0) -> WriteResult:
    """One interaction each way per edge (event times one second apart from ``start``)."""
    rows = []
    for i, (a, b) in enumerate(edges):
        at = start + timedelta(seconds=i)
        for actor, target in ((a, b), (b, a)):
            row: dict[str, Any] = {"actor": actor, "target": target, "kind": kind, "at": at}
            if topics:
                row["topics"] = topics
            rows.append(prepare_row("interactions", row))
    return write_batch(database, "interactions", rows)


def clique(names: list[str]) -> list[Edge]:
    return list(combinations(names, 2))


CLIQUE_A = [f"a{i}" for i in range(5)]
CLIQUE_B = [f"b{i}" for i in range(5)]
BRIDGE = ("a4", "b0")


def load_two_cliques(database: Database) -> None:
    """Two 5-cliques (topics alpha / beta) joined by the single edge a4-b0."""
    load_mutual(database, clique(CLIQUE_A), topics=["alpha"])
    load_mutual(database, clique(CLIQUE_B), topics=["beta"])
    load_mutual(database, [BRIDGE])


def rows(database: Database, text: str, **params: Any) -> list[dict[str, Any]]:
    with database.session() as session:
        return session.run(text, params).data()


def memberships(database: Database, run_id: str) -> dict[str, set[str]]:
    """Community id → member account ids, for one run."""
    out: dict[str, set[str]] = {}
    found = rows(database, "MATCH (a:Account)-[:MEMBER_OF {runId: $r}]->(c:Community {runId: $r}) "
                           "RETURN a.id AS account, c.id AS community", r=run_id)
    for row in found:
        out.setdefault(row["community"], set()).add(row["account"])
    return out


def member_props(database: Database, run_id: str) -> dict[str, dict[str, Any]]:
    """Account id → its MEMBER_OF properties (and community id) in one run."""
    found = rows(database, "MATCH (a:Account)-[m:MEMBER_OF {runId: $r}]->(c:Community) "
                           "RETURN a.id AS account, c.id AS community, properties(m) AS props",
                 r=run_id)
    return {r["account"]: {**r["props"], "community": r["community"]} for r in found}


def communities(database: Database, run_id: str) -> dict[str, dict[str, Any]]:
    found = rows(database, "MATCH (c:Community {runId: $r}) RETURN properties(c) AS c", r=run_id)
    return {r["c"]["id"]: r["c"] for r in found}


def run_record(database: Database, run_id: str) -> dict[str, Any]:
    found = rows(database, "MATCH (r:RefreshRun {id: $r}) RETURN properties(r) AS r", r=run_id)
    return found[0]["r"]


def serving(database: Database) -> str | None:
    run_id: str | None = current_run(database)["runId"]
    return run_id


def gds_graphs(database: Database) -> list[str]:
    return [r["g"] for r in rows(database, "CALL gds.graph.list() YIELD graphName AS g RETURN g")]


def lock_holder(database: Database) -> str | None:
    found = rows(database, "MATCH (l:RefreshLock {id: 'refresh'}) RETURN l.runId AS holder")
    return found[0]["holder"] if found else None


def results_of(database: Database, run_id: str) -> dict[str, int]:
    """How many communities, maps and memberships a run has in the database, and how many
    result nodes of any kind (every node carrying its runId but the serving pointer)."""
    return rows(database, """
        CALL () { MATCH (c:Community {runId: $r}) RETURN count(c) AS communities }
        CALL () { MATCH (m:MapLevel {runId: $r}) RETURN count(m) AS maps }
        CALL () { MATCH ()-[m:MEMBER_OF {runId: $r}]->() RETURN count(m) AS members }
        CALL () { MATCH (n) WHERE n.runId = $r AND NOT n:CurrentRun RETURN count(n) AS nodes }
        RETURN communities, maps, members, nodes""", r=run_id)[0]


NOTHING = {"communities": 0, "maps": 0, "members": 0, "nodes": 0}


def refresh_ok(database: Database, params: RefreshParams | None = None,
               **kwargs: Any) -> RunResult:
    result = run_refresh(database, params or RefreshParams(), **kwargs)
    assert result.status == "succeeded", result.error
    return result


def cli(*args: str) -> Result:
    """Run the CLI; an unexpected exception (not a SystemExit) fails the test."""
    result = CliRunner(env=suite_env()).invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"CLI crashed: {result.output}") from result.exception
    return result


def nmi(truth: list[int], found: list[int]) -> float:
    """Normalized mutual information (arithmetic mean of the entropies, as scikit-learn)."""
    n = len(truth)
    joint = Counter(zip(truth, found, strict=True))
    pa, pb = Counter(truth), Counter(found)
    mi = sum(c / n * np.log(c * n / (pa[a] * pb[b])) for (a, b), c in joint.items())
    ha = -sum(c / n * np.log(c / n) for c in pa.values())
    hb = -sum(c / n * np.log(c / n) for c in pb.values())
    return float(mi / ((ha + hb) / 2)) if ha + hb > 0 else 1.0


# ---------------------------------------------------------------------------- known answers


def test_two_cliques_joined_by_one_edge_give_two_communities(clean_db: Database) -> None:
    load_two_cliques(clean_db)
    result = refresh_ok(clean_db)

    m = result.metrics
    assert (m["communities"], m["unclustered"], m["accounts_analysed"]) == (2, 0, 10)
    assert m["changes"]["births"] == ["c1", "c2"] and m["changes"]["kept"] == 0
    found = memberships(clean_db, result.run_id)
    assert sorted(found.values(), key=sorted) == [set(CLIQUE_A), set(CLIQUE_B)]
    assert set(found) == {"c1", "c2"}
    g = nx.Graph(clique(CLIQUE_A) + clique(CLIQUE_B) + [BRIDGE])
    assert m["modularity"] == pytest.approx(
        nx.community.modularity(g, [set(CLIQUE_A), set(CLIQUE_B)]), abs=1e-5)

    # community nodes: tightness, topics, leaders, brokers
    by_id = communities(clean_db, result.run_id)
    for cid, community in by_id.items():
        own, topic, bridge_end = ((CLIQUE_A, "alpha", "a4") if "a0" in found[cid]
                                  else (CLIQUE_B, "beta", "b0"))
        assert community["key"] == f"{result.run_id}:{cid}"
        assert community["size"] == 5 and community["density"] == 1.0
        # cut 2 (the bridge, both ways); volume 2 * 20 + 2 = 42 of 84
        assert community["conductance"] == pytest.approx(2 / 42, abs=1e-5)
        assert community["topTopics"][0] == topic
        leaders = json.loads(community["leaders"])
        assert {p["id"] for p in leaders} == set(own)
        scores = [p["score"] for p in leaders]
        assert scores == sorted(scores, reverse=True)
        assert set(leaders[0]["components"]) == {"influence", "community_share", "reach"}
        assert [b["id"] for b in json.loads(community["brokers"])] == [bridge_end]

    members = member_props(clean_db, result.run_id)
    assert len(members) == 10
    for own in (CLIQUE_A, CLIQUE_B):
        assert sorted(members[a]["leaderRank"] for a in own) == [1, 2, 3, 4, 5]
    assert members["a4"]["participation"] > 0 and members["b0"]["participation"] > 0
    assert members["a0"]["participation"] == 0 and members["b3"]["participation"] == 0

    # the run is recorded, serving, its projection dropped and the lock released
    record = run_record(clean_db, result.run_id)
    assert record["status"] == "succeeded"
    assert json.loads(record["metrics"]) == result.metrics
    assert set(json.loads(record["timings"])) >= {"project", "communities", "write"}
    assert serving(clean_db) == result.run_id
    assert results_of(clean_db, result.run_id)["maps"] >= 1
    assert gds_graphs(clean_db) == []
    assert lock_holder(clean_db) is None


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_finds_the_two_cliques(clean_db: Database, algorithm: str) -> None:
    load_two_cliques(clean_db)
    result = refresh_ok(clean_db, RefreshParams(algorithm=algorithm))
    assert result.metrics["algorithm"] == algorithm
    found = memberships(clean_db, result.run_id)
    if algorithm == "label_propagation":
        # label propagation may flood across the bridge, but never splits a clique
        assert all(group in ({*CLIQUE_A}, {*CLIQUE_B}, {*CLIQUE_A, *CLIQUE_B})
                   for group in found.values())
        assert sum(len(group) for group in found.values()) == 10
    else:
        assert sorted(found.values(), key=sorted) == [set(CLIQUE_A), set(CLIQUE_B)]


def test_window_days_leaves_out_older_engagement(clean_db: Database) -> None:
    recent = datetime.now(UTC) - timedelta(hours=1)
    load_mutual(clean_db, clique(CLIQUE_A), start=recent)
    load_mutual(clean_db, clique(CLIQUE_B), start=recent)
    load_mutual(clean_db, [BRIDGE], start=recent)
    old = [f"o{i}" for i in range(6)]
    load_mutual(clean_db, clique(old), start=datetime.now(UTC) - timedelta(days=30))

    result = refresh_ok(clean_db, RefreshParams(window_days=7))
    assert result.metrics["accounts_analysed"] == 10
    found = memberships(clean_db, result.run_id)
    assert sorted(found.values(), key=sorted) == [set(CLIQUE_A), set(CLIQUE_B)]
    everything = refresh_ok(clean_db)
    assert everything.metrics["communities"] == 3


def test_karate_club_communities_follow_the_factions(clean_db: Database) -> None:
    karate = nx.karate_club_graph()
    load_mutual(clean_db, [(f"k{a}", f"k{b}") for a, b in karate.edges()])
    result = refresh_ok(clean_db, RefreshParams(min_community_size=2))

    faction = {f"k{i}": karate.nodes[i]["club"] for i in karate.nodes}
    assert set(faction.values()) == {"Mr. Hi", "Officer"}
    found = memberships(clean_db, result.run_id)
    assert result.metrics["unclustered"] == 0
    assert sum(len(m) for m in found.values()) == 34
    misplaced = 0
    for group in found.values():
        counts = Counter(faction[a] for a in group)
        misplaced += len(group) - counts.most_common(1)[0][1]
    assert misplaced <= 2

    members = member_props(clean_db, result.run_id)
    assert members["k0"]["leaderRank"] == 1 and members["k33"]["leaderRank"] == 1
    assert members["k0"]["community"] != members["k33"]["community"]
    top_two = sorted(members, key=lambda a: -members[a]["leaderScore"])[:2]
    assert set(top_two) == {"k0", "k33"}


def test_stochastic_block_model_is_recovered(clean_db: Database) -> None:
    sizes = [40, 50, 60, 70]
    probs = [[0.3 if i == j else 0.01 for j in range(4)] for i in range(4)]
    sbm = nx.stochastic_block_model(sizes, probs, seed=7)
    load_mutual(clean_db, [(f"n{a}", f"n{b}") for a, b in sbm.edges()])
    result = refresh_ok(clean_db)

    label = {a: i for i, group in enumerate(memberships(clean_db, result.run_id).values())
             for a in group}
    nodes = sorted(sbm.nodes)
    truth = [sbm.nodes[v]["block"] for v in nodes]
    # an unclustered node is a group of its own
    found = [label.get(f"n{v}", -1 - v) for v in nodes]
    try:
        from sklearn.metrics import normalized_mutual_info_score
    except ImportError:  # scikit-learn is a bench extra
        score = nmi(truth, found)
    else:
        score = float(normalized_mutual_info_score(truth, found))
        assert nmi(truth, found) == pytest.approx(score)
    assert score >= 0.9, (score, result.metrics)


# ---------------------------------------------------------------------------- failures


def fail_in_projection(monkeypatch: pytest.MonkeyPatch, seen: dict[str, Any]) -> None:
    """GDS rejects the algorithm's configuration (a stage inside the projection)."""
    real = communities_stage.algorithm_config
    monkeypatch.setattr(communities_stage, "algorithm_config",
                        lambda params: {**real(params), "noSuchOption": 1})


def fail_after_writing(monkeypatch: pytest.MonkeyPatch, seen: dict[str, Any]) -> None:
    """The results are written, then the stage fails (before the switch)."""
    real = write.write_results

    def write_then_fail(database: Database, run_id: str, built: dict[str, Any]) -> None:
        real(database, run_id, built)
        seen["written"] = results_of(database, run_id)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(write, "write_results", write_then_fail)


def fail_building(monkeypatch: pytest.MonkeyPatch, seen: dict[str, Any]) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(leaders, "build_results", boom)


@pytest.mark.parametrize("sabotage", [fail_in_projection, fail_building, fail_after_writing])
def test_failed_run_leaves_the_previous_run_serving(
    clean_db: Database, monkeypatch: pytest.MonkeyPatch, sabotage: Any
) -> None:
    load_two_cliques(clean_db)
    first = refresh_ok(clean_db)
    load_mutual(clean_db, [("a0", "b1")], start=T0 + timedelta(days=1))

    seen: dict[str, Any] = {}
    sabotage(monkeypatch, seen)
    failed = run_refresh(clean_db, RefreshParams())

    assert failed.status == "failed"
    assert failed.error
    if sabotage is not fail_in_projection:
        assert failed.error == "RuntimeError: disk on fire"
    if sabotage is fail_after_writing:  # there was something to clean up
        assert seen["written"]["communities"] == 2 and seen["written"]["members"] == 10
    record = run_record(clean_db, failed.run_id)
    assert record["status"] == "failed" and record["error"] == failed.error
    assert record.get("finishedAt") is not None
    assert serving(clean_db) == first.run_id
    assert results_of(clean_db, failed.run_id) == NOTHING
    assert results_of(clean_db, first.run_id)["communities"] == 2
    assert gds_graphs(clean_db) == []
    assert lock_holder(clean_db) is None

    monkeypatch.undo()
    again = refresh_ok(clean_db)
    assert serving(clean_db) == again.run_id


def test_failed_run_exits_1_from_the_cli(clean_db: Database,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    load_two_cliques(clean_db)
    fail_building(monkeypatch, {})
    result = cli("refresh")
    assert result.exit_code == 1, result.output
    assert "failed: RuntimeError: disk on fire" in result.output
    assert serving(clean_db) is None
    assert gds_graphs(clean_db) == [] and lock_holder(clean_db) is None


def test_refresh_of_an_empty_graph_fails_cleanly(clean_db: Database) -> None:
    result = run_refresh(clean_db, RefreshParams())
    assert result.status == "failed"
    assert result.error is not None and "no engagement" in result.error
    assert serving(clean_db) is None
    assert gds_graphs(clean_db) == [] and lock_holder(clean_db) is None


def test_graph_of_only_tiny_groups_gives_no_communities(clean_db: Database) -> None:
    # two triangles: both below the default min_community_size of 5
    load_mutual(clean_db, clique(["t0", "t1", "t2"]) + clique(["u0", "u1", "u2"]))
    result = run_refresh(clean_db, RefreshParams())
    assert result.status == "succeeded", result.error
    assert result.metrics["communities"] == 0 and result.metrics["unclustered"] == 6
    assert serving(clean_db) == result.run_id


def test_best_of_n_leiden_keeps_the_highest_modularity_and_repeats(clean_db: Database) -> None:
    karate = nx.karate_club_graph()
    load_mutual(clean_db, [(f"k{a}", f"k{b}") for a, b in karate.edges()])
    one = refresh_ok(clean_db, RefreshParams(min_community_size=2, leiden_trials=1))
    many = refresh_ok(clean_db, RefreshParams(min_community_size=2, leiden_trials=8))
    again = refresh_ok(clean_db, RefreshParams(min_community_size=2, leiden_trials=8))
    assert one.metrics["trials"]["count"] == 1
    trials = many.metrics["trials"]
    assert trials["count"] == 8 and len(trials["modularities"]) == 8
    assert trials["modularities"][trials["chosen"]] == max(trials["modularities"])
    assert trials["random_seed"] == 42 + trials["chosen"]
    assert trials["modularities"][0] == one.metrics["trials"]["modularities"][0]  # seed 42
    assert many.metrics["modularity"] >= one.metrics["modularity"]
    # the same seeds give the same partition (and the ids carry over unchanged)
    assert memberships(clean_db, again.run_id) == memberships(clean_db, many.run_id)
    # the default scales with the graph: a small graph gets the most trials
    default = refresh_ok(clean_db, RefreshParams(min_community_size=2))
    assert default.metrics["trials"]["count"] == communities_stage.MAX_TRIALS == 50


def test_bad_refresh_option_exits_2() -> None:
    result = cli("refresh", "--min-size", "1")
    assert result.exit_code == 2
    assert "min_community_size" in result.output
    result = cli("refresh", "--seed-topics", "51")
    assert result.exit_code == 2
    assert "seed_topics" in result.output


def test_cli_and_api_reject_a_bad_refresh_parameter_with_the_same_message(
    client: FlaskClient,
) -> None:
    result = cli("refresh", "--follow-weight", "-5")
    assert result.exit_code == 2
    resp = client.post("/v1/refresh", json={"follow_weight": -5}, headers=auth("admin"))
    assert resp.status_code == 422
    message = resp.get_json()["message"]
    assert message.startswith("validation failed: follow_weight: ")
    assert f"error: {message}" in result.output


def test_no_influence_runs_communities_only_and_topic_seeds_follow_seed_topics(
    clean_db: Database
) -> None:
    load_two_cliques(clean_db)
    lean = refresh_ok(clean_db, RefreshParams(influence=False))
    assert "influence" not in lean.timings and "seeds" not in lean.timings
    assert lean.metrics["communities"] == 2
    counts = rows(clean_db, "MATCH (s:SeedSet {runId: $r}) RETURN count(s) AS n", r=lean.run_id)
    assert counts[0]["n"] == 0

    # the CLI switch reaches the run's parameters
    result = cli("refresh", "--no-influence", "--seed-topics", "1")
    assert result.exit_code == 0, result.output
    params = rows(clean_db, "MATCH (r:RefreshRun {id: $id}) RETURN r.params AS p",
                  id=serving(clean_db))[0]["p"]
    assert '"influence": false' in params and '"seed_topics": 1' in params

    full = refresh_ok(clean_db, RefreshParams(seed_topics=1))
    assert full.metrics["seeds"]["topics"] == ["alpha"]  # equal engagement: by name
    none = refresh_ok(clean_db, RefreshParams(seed_topics=0))
    assert none.metrics["seeds"]["topics"] == []


# ---------------------------------------------------------------------------- the lock


def test_refresh_while_another_holds_the_lock_conflicts(clean_db: Database) -> None:
    load_two_cliques(clean_db)
    acquire_lock(clean_db, "someone")

    with pytest.raises(RefreshConflict) as conflict:
        run_refresh(clean_db, RefreshParams())
    assert conflict.value.holder == "someone"
    with pytest.raises(RefreshConflict):
        enqueue_refresh(clean_db, RefreshParams())
    result = cli("refresh")
    assert result.exit_code == 5, result.output
    assert "someone" in result.output

    assert rows(clean_db, "MATCH (r:RefreshRun) RETURN r.id AS id") == []
    assert lock_holder(clean_db) == "someone"  # the losers did not release it
    assert serving(clean_db) is None


def test_two_refreshes_started_together_one_runs(clean_db: Database,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    load_two_cliques(clean_db)
    inside, go_on = threading.Event(), threading.Event()
    real = leaders.build_results

    def held_up(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        go_on.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(leaders, "build_results", held_up)
    done: list[RunResult] = []

    def first_refresh() -> None:
        try:
            done.append(run_refresh(clean_db, RefreshParams()))
        finally:
            inside.set()  # never leave the main thread waiting

    worker = threading.Thread(target=first_refresh)
    worker.start()
    try:
        assert inside.wait(60) and not done, f"the first refresh ended early: {done}"
        with pytest.raises(RefreshConflict) as conflict:
            run_refresh(clean_db, RefreshParams())
        assert cli("refresh").exit_code == 5
    finally:
        go_on.set()
        worker.join(120)
    assert len(done) == 1 and done[0].status == "succeeded", done
    assert conflict.value.holder == done[0].run_id
    assert serving(clean_db) == done[0].run_id
    assert [r["status"] for r in rows(clean_db, "MATCH (r:RefreshRun) RETURN r.status AS status")
            ] == ["succeeded"]
    assert lock_holder(clean_db) is None


def test_expired_lock_is_taken_over(clean_db: Database) -> None:
    load_two_cliques(clean_db)
    acquire_lock(clean_db, "crashed")
    rows(clean_db, "MATCH (l:RefreshLock {id: 'refresh'}) "
                   "SET l.expiresAt = datetime() - duration({seconds: 1})")
    result = refresh_ok(clean_db)
    assert serving(clean_db) == result.run_id
    assert lock_holder(clean_db) is None


def test_queued_run_is_picked_up_by_its_worker(clean_db: Database) -> None:
    load_two_cliques(clean_db)
    run_id = enqueue_refresh(clean_db, RefreshParams())
    assert run_record(clean_db, run_id)["status"] == "queued"
    with pytest.raises(RefreshConflict):  # the queued run holds the lock
        run_refresh(clean_db, RefreshParams())
    result = refresh_ok(clean_db, run_id=run_id)
    assert result.run_id == run_id
    assert run_record(clean_db, run_id)["status"] == "succeeded"
    assert serving(clean_db) == run_id
    assert lock_holder(clean_db) is None


# ---------------------------------------------------------------------------- across runs


def sparse_group(prefix: str, size: int = 8) -> list[Edge]:
    """A clique of ``size`` accounts minus the pairs (0,1), (2,3), ..."""
    names = [f"{prefix}{i}" for i in range(size)]
    missing = {(names[i], names[i + 1]) for i in range(0, size - 1, 2)}
    return [e for e in clique(names) if e not in missing]


def test_community_ids_are_stable_when_a_community_grows(clean_db: Database) -> None:
    for prefix in "xyz":
        load_mutual(clean_db, sparse_group(prefix))
    load_mutual(clean_db, [("x7", "y7"), ("y6", "z6"), ("z7", "x6")])
    first = refresh_ok(clean_db)
    before = memberships(clean_db, first.run_id)
    assert first.metrics["communities"] == 3
    assert sorted(map(sorted, before.values())) == [
        [f"{p}{i}" for i in range(8)] for p in "xyz"]

    # denser inside x, and a newcomer joins x
    load_mutual(clean_db, [("x0", "x1"), ("x2", "x3")] + [("x8", f"x{i}") for i in range(4)],
                start=T0 + timedelta(days=1))
    second = refresh_ok(clean_db)
    after = memberships(clean_db, second.run_id)

    assert set(after) == set(before)
    for cid, group in before.items():
        grown = group | {"x8"} if "x0" in group else group
        assert after[cid] == grown
    assert second.metrics["changes"] == {"births": [], "deaths": [], "merges": [], "splits": [],
                                         "kept": 3}
    assert second.metrics["changes"]["kept"] == second.metrics["communities"]


def test_if_changed_skips_until_data_changes(clean_db: Database) -> None:
    load_two_cliques(clean_db)
    first = refresh_ok(clean_db, if_changed=True)  # nothing served yet: it runs

    skipped = run_refresh(clean_db, RefreshParams(), if_changed=True)
    assert skipped.status == "skipped"
    assert first.run_id in skipped.metrics["reason"]
    assert run_record(clean_db, skipped.run_id)["status"] == "skipped"
    assert serving(clean_db) == first.run_id

    result = cli("refresh", "--if-changed")
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output
    load_two_cliques(clean_db)  # the same events again change nothing
    assert "skipped" in cli("refresh", "--if-changed").output
    assert serving(clean_db) == first.run_id

    # other parameters are a reason to run, even on the same data
    finer = run_refresh(clean_db, RefreshParams(resolution=0.5), if_changed=True)
    assert finer.status == "succeeded"

    load_mutual(clean_db, [("a1", "a2")], kind="comment", start=T0 + timedelta(days=2))
    result = cli("refresh", "--if-changed")
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.output and "skipped" not in result.output
    assert serving(clean_db) not in {first.run_id, finer.run_id}


def test_retention_prunes_older_runs(clean_db: Database) -> None:
    load_two_cliques(clean_db)
    params = RefreshParams(retention=1)
    first = refresh_ok(clean_db, params)
    assert run_record(clean_db, first.run_id).get("prunedAt") is None
    load_mutual(clean_db, [("a0", "b1")], start=T0 + timedelta(days=1))
    second = refresh_ok(clean_db, params)

    assert results_of(clean_db, first.run_id) == NOTHING
    old = run_record(clean_db, first.run_id)
    assert old["prunedAt"] is not None and old["status"] == "succeeded"
    kept = results_of(clean_db, second.run_id)
    assert kept["communities"] == 2 and kept["members"] == 10 and kept["maps"] >= 1
    assert run_record(clean_db, second.run_id).get("prunedAt") is None
    assert serving(clean_db) == second.run_id


def test_audience_counted_from_the_pair_list_matches_its_own_read(clean_db: Database) -> None:
    """Followers, engaged followers and passive followers per account, counted from the
    pair list, are exactly what influence/audience reads."""
    load_two_cliques(clean_db)
    follows = [("a1", "a0"), ("b1", "a0"), ("x0", "a0"), ("x1", "a0"), ("a0", "b3"),
               ("a2", "a3"), ("x0", "b0")]  # x0, x1 never interact: passive
    write_batch(clean_db, "follows", [prepare_row("follows", {"follower": f, "followee": t})
                                      for f, t in follows])
    graph = edges.read_graph(clean_db, RefreshParams(), None)
    counted = sorted(edges.audience(graph), key=lambda r: r["id"])
    read = sorted(clean_db.fetch("influence/audience", since=None), key=lambda r: r["id"])
    assert counted == read
    assert [r for r in counted if r["id"] == "a0"] == [
        {"id": "a0", "followers": 4, "engaged": 1, "passive": 2}]


def test_topic_counts_read_with_the_pair_list_match_their_own_reads(clean_db: Database) -> None:
    """The topics read with the pair list give exactly the counts and pairs of the separate
    topic reads; with a kind weighted 0 the refresh falls back to those reads, so the
    zero-weight interactions' topics still count."""
    load_two_cliques(clean_db)
    load_mutual(clean_db, [("a0", "b1"), ("a1", "a2")], kind="reply", topics=["alpha", "gamma"])
    load_mutual(clean_db, [("b2", "b3")], kind="share", topics=["beta"])
    posts = inputs.per_account(clean_db, "influence/post_topics", since=None)()
    params = RefreshParams()
    graph = edges.read_graph(clean_db, params, None)
    assert graph.tagged is not None
    tagged = topics.from_tagged(posts, graph.tagged, graph.accounts, True)
    engagement = inputs.per_account(clean_db, "influence/topic_engagement", since=None,
                                    kindWeights=params.kind_weights)()
    separate = topics.topic_counts(posts, engagement)
    assert (tagged.received, tagged.made, tagged.engagement) == (
        separate.received, separate.made, separate.engagement)
    assert {t: sorted(p) for t, p in tagged.pairs.items()} == {
        t: sorted(p) for t, p in separate.pairs.items()}
    assert tagged.received["a0"] == {"alpha": 5, "gamma": 1} and tagged.engagement["gamma"] == 4
    no_shares = RefreshParams(kind_weights={**params.kind_weights, "share": 0.0})
    assert edges.read_graph(clean_db, no_shares, None).tagged is None
    for fallback_params in (no_shares, replace(no_shares, influence=False)):
        reads = inputs.start_inputs(clean_db, fallback_params, None)
        try:
            fallback = inputs.topic_counts(reads, reads.take("graph"), fallback_params)
        finally:
            reads.close()
        assert fallback.received == tagged.received and fallback.made == tagged.made
        assert fallback.pairs.keys() == tagged.pairs.keys()
