"""GEXF, GraphML and CSV exports: parse with networkx, match the API, stream, gzip."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from flask.testing import FlaskClient

from service.db import Database

from .conftest import auth, error, get
from .map_fixtures import load_small_map


@pytest.fixture(scope="module")
def runs(database: Database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return load_small_map(database, Path(tmp_path_factory.mktemp("small-map")))


def api_communities(client: FlaskClient) -> dict[str, str]:
    """Account id -> community id, as the read API reports it (every member, every page)."""
    found: dict[str, str] = {}
    for c in get(client, "/v1/communities?limit=500")["communities"]:
        offset = 0
        while offset < c["size"]:
            page = get(client, f"/v1/communities/{c['id']}?members_limit=1000"
                               f"&members_offset={offset}")
            found.update({m["id"]: c["id"] for m in page["members"]})
            offset += 1000
    return found


def download(client: FlaskClient, url: str, **headers: str) -> bytes:
    resp = client.get(url, headers={**auth("read"), **headers})
    assert resp.status_code == 200, resp.get_data()[:500]
    assert resp.is_streamed
    return resp.get_data()


def test_gexf_carries_every_account_with_its_api_community(
    client: FlaskClient, runs: dict[str, Any]
) -> None:
    graph = nx.read_gexf(io.BytesIO(download(client, "/v1/export/graph.gexf")), version="1.3")
    expected = api_communities(client)
    assert {n: d["community"] for n, d in graph.nodes(data=True)} == expected
    node = next(iter(graph.nodes(data=True)))[1]
    assert set(node["viz"]) >= {"color", "size", "position"}
    assert set(node) >= {"handle", "community_label", "leader_score", "leader_rank",
                         "influencer_score", "is_leader", "is_broker"}
    leaders = [d for _, d in graph.nodes(data=True) if d["is_leader"]]
    assert leaders and all(d["leader_rank"] <= 5 for d in leaders)
    assert any(d["is_broker"] for _, d in graph.nodes(data=True))
    assert graph.number_of_edges() > 0
    assert all(w > 0 for _, _, w in graph.edges(data="weight"))
    # one colour per community, the same for all its members
    colours = {(d["community"], tuple(d["viz"]["color"][k] for k in "rgb"))
               for _, d in graph.nodes(data=True)}
    assert len(colours) == len(set(expected.values()))


def test_graphml_carries_the_same_content_with_r_g_b_keys(
    client: FlaskClient, runs: dict[str, Any]
) -> None:
    graph = nx.read_graphml(io.BytesIO(download(client, "/v1/export/graph.graphml")))
    assert {n: d["community"] for n, d in graph.nodes(data=True)} == api_communities(client)
    gexf = nx.read_gexf(io.BytesIO(download(client, "/v1/export/graph.gexf")), version="1.3")
    assert graph.number_of_edges() == gexf.number_of_edges()
    node = next(iter(graph.nodes(data=True)))[1]
    assert {"r", "g", "b", "x", "y", "size", "label"} <= set(node)
    assert all(0 <= node[k] <= 255 and isinstance(node[k], int) for k in "rgb")


def test_memberships_csv_has_one_row_per_membership(
    client: FlaskClient, runs: dict[str, Any], database: Database
) -> None:
    text = download(client, "/v1/export/memberships.csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    count = database.fetch("export/members", runId=runs["second"], after="", limit=10**6)
    assert len(rows) == len(count) == len(api_communities(client))
    assert list(rows[0]) == ["account", "handle", "community", "community_label",
                             "leader_rank", "leader_score", "influencer_score"]
    assert [r["account"] for r in rows] == sorted(r["account"] for r in rows)


def test_gzip_when_accepted_same_bytes_when_unpacked(
    client: FlaskClient, runs: dict[str, Any]
) -> None:
    plain = download(client, "/v1/export/memberships.csv")
    resp = client.get("/v1/export/memberships.csv",
                      headers={**auth("read"), "Accept-Encoding": "gzip, deflate"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert resp.headers["Vary"] == "Accept-Encoding"
    packed = resp.get_data()
    assert len(packed) < len(plain) and gzip.decompress(packed) == plain


def test_one_community_exports_its_members_and_the_engagement_inside(
    client: FlaskClient, runs: dict[str, Any]
) -> None:
    expected = api_communities(client)
    community = get(client, "/v1/communities?limit=1")["communities"][0]["id"]
    graph = nx.read_gexf(io.BytesIO(download(
        client, f"/v1/export/graph.gexf?community={community}")), version="1.3")
    assert set(graph) == {a for a, c in expected.items() if c == community}
    assert graph.number_of_edges() > 0
    text = download(client, f"/v1/export/memberships.csv?community={community}").decode()
    assert len(text.strip().splitlines()) - 1 == graph.number_of_nodes()


def test_community_graph_matches_the_map(client: FlaskClient, runs: dict[str, Any]) -> None:
    the_map = get(client, "/v1/map")
    for fmt, read in (("gexf", lambda b: nx.read_gexf(io.BytesIO(b), version="1.3")),
                      ("graphml", lambda b: nx.read_graphml(io.BytesIO(b)))):
        graph = read(download(client, f"/v1/export/graph.{fmt}?communities_only=true"))
        assert set(graph) == {c["id"] for c in the_map["communities"]}
        assert graph.number_of_edges() == len(the_map["links"])
        sizes = {n: d["size"] for n, d in graph.nodes(data=True)}
        assert sizes == {c["id"]: c["size"] for c in the_map["communities"]}


def test_community_graph_around_one_community(client: FlaskClient,
                                              runs: dict[str, Any]) -> None:
    the_map = get(client, "/v1/map")
    centre = the_map["communities"][0]["id"]
    linked = {centre} | {x["source"] for x in the_map["links"] if centre in (x["source"],
                                                                              x["target"])} \
        | {x["target"] for x in the_map["links"] if centre in (x["source"], x["target"])}
    graph = nx.read_gexf(io.BytesIO(download(
        client, f"/v1/export/graph.gexf?communities_only=true&community={centre}")),
        version="1.3")
    assert set(graph) == linked
    assert graph.number_of_edges() == len([x for x in the_map["links"]
                                           if centre in (x["source"], x["target"])])


def test_an_older_kept_run_exports_its_own_memberships(
    client: FlaskClient, runs: dict[str, Any], database: Database
) -> None:
    text = download(client, f"/v1/export/memberships.csv?run={runs['first']}").decode()
    first = database.fetch("export/members", runId=runs["first"], after="", limit=10**6)
    assert len(text.strip().splitlines()) - 1 == len(first)


def test_bad_options_unknown_runs_and_missing_keys_are_refused(
    client: FlaskClient, runs: dict[str, Any]
) -> None:
    error(client, "/v1/export/graph.gexf?communities_only=true&community=nope", 404)
    error(client, "/v1/export/graph.graphml?community=nope", 404)
    error(client, "/v1/export/memberships.csv?run=r-nope", 404)
    error(client, "/v1/export/graph.gexf?communities_only=true&level=19", 404)
    resp = client.get("/v1/export/graph.gexf")
    assert resp.status_code == 401 and resp.get_json()["code"] == 401


def test_openapi_documents_the_exports_as_files(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    for path, mimetype in (("/v1/export/graph.gexf", "application/gexf+xml"),
                           ("/v1/export/graph.graphml", "application/graphml+xml"),
                           ("/v1/export/memberships.csv", "text/csv")):
        get_op = paths[path]["get"]
        assert mimetype in get_op["responses"]["200"]["content"]
        assert {p["name"] for p in get_op["parameters"]} >= {"run", "community"}
