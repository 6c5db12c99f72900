"""The unmodified graphdatascience client against the provisioned server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from graphdatascience import GraphDataScience

from service.db import Database
from service.settings import Settings


@pytest.fixture
def two_cliques(clean_db: Database) -> Database:
    """Two 5-cliques (0-4, 5-9) joined by the single edge 4-5."""
    with clean_db.session() as session:
        session.run("UNWIND range(0, 9) AS i CREATE (:Node {i: i})").consume()
        session.run(
            "MATCH (a:Node), (b:Node) WHERE a.i < b.i AND ((a.i < 5) = (b.i < 5) "
            "OR (a.i = 4 AND b.i = 5)) CREATE (a)-[:LINK]->(b)"
        ).consume()
    return clean_db


@pytest.fixture
def gds(neo4j_server: Settings, database: Database) -> Iterator[GraphDataScience]:
    client = GraphDataScience(database.driver, database=neo4j_server.neo4j_database,
                              show_progress=False)
    yield client


def clusters(df, id_map: dict[int, int]) -> set[frozenset[int]]:  # type: ignore[no-untyped-def]
    groups: dict[int, set[int]] = {}
    for node_id, community in zip(df["nodeId"], df["communityId"], strict=True):
        groups.setdefault(int(community), set()).add(id_map[int(node_id)])
    return {frozenset(g) for g in groups.values()}


def test_client_reports_gds_2_13(gds: GraphDataScience) -> None:
    assert str(gds.server_version()).startswith("2.13.")


def test_leiden_louvain_find_the_two_cliques_and_pagerank_the_bridge(
    gds: GraphDataScience, two_cliques: Database
) -> None:
    ids = gds.run_cypher("MATCH (n:Node) RETURN id(n) AS nid, n.i AS i")
    id_map = {int(r.nid): int(r.i) for r in ids.itertuples()}
    expected = {frozenset(range(5)), frozenset(range(5, 10))}
    graph, _ = gds.graph.project.native("cliques", "Node", {"LINK": {"orientation": "UNDIRECTED"}})
    try:
        assert clusters(gds.leiden.stream(graph, random_seed=7, concurrency=1), id_map) == expected
        assert clusters(gds.louvain.stream(graph, concurrency=1), id_map) == expected
        ranks = gds.page_rank.stream(graph).sort_values("score", ascending=False)
        top_two = {id_map[int(n)] for n in ranks["nodeId"].head(2)}
        assert top_two == {4, 5}
    finally:
        graph.drop()
    assert gds.run_cypher("CALL gds.graph.list() YIELD graphName RETURN count(*) AS n")["n"][0] == 0
