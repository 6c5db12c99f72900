"""Exports (role ``read``): GEXF 1.3 and GraphML for Gephi / Cytoscape / NodeXL, memberships CSV.

Responses stream: members are read in account-id batches (keyset paging) and written as
they arrive, so memory stays flat on a large run; gzip when the client accepts it. What
can fail (unknown run or community, bad options) is checked before the first byte.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from flask import Response, request, stream_with_context
from flask_smorest import Blueprint

from .. import drawing, graph_formats
from ..auth import require_role
from ..errors import ApiError
from ..graph_formats import Attr
from ..layout import radius, with_positions
from . import SECURITY, db
from .selection import engagement_window, selected_run

blp = Blueprint("export", __name__, url_prefix="/v1/export",
                description="The map as files: GEXF (Gephi, Gephi Lite), GraphML (Cytoscape, "
                            "NodeXL), memberships CSV")

BATCH = 5_000
SCALE = 10.0  # layout units -> file units (Gephi's defaults expect positions in the 100s)
FILE = {"type": "string", "format": "binary"}  # OpenAPI: a file, not JSON
LEADER_RANKS = 5  # is_leader: the leaders the API lists per community
ACCOUNT_ATTRS = (Attr("handle", "string"), Attr("community", "string"),
                 Attr("community_label", "string"), Attr("leader_rank", "int"),
                 Attr("leader_score", "float"), Attr("influencer_score", "float"),
                 Attr("is_leader", "bool"), Attr("is_broker", "bool"))
COMMUNITY_ATTRS = (Attr("size", "int"), Attr("label", "string"), Attr("top_topics", "string"),
                   Attr("level", "int"))


class MembershipArgsSchema(ma.Schema):
    """Which run and, optionally, one community."""

    run = ma.fields.String(load_default=None, validate=ma.validate.Length(1, 64),
                           metadata={"description": "a kept run (default: the serving run)"})
    community = ma.fields.String(load_default=None, validate=ma.validate.Length(1, 64),
                                 metadata={"description": "only this community's members"})


class GraphArgsSchema(MembershipArgsSchema):
    """Graph export options: accounts (all or one community) or the community graph."""

    communities_only = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "one node per community, links weighted by engagement; with "
                                 "community: that community and those linked to it"})
    level = ma.fields.Integer(
        load_default=0, validate=ma.validate.Range(0, 20),
        metadata={"description": "map level (0 = final partition); accounts belong to level "
                                 "0, so a finer level is always exported as its community "
                                 "graph"})


@dataclass(frozen=True)
class Format:
    """One graph file format, as the pieces a stream is made of."""

    mimetype: str
    extension: str
    head: Callable[[Sequence[Attr], str], str]
    node: Callable[[dict[str, Any], Sequence[Attr]], str]
    between: str
    edge: Callable[[int, dict[str, Any]], str]
    tail: str


GEXF = Format("application/gexf+xml", "gexf",
              lambda attrs, desc: graph_formats.gexf_head(
                  attrs, desc, datetime.now(UTC).date().isoformat()),
              graph_formats.gexf_node, graph_formats.GEXF_BETWEEN, graph_formats.gexf_edge,
              graph_formats.GEXF_TAIL)
GRAPHML = Format("application/graphml+xml", "graphml", graph_formats.graphml_head,
                 graph_formats.graphml_node, graph_formats.GRAPHML_BETWEEN,
                 graph_formats.graphml_edge, graph_formats.GRAPHML_TAIL)


def streamed(chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    """A streamed download, gzip-compressed on the fly when the client accepts gzip."""
    gzip_ok = request.accept_encodings["gzip"] > 0
    body: Iterator[bytes] = gzipped(chunks) if gzip_ok else (c.encode() for c in chunks)
    resp = Response(stream_with_context(body), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Vary"] = "Accept-Encoding"
    if gzip_ok:
        resp.headers["Content-Encoding"] = "gzip"
    return resp


def gzipped(chunks: Iterator[str]) -> Iterator[bytes]:
    """gzip of the text chunks, emitted as compressed blocks fill."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = packer.compress(chunk.encode())
        if out:
            yield out
    yield packer.flush()


def member_batches(run_id: str, community: str | None) -> Iterator[list[dict[str, Any]]]:
    """The run's (or one community's) members, ``BATCH`` at a time in account-id order."""
    after = ""
    while True:
        if community is None:
            rows = db().fetch("export/members", runId=run_id, after=after, limit=BATCH)
        else:
            rows = db().fetch("export/community_members", runId=run_id, community=community,
                              after=after, limit=BATCH)
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


def map_level(run_id: str, level: int) -> dict[str, Any]:
    """A stored map level with positions (laid out now for runs stored before layouts)."""
    row = db().fetch("read/map_level", runId=run_id, level=level)[0]
    if row["map"] is None:
        raise ApiError(404, f"level {level} does not exist; this run has levels "
                            f"0..{max(row['levels'] - 1, 0)}")
    communities = json.loads(row["map"]["communities"])
    links = json.loads(row["map"]["links"])
    if any("x" not in c for c in communities):
        communities = with_positions(communities, links)
    return {"communities": communities, "links": links}


def community_index(run_id: str) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Per community id: rank, size, label, centre (layout); and every broker's id."""
    centres = {c["id"]: (c["x"], c["y"]) for c in map_level(run_id, 0)["communities"]}
    info: dict[str, dict[str, Any]] = {}
    brokers: set[str] = set()
    for c in db().fetch("export/communities", runId=run_id):
        info[c["id"]] = {**c, "centre": centres.get(c["id"], (0.0, 0.0))}
        brokers.update(b["id"] for b in json.loads(c["brokers"] or "[]"))
    return info, brokers


def account_node(row: dict[str, Any], info: dict[str, dict[str, Any]],
                 brokers: set[str]) -> dict[str, Any]:
    """A member as a node to write: attributes, colour, size and position."""
    c = info[row["community"]]
    x, y = drawing.member_position(c["centre"], c["size"], row["leader_rank"])
    rank = row["leader_rank"]
    return {
        "id": row["id"], "label": row["handle"] or row["id"],
        "attrs": {"handle": row["handle"], "community": row["community"],
                  "community_label": c["label"], "leader_rank": rank,
                  "leader_score": row["leader_score"],
                  "influencer_score": row["influencer_score"],
                  "is_leader": rank is not None and rank <= LEADER_RANKS,
                  "is_broker": row["id"] in brokers},
        "color": drawing.colour(c["rank"]),
        "size": round(drawing.member_size(row["leader_score"]) * SCALE, 3),
        "x": round(x * SCALE, 2), "y": round(y * SCALE, 2),
    }


def account_graph(fmt: Format, run: dict[str, Any], community: str | None) -> Iterator[str]:
    """Accounts (all members, or one community's) and the engagement between them."""
    run_id = run["run_id"]
    info, brokers = community_index(run_id)
    if community is not None and community not in info:
        raise ApiError(404, f"no community {community!r} in run {run_id}")
    since = engagement_window(run)
    weights = run["params"].get("kind_weights") or {}
    scope = f"community {community}" if community else "all communities"
    description = f"Community Map run {run_id}: accounts of {scope}, engagement between them"

    def chunks() -> Iterator[str]:
        yield fmt.head(ACCOUNT_ATTRS, description)
        for batch in member_batches(run_id, community):
            yield "".join(fmt.node(account_node(r, info, brokers), ACCOUNT_ATTRS) for r in batch)
        yield fmt.between
        number = 0
        for batch in member_batches(run_id, community):
            edges = db().fetch("export/engagement", runId=run_id, ids=[r["id"] for r in batch],
                               community=community, kindWeights=weights, since=since)
            yield "".join(fmt.edge(number + i, e) for i, e in enumerate(edges))
            number += len(edges)
        yield fmt.tail

    return chunks()


def community_graph(fmt: Format, run: dict[str, Any], level: int,
                    around: str | None = None) -> Iterator[str]:
    """One node per community of a map level, links weighted by engagement between them
    (only community ``around`` and those linked to it, when given)."""
    level_map = map_level(run["run_id"], level)
    if around is not None:
        level_map = ego_map(level_map, around, run["run_id"], level)
    ranks = {}
    if level == 0:
        ranks = {c["id"]: c["rank"] for c in db().fetch("export/communities",
                                                        runId=run["run_id"])}
    nodes = [{
        "id": c["id"], "label": c.get("label") or c["id"],
        "attrs": {"size": c["size"], "label": c.get("label"), "level": level,
                  "top_topics": "|".join(c.get("top_topics") or []) or None},
        "color": drawing.colour(ranks.get(c["id"], i)),
        "size": round(float(radius(c["size"])) * SCALE, 2),
        "x": round(c["x"] * SCALE, 2), "y": round(c["y"] * SCALE, 2),
    } for i, c in enumerate(level_map["communities"])]
    description = f"Community Map run {run['run_id']}: community graph of level {level}"

    def chunks() -> Iterator[str]:
        yield fmt.head(COMMUNITY_ATTRS, description)
        yield "".join(fmt.node(n, COMMUNITY_ATTRS) for n in nodes)
        yield fmt.between
        yield "".join(fmt.edge(i, e) for i, e in enumerate(level_map["links"]))
        yield fmt.tail

    return chunks()


def ego_map(level_map: dict[str, Any], around: str, run_id: str,
            level: int) -> dict[str, Any]:
    """A level map cut down to one community and those linked to it (404 if unknown)."""
    if around not in {c["id"] for c in level_map["communities"]}:
        raise ApiError(404, f"no community {around!r} at level {level} of run {run_id}")
    links = [x for x in level_map["links"] if around in (x["source"], x["target"])]
    keep = {around} | {x["source"] for x in links} | {x["target"] for x in links}
    return {**level_map, "links": links,
            "communities": [c for c in level_map["communities"] if c["id"] in keep]}


def graph_export(fmt: Format, args: dict[str, Any]) -> Response:
    """Read what must exist, then stream the file: the community graph (asked for, or a
    finer level than 0, where accounts have no membership), or the accounts."""
    run = selected_run(args["run"])
    if args["communities_only"] or args["level"]:
        chunks = community_graph(fmt, run, args["level"], args["community"])
        part = f"-{args['community']}" if args["community"] else ""
        name = (f"community-map-{run['run_id']}-communities-L{args['level']}{part}."
                f"{fmt.extension}")
    else:
        chunks = account_graph(fmt, run, args["community"])
        part = f"-{args['community']}" if args["community"] else ""
        name = f"community-map-{run['run_id']}{part}.{fmt.extension}"
    return streamed(chunks, fmt.mimetype, name)


def graph_route(fmt: Format, summary: str, description: str) -> None:
    """Register ``GET /v1/export/graph.<extension>`` for one format."""

    @blp.route(f"/graph.{fmt.extension}", endpoint=f"graph_{fmt.extension}")
    @require_role("read")
    @blp.doc(security=SECURITY, summary=summary)
    @blp.arguments(GraphArgsSchema, location="query")
    @blp.response(200, FILE, content_type=fmt.mimetype, description=description)
    def export_graph(args: dict[str, Any]) -> Response:
        return graph_export(fmt, args)


graph_route(GEXF, "The map as GEXF 1.3 (Gephi, Gephi Lite); streamed, gzip when accepted",
            "GEXF 1.3 with node attributes and viz colour, size and position")
graph_route(GRAPHML, "The map as GraphML (Cytoscape, NodeXL, Gephi); streamed, gzip when "
            "accepted", "GraphML; colour as r, g, b keys, position as x, y, and size")


@blp.route("/memberships.csv")
@require_role("read")
@blp.doc(security=SECURITY)
@blp.arguments(MembershipArgsSchema, location="query")
@blp.response(200, FILE, content_type="text/csv", description="one row per membership")
def export_memberships(args: dict[str, Any]) -> Response:
    """Every membership of a run: account, handle, community, leader rank/score, influencer
    score; streamed in account-id order, gzip when accepted."""
    run = selected_run(args["run"])
    run_id, community = run["run_id"], args["community"]
    info, _ = community_index(run_id)
    if community is not None and community not in info:
        raise ApiError(404, f"no community {community!r} in run {run_id}")

    def chunks() -> Iterator[str]:
        yield graph_formats.csv_lines([graph_formats.MEMBERSHIP_COLUMNS])
        for batch in member_batches(run_id, community):
            yield graph_formats.csv_lines(
                (r["id"], r["handle"], r["community"], info[r["community"]]["label"],
                 r["leader_rank"], r["leader_score"], r["influencer_score"]) for r in batch)

    part = f"-{community}" if community else ""
    return streamed(chunks(), "text/csv", f"community-map-{run_id}{part}-memberships.csv")
