"""What the map page reads (role ``read``): overview, drill-down, search and topic, any kept run.

Each answer is one request's worth of a view, so the page draws at once: the overview is
the stored map level with positions and colours; a drill-down is a community's figures,
its drawn members (capped, leaders and brokers always in) and the engagement between
them, its seed set, early-adopter leaders and changes since the previous kept run.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from .. import drawing
from ..auth import require_role
from ..errors import ApiError
from ..schemas import MAX_TOPIC_LENGTH
from ..vocabulary import TOPIC_PREFIX
from . import SECURITY, db
from .cache import cached_read
from .export import map_level
from .selection import engagement_window, selected_run
from .serving import community_json

blp = Blueprint("explore", __name__, url_prefix="/v1/explore",
                description="Views of the map page: overview, drill-down, search, topic")

LEADER_RANKS = 5


class RunArgsSchema(ma.Schema):
    """Which kept run to read (default: the serving run)."""

    run = ma.fields.String(load_default=None, validate=ma.validate.Length(1, 64))


class OverviewArgsSchema(RunArgsSchema):
    """Which map level (0 = the final partition)."""

    level = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 20))


class DrillArgsSchema(RunArgsSchema):
    """How many members to draw (leaders and brokers are always drawn)."""

    limit = ma.fields.Integer(load_default=2000, validate=ma.validate.Range(1, 20000))
    focus = ma.fields.String(load_default=None, validate=ma.validate.Length(1, 256),
                             metadata={"description": "an account to draw whatever its rank"})


class SearchArgsSchema(RunArgsSchema):
    """An account id, a handle or the start of one (with or without its @)."""

    q = ma.fields.String(required=True, validate=ma.validate.Length(1, 256))


class TopicArgsSchema(RunArgsSchema):
    """A topic."""

    topic = ma.fields.String(required=True, validate=ma.validate.Length(1, MAX_TOPIC_LENGTH))


def view_schema(name: str, *keys: str) -> type[ma.Schema]:
    """A response schema naming a view's top-level fields (documented in the README)."""
    fields: dict[str, ma.fields.Field] = {key: ma.fields.Raw() for key in ("run_id", *keys)}
    return ma.Schema.from_dict(fields, name=name)


OverviewSchema = view_schema("OverviewSchema", "current", "level", "levels", "communities",
                             "links", "topics", "metrics")
DrillDownSchema = view_schema("DrillDownSchema", "community", "color", "members_total", "shown",
                              "members", "edges", "seeds", "early_adopter_leaders", "changes")
SearchSchema = view_schema("SearchSchema", "q", "accounts")
TopicSchema = view_schema("TopicSchema", "topic", "accounts", "seeds")


def handles(ids: list[str]) -> dict[str, str | None]:
    """Handle of each account id."""
    return {r["id"]: r["handle"] for r in db().fetch("read/handles", ids=sorted(set(ids)))}


def seed_summary(scope: str, run_id: str, k_max: int) -> dict[str, Any] | None:
    """A stored seed set (up to ``k_max`` seeds) next to its two baselines, or None."""
    row = db().fetch("read/seed_set", runId=run_id, scope=scope)[0]["seeds"]
    if row is None:
        return None
    order = [s["id"] for s in json.loads(row["seeds"])]
    k = min(k_max, len(order))
    spreads = json.loads(row["baselines"])
    picks = {"celf": order[:k], "top_followers": json.loads(row["topFollowers"])[:k],
             "top_pagerank": json.loads(row["topPagerank"])[:k]}
    names = handles([a for accounts in picks.values() for a in accounts])
    return {"scope": scope, "k": k, "scope_accounts": row.get("members"),
            **{name: {"seeds": [{"id": a, "handle": names.get(a)} for a in accounts],
                      "simulated_spread": spreads[name].get(str(k))}
               for name, accounts in picks.items()}}


@blp.route("/overview")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.arguments(OverviewArgsSchema, location="query")
@blp.response(200, OverviewSchema)
def overview(args: dict[str, Any]) -> dict[str, Any]:
    """One node per community of a map level (size, label, topics, top leader, colour,
    position laid out at refresh) and links weighted by engagement between communities."""
    run = selected_run(args["run"])
    run_id, level = run["run_id"], args["level"]
    level_map = map_level(run_id, level)
    extra = {c["id"]: c for c in db().fetch("explore/communities", runId=run_id)}
    nodes, topics = [], Counter[str]()
    for i, c in enumerate(level_map["communities"]):
        more = extra.get(c["id"]) if level == 0 else None
        leaders = json.loads(more["leaders"] or "[]") if more else []
        node = {"id": c["id"], "size": c["size"], "label": c.get("label") or c["id"],
                "x": c["x"], "y": c["y"],
                "color": drawing.hex_colour(more["rank"] if more else i),
                "top_topics": more["top_topics"] if more else [],
                "distinctive_topics": more["distinctive_topics"] if more else [],
                "leader": ({"id": leaders[0]["id"], "handle": leaders[0]["handle"]}
                           if leaders else None)}
        topics.update(set(node["top_topics"]) | set(node["distinctive_topics"]))
        nodes.append(node)
    levels = db().fetch("read/map_level", runId=run_id, level=level)[0]["levels"]
    return {"run_id": run_id, "current": run["current"], "level": level, "levels": levels,
            "communities": nodes, "links": level_map["links"],
            "topics": [t for t, _ in topics.most_common()],
            "metrics": {k: run["metrics"].get(k) for k in
                        ("communities", "accounts_in_communities", "modularity")}}


def change_of(community_id: str, run: dict[str, Any]) -> dict[str, Any]:
    """How a community came to be in this run: kept, merged, split or born, with sizes."""
    changes = run["metrics"].get("changes") or {}
    status, parts = "kept", []
    for merge in changes.get("merges") or []:
        if merge["into"] == community_id:
            status, parts = "merged", merge["from"]
    for split in changes.get("splits") or []:
        if community_id in split["into"]:
            status, parts = "split", [split["from"]]
    if community_id in (changes.get("births") or []):
        status = "born"
    rows = db().fetch("explore/previous_community", runId=run["run_id"], id=community_id)
    if not rows:
        return {"status": "first run", "previous_run": None}
    prev = rows[0]
    if prev["size"] is None and status == "kept":
        status = "born"
    return {"status": status, "from": parts, "previous_run": prev["run_id"],
            "previous_size": prev["size"], "previous_label": prev["label"],
            "joined": prev["joined"] if prev["size"] is not None else None,
            "left": prev["left"] if prev["size"] is not None else None}


def drawn_members(run: dict[str, Any], community: dict[str, Any], limit: int,
                  focus: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The members to draw (capped; leaders and brokers always in) and the engagement
    between them (kind-weighted, the run's window)."""
    bridges = {b["id"]: b["bridges"] for b in community["brokers"]}
    rows = db().fetch("explore/community_members", runId=run["run_id"], id=community["id"],
                      limit=limit, extra=sorted(set(bridges) | ({focus} if focus else set())))
    members = [{**r, "is_leader": r["leader_rank"] <= LEADER_RANKS,
                "is_broker": r["id"] in bridges, "bridges": bridges.get(r["id"], [])}
               for r in rows]
    shown = {m["id"] for m in members}
    edges = db().fetch("export/engagement", runId=run["run_id"], ids=sorted(shown),
                       community=community["id"],
                       kindWeights=run["params"].get("kind_weights") or {},
                       since=engagement_window(run))
    return members, [e for e in edges if e["target"] in shown]


@blp.route("/communities/<community_id>")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.arguments(DrillArgsSchema, location="query")
@blp.response(200, DrillDownSchema)
def drill_down(args: dict[str, Any], community_id: str) -> dict[str, Any]:
    """A community opened: figures, leaders with score components, brokers, drawn members
    and their engagement, seed set vs baselines, early-adopter leaders, changes."""
    run = selected_run(args["run"])
    run_id = run["run_id"]
    rows = db().fetch("read/community", runId=run_id, id=community_id)
    if not rows:
        raise ApiError(404, f"no community {community_id!r} in run {run_id}")
    community = community_json(rows[0]["community"], detail=True)
    members, edges = drawn_members(run, community, args["limit"], args["focus"])
    early = [{**leader, "item": r["item"]}
             for r in db().fetch("explore/early_adopters", runId=run_id)
             for leader in json.loads(r["leaders"] or "[]")
             if leader["community_id"] == community_id]
    names = handles([e["id"] for e in early])
    return {"run_id": run_id, "community": community,
            "color": drawing.hex_colour(rows[0]["community"].get("rank")),
            "members_total": community["size"], "shown": len(members),
            "members": members, "edges": edges,
            "seeds": seed_summary(community_id, run_id, 5),
            "early_adopter_leaders": [{**e, "handle": names.get(e["id"])} for e in early],
            "changes": change_of(community_id, run)}


@blp.route("/search")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchSchema)
def search(args: dict[str, Any]) -> dict[str, Any]:
    """Accounts by id or handle (exact first, then handles starting with it): community,
    leader rank, leader score and influencer score with their components."""
    run = selected_run(args["run"])
    q = args["q"].strip() or args["q"]
    bare = q.lstrip("@") or q
    terms = sorted({t for term in (q, bare, "@" + bare) for t in (term, term.lower())})
    rows = db().fetch("explore/search", runId=run["run_id"], terms=terms, limit=10)
    return {"run_id": run["run_id"], "q": q, "accounts": [
        {**{k: v for k, v in r.items() if k != "influencer_components"},
         "influencer_components": json.loads(r["influencer_components"] or "{}")}
        for r in rows]}


@blp.route("/topic")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.arguments(TopicArgsSchema, location="query")
@blp.response(200, TopicSchema)
def topic(args: dict[str, Any]) -> dict[str, Any]:
    """A topic on the map: the accounts with affinity to it (best influencer score first)
    and its seed set next to the baselines, when the run computed one."""
    run = selected_run(args["run"])
    run_id, name = run["run_id"], args["topic"]
    rows = db().fetch("read/influencers", runId=run_id, community=None, topic=name,
                      limit=200)
    return {"run_id": run_id, "topic": name,
            "accounts": [{"id": r["metrics"]["accountId"], "handle": r["handle"],
                          "community_id": r["metrics"].get("communityId"),
                          "influencer_score": r["metrics"].get("influencerScore")}
                         for r in rows],
            "seeds": seed_summary(TOPIC_PREFIX + name, run_id, 10)}
