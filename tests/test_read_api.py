"""Read API against the real Neo4j + GDS: communities, leaders, brokers, map, accounts, auth.

The fixture graph has two communities with different topics, each with one obvious leader:
tea (t0..t9, 10 accounts, t0 receives most engagement) and coffee (c0..c7, 8 accounts, c0
receives most), joined by two cross-community interactions (t9 -> c7 mention, c7 -> t9
like). Two further accounts only engage each other (x1 -> x2, too small for a community)
and ``loner`` has a profile but no engagement at all. One refresh
(``min_community_size=3``) is run for the module; a test that finds another run serving
(another test module wiped the database) rebuilds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.auth import DEV_KEYS
from service.db import Database
from service.loading import prepare_row, write_batch
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.refresh.runs import current_run

from .conftest import auth, error, get, wipe

T0 = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
TEA = [f"t{i}" for i in range(10)]
COFFEE = [f"c{i}" for i in range(8)]
LEADER_COMPONENTS = {"influence", "community_share", "reach"}
SCORE_KEYS = {"leader_score", "influence", "community_share", "reach", "pagerank",
              "participation"}


# ------------------------------------------------------------------------------ fixture graph


def interactions() -> list[dict[str, Any]]:
    """Validated-shape interaction rows of the fixture graph (one minute apart)."""
    raw: list[tuple[str, str, str, list[str]]] = []
    for members, topic in ((TEA, "tea"), (COFFEE, "coffee")):
        leader, rest = members[0], members[1:]
        for i, account in enumerate(rest):
            raw.append((account, leader, "comment", [topic]))
            raw.append((account, leader, "share", [topic]))
            raw.append((account, rest[(i + 1) % len(rest)], "like", [topic]))
        raw.append((leader, rest[0], "reply", [topic]))
    raw.append(("t9", "c7", "mention", []))  # cross-community engagement, no topic
    raw.append(("c7", "t9", "like", []))
    raw.append(("x1", "x2", "like", ["misc"]))  # a pair: below min_community_size
    return [
        {"actor": a, "target": b, "kind": kind, "at": T0 + timedelta(minutes=n), "topics": topics}
        for n, (a, b, kind, topics) in enumerate(raw)
    ]


def load_graph(database: Database) -> None:
    """Write the fixture graph (interactions and profiles) into an emptied database."""
    write_batch(database, "interactions",
                [prepare_row("interactions", row) for row in interactions()])
    profiles = [{"id": a, "handle": f"@{a}"} for a in TEA + COFFEE]
    profiles.append({"id": "loner", "handle": "@loner", "name": "Lonely"})
    write_batch(database, "accounts", [prepare_row("accounts", row) for row in profiles])


@dataclass(frozen=True)
class World:
    """The serving run of the fixture graph and its two communities' ids."""

    run_id: str
    tea: str
    coffee: str


def community_of(database: Database, run_id: str, account: str) -> str:
    with database.session() as session:
        record = session.run(
            "MATCH (:Account {id: $id})-[:MEMBER_OF {runId: $runId}]->(c:Community) "
            "RETURN c.id AS id", id=account, runId=run_id,
        ).single(strict=True)
    return str(record["id"])


_built: dict[str, World] = {}


@pytest.fixture
def world(database: Database) -> World:
    """The fixture graph with one succeeded run serving it (built once per module)."""
    cached = _built.get("world")
    if cached is None or current_run(database)["runId"] != cached.run_id:
        wipe(database)
        load_graph(database)
        result = run_refresh(database, RefreshParams(min_community_size=3))
        assert result.status == "succeeded", result.error
        cached = World(result.run_id, community_of(database, result.run_id, "t0"),
                       community_of(database, result.run_id, "c0"))
        _built["world"] = cached
    return cached




# ------------------------------------------------------------------------------ before a run


@pytest.mark.parametrize(
    "url", ["/v1/communities", "/v1/communities/c1", "/v1/map", "/v1/accounts/t0"]
)
def test_reads_are_503_before_the_first_successful_run(
    client: FlaskClient, clean_db: Database, url: str
) -> None:
    load_graph(clean_db)  # data, but no run yet
    body = error(client, url, 503)
    assert body["status"] == "Service Unavailable"
    assert "refresh" in body["message"]
    assert client.get(url, headers=auth("read")).headers["Retry-After"]


# ------------------------------------------------------------------------------ communities


def test_list_serves_the_current_run_largest_first(client: FlaskClient, world: World) -> None:
    body = get(client, "/v1/communities")
    assert body["run_id"] == world.run_id
    runs = get(client, "/v1/runs")["runs"]
    assert [r["run_id"] for r in runs if r["current"]] == [world.run_id]
    assert body["total"] == 2
    assert [(c["id"], c["size"]) for c in body["communities"]] == [
        (world.tea, 10), (world.coffee, 8)
    ]
    tea, coffee = body["communities"]
    assert tea["top_topics"][0] == "tea" and "coffee" not in tea["top_topics"]
    assert coffee["top_topics"][0] == "coffee" and "tea" not in coffee["top_topics"]
    assert tea["distinctive_topics"] == ["tea"]
    assert "#tea" in tea["label"] and "@t0" in tea["label"]
    for c in body["communities"]:
        assert 0 < c["density"] <= 1
        assert 0 < c["conductance"] < 1  # the cross interactions leave each community
        assert c["modularity"] > 0


def test_leaders_are_best_first_with_components(client: FlaskClient, world: World) -> None:
    communities = get(client, "/v1/communities")["communities"]
    for c, leader, members in zip(communities, ("t0", "c0"), (TEA, COFFEE), strict=True):
        leaders = c["leaders"]
        assert 1 <= len(leaders) <= 5
        assert leaders[0]["id"] == leader and leaders[0]["handle"] == f"@{leader}"
        scores = [x["score"] for x in leaders]
        assert scores == sorted(scores, reverse=True)
        assert leaders[0]["score"] > leaders[1]["score"]
        for x in leaders:
            assert x["id"] in members
            assert set(x["components"]) == LEADER_COMPONENTS
            assert all(0 <= v <= 1 for v in x["components"].values())
        # every other member engages the leader
        assert leaders[0]["components"]["community_share"] == 1.0
        assert leaders[0]["engagers_in_community"] == len(members) - 1


def test_topic_filter(client: FlaskClient, world: World) -> None:
    tea = get(client, "/v1/communities?topic=tea")
    assert tea["total"] == 1 and [c["id"] for c in tea["communities"]] == [world.tea]
    coffee = get(client, "/v1/communities?topic=coffee")
    assert [c["id"] for c in coffee["communities"]] == [world.coffee]
    none = get(client, "/v1/communities?topic=juice")
    assert none["total"] == 0 and none["communities"] == []
    assert none["run_id"] == world.run_id


def test_min_size_filter(client: FlaskClient, world: World) -> None:
    assert get(client, "/v1/communities?min_size=8")["total"] == 2
    body = get(client, "/v1/communities?min_size=9")
    assert body["total"] == 1 and [c["id"] for c in body["communities"]] == [world.tea]
    assert get(client, "/v1/communities?min_size=11")["total"] == 0


def test_pagination(client: FlaskClient, world: World) -> None:
    second = get(client, "/v1/communities?limit=1&offset=1")
    assert second["total"] == 2  # the total ignores the page
    assert [c["id"] for c in second["communities"]] == [world.coffee]
    first = get(client, "/v1/communities?limit=1")
    assert [c["id"] for c in first["communities"]] == [world.tea]
    beyond = get(client, "/v1/communities?offset=5")
    assert beyond["total"] == 2 and beyond["communities"] == []


def test_sort_orders(client: FlaskClient, world: World) -> None:
    def order(sort: str) -> list[str]:
        return [c["id"] for c in get(client, f"/v1/communities?sort={sort}")["communities"]]

    by_density = get(client, "/v1/communities?sort=density")["communities"]
    assert by_density[0]["density"] >= by_density[1]["density"]
    by_conductance = get(client, "/v1/communities?sort=conductance")["communities"]
    assert by_conductance[0]["conductance"] <= by_conductance[1]["conductance"]
    by_modularity = get(client, "/v1/communities?sort=modularity")["communities"]
    assert by_modularity[0]["modularity"] >= by_modularity[1]["modularity"]
    # the smaller community with the same shape is the denser one
    assert order("density") == [world.coffee, world.tea]
    assert order("size") == [world.tea, world.coffee]


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
        ("limit=abc", "limit"),
        ("sort=bogus", "sort"),
        ("min_size=0", "min_size"),
        ("topic=", "topic"),
    ],
)
def test_bad_list_parameters_are_422(
    client: FlaskClient, world: World, query: str, field: str
) -> None:
    body = error(client, f"/v1/communities?{query}", 422)
    assert field in body["errors"]["query"]


# ------------------------------------------------------------------------------ one community


def test_community_detail(client: FlaskClient, world: World) -> None:
    body = get(client, f"/v1/communities/{world.tea}")
    assert body["run_id"] == world.run_id
    assert body["id"] == world.tea and body["size"] == 10 and body["members_total"] == 10
    listed = get(client, "/v1/communities")["communities"][0]
    for key in ("label", "top_topics", "distinctive_topics", "density", "conductance",
                "modularity", "leaders"):
        assert body[key] == listed[key], key
    members = body["members"]
    assert sorted(m["id"] for m in members) == sorted(TEA)
    assert [m["leader_rank"] for m in members] == list(range(1, 11))
    assert members[0] == {"id": "t0", "handle": "@t0", "leader_rank": 1,
                          "leader_score": pytest.approx(body["leaders"][0]["score"], abs=1e-4)}
    # leaders are the top of the member ranking
    assert [m["id"] for m in members[: len(body["leaders"])]] == [x["id"] for x in body["leaders"]]
    scores = [m["leader_score"] for m in members]
    assert scores == sorted(scores, reverse=True)


def test_community_members_are_paginated_in_rank_order(
    client: FlaskClient, world: World
) -> None:
    pages = [
        get(client, f"/v1/communities/{world.tea}?members_limit=4&members_offset={offset}")
        for offset in (0, 4, 8, 12)
    ]
    ranks = [[m["leader_rank"] for m in page["members"]] for page in pages]
    assert ranks == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10], []]
    assert all(page["members_total"] == 10 for page in pages)
    ids = [m["id"] for page in pages for m in page["members"]]
    assert sorted(ids) == sorted(TEA) and ids[0] == "t0"


def test_community_brokers_bridge_to_the_other_community(
    client: FlaskClient, world: World
) -> None:
    for cid, other, broker in ((world.tea, world.coffee, "t9"), (world.coffee, world.tea, "c7")):
        brokers = get(client, f"/v1/communities/{cid}")["brokers"]
        assert [b["id"] for b in brokers] == [broker]  # only it engages outside
        b = brokers[0]
        assert b["handle"] == f"@{broker}"
        assert 0 < b["participation"] < 1
        bridges = {x["community_id"]: x["share"] for x in b["bridges"]}
        assert set(bridges) == {cid, other}
        assert bridges[cid] > bridges[other] > 0


@pytest.mark.parametrize("query, field", [("members_limit=0", "members_limit"),
                                          ("members_limit=1001", "members_limit"),
                                          ("members_offset=-1", "members_offset")])
def test_bad_member_parameters_are_422(
    client: FlaskClient, world: World, query: str, field: str
) -> None:
    body = error(client, f"/v1/communities/{world.tea}?{query}", 422)
    assert field in body["errors"]["query"]


def test_unknown_community_is_404(client: FlaskClient, world: World) -> None:
    body = error(client, "/v1/communities/c999999", 404)
    assert "c999999" in body["message"]


# ------------------------------------------------------------------------------ map


def test_map_level_0(client: FlaskClient, world: World) -> None:
    body = get(client, "/v1/map")
    assert body["run_id"] == world.run_id
    assert body["level"] == 0 and body["levels"] >= 1
    nodes = {c["id"]: c for c in body["communities"]}
    assert set(nodes) == {world.tea, world.coffee}
    assert nodes[world.tea]["size"] == 10 and nodes[world.coffee]["size"] == 8
    assert "#tea" in nodes[world.tea]["label"]
    assert len(body["links"]) == 1
    link = body["links"][0]
    assert {link["source"], link["target"]} == {world.tea, world.coffee}
    # both directions summed: a mention (2.0) and a like (1.0) with the default weights
    assert link["weight"] == pytest.approx(3.0)
    assert get(client, "/v1/map?level=0") == body


def test_map_level_beyond_range_is_404(client: FlaskClient, world: World) -> None:
    levels = get(client, "/v1/map")["levels"]
    body = error(client, f"/v1/map?level={levels}", 404)
    assert f"levels 0..{levels - 1}" in body["message"]
    assert "level" in error(client, "/v1/map?level=21", 422)["errors"]["query"]
    assert "level" in error(client, "/v1/map?level=-1", 422)["errors"]["query"]


# ------------------------------------------------------------------------------ accounts


def test_account_leader(client: FlaskClient, world: World) -> None:
    body = get(client, "/v1/accounts/t0")
    assert body["run_id"] == world.run_id
    assert body["id"] == "t0" and body["handle"] == "@t0" and body["placeholder"] is False
    assert body["community_id"] == world.tea
    assert "#tea" in body["community_label"]
    assert body["leader_rank"] == 1
    scores = body["scores"]
    assert set(scores) == SCORE_KEYS
    assert scores["community_share"] == 1.0 and scores["pagerank"] > 0
    assert scores["participation"] == 0  # engages only its own community
    leader = get(client, "/v1/communities")["communities"][0]["leaders"][0]
    assert scores["leader_score"] == pytest.approx(leader["score"], abs=1e-4)


def test_account_broker_and_ranks(client: FlaskClient, world: World) -> None:
    broker = get(client, "/v1/accounts/c7")
    assert broker["community_id"] == world.coffee
    assert broker["scores"]["participation"] > 0
    assert broker["leader_rank"] > 1
    assert get(client, "/v1/accounts/c0")["leader_rank"] == 1


def test_unknown_account_is_404(client: FlaskClient, world: World) -> None:
    body = error(client, "/v1/accounts/nobody-here", 404)
    assert "nobody-here" in body["message"]


@pytest.mark.parametrize("account, placeholder", [("loner", False), ("x1", True)])
def test_account_outside_every_community(
    client: FlaskClient, world: World, account: str, placeholder: bool
) -> None:
    """A profile without engagement, and a placeholder in a pair too small to count."""
    body = get(client, f"/v1/accounts/{account}")
    assert body["run_id"] == world.run_id and body["id"] == account
    assert body["placeholder"] is placeholder
    assert body["community_id"] is None and body["community_label"] is None
    assert body["leader_rank"] is None and body["scores"] is None
    if account == "loner":
        assert body["handle"] == "@loner" and body["name"] == "Lonely"


# ------------------------------------------------------------------------------ auth

READ_URLS = ["/v1/communities", "/v1/communities/{tea}", "/v1/map", "/v1/accounts/t0"]


@pytest.mark.parametrize("url", READ_URLS)
def test_reads_need_a_key(client: FlaskClient, world: World, url: str) -> None:
    url = url.format(tea=world.tea)
    for headers in ({}, {"Authorization": "Bearer not-a-key"}, {"X-API-Key": "nope"}):
        resp = client.get(url, headers=headers)
        assert resp.status_code == 401
        assert resp.get_json()["code"] == 401


@pytest.mark.parametrize("url", READ_URLS)
@pytest.mark.parametrize("role", ["read", "write", "admin"])
def test_every_role_may_read(client: FlaskClient, world: World, url: str, role: str) -> None:
    body = get(client, url.format(tea=world.tea), role)
    assert body["run_id"] == world.run_id


def test_x_api_key_header_is_accepted(client: FlaskClient, world: World) -> None:
    resp = client.get("/v1/map", headers={"X-API-Key": DEV_KEYS["read"]})
    assert resp.status_code == 200
