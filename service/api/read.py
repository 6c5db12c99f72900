"""Read API (role ``read``): community maps served from the current run, never computed here."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..auth import require_role
from ..errors import ApiError
from ..schemas import (
    AccountSchemaOut,
    CommunityDetailSchema,
    CommunityListSchema,
    CommunityQueryArgsSchema,
    MapQueryArgsSchema,
    MapSchema,
    MemberQueryArgsSchema,
)
from . import SECURITY, db
from .cache import cached_read
from .serving import community_json, decoded, metrics_json, serving_run

blp = Blueprint("read", __name__, url_prefix="/v1",
                description="Community maps, communities, leaders and accounts (current run)")


@blp.route("/communities")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.arguments(CommunityQueryArgsSchema, location="query")
@blp.response(200, CommunityListSchema)
def list_communities(args: dict[str, Any]) -> dict[str, Any]:
    """Communities of the current run, largest first (or by density/conductance/modularity)."""
    run_id = serving_run()
    row = db().fetch("read/communities", runId=run_id, minSize=args["min_size"],
                     topic=args["topic"], sort=args["sort"], offset=args["offset"],
                     limit=args["limit"])[0]
    return {"run_id": run_id, "total": row["total"],
            "communities": [community_json(c) for c in row["communities"]]}


@blp.route("/communities/<community_id>")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.arguments(MemberQueryArgsSchema, location="query")
@blp.response(200, CommunityDetailSchema)
def get_community(args: dict[str, int], community_id: str) -> dict[str, Any]:
    """One community: metrics, leaders, brokers and a page of members (leaders first)."""
    run_id = serving_run()
    rows = db().fetch("read/community", runId=run_id, id=community_id)
    if not rows:
        raise ApiError(404, f"no community {community_id!r} in run {run_id}")
    community = community_json(rows[0]["community"], detail=True)
    members = db().fetch("read/community_members", runId=run_id, id=community_id,
                         offset=args["members_offset"], limit=args["members_limit"])
    return {"run_id": run_id, **community, "members": members,
            "members_total": community["size"]}


@blp.route("/map")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.arguments(MapQueryArgsSchema, location="query")
@blp.response(200, MapSchema)
@blp.alt_response(404, response="Error404", description="no such level in this run")
def get_map(args: dict[str, int]) -> dict[str, Any]:
    """Communities as nodes (size, label) and links weighted by cross-community engagement."""
    run_id = serving_run()
    row = db().fetch("read/map_level", runId=run_id, level=args["level"])[0]
    if row["map"] is None:
        raise ApiError(404, f"level {args['level']} does not exist; this run has "
                            f"levels 0..{max(row['levels'] - 1, 0)}")
    return {"run_id": run_id, "level": args["level"], "levels": row["levels"],
            "communities": decoded(row["map"]["communities"], []),
            "links": decoded(row["map"]["links"], [])}


@blp.route("/accounts/<account_id>")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.response(200, AccountSchemaOut)
def get_account(account_id: str) -> dict[str, Any]:
    """An account: its community in the current run, leader rank and score components."""
    run_id = serving_run()
    rows = db().fetch("read/account", runId=run_id, id=account_id)
    if not rows:
        raise ApiError(404, f"no account {account_id!r}")
    row = rows[0]
    a, m = row["account"], row["membership"] or {}
    scores = None
    if m:
        scores = {"leader_score": m.get("leaderScore"), "influence": m.get("influence"),
                  "community_share": m.get("communityShare"), "reach": m.get("reach"),
                  "pagerank": m.get("pagerank"), "participation": m.get("participation")}
    extra: dict[str, Any] = {"influence": None, "adopter_categories": {}}
    found = db().fetch("read/account_metrics", runId=run_id, id=account_id)
    if found:
        extra["influence"] = metrics_json(found[0]["metrics"])
        extra["adopter_categories"] = decoded(found[0]["metrics"].get("adopterCategories"),
                                              {})
    return {**extra, "run_id": run_id, "id": a["id"], "handle": a.get("handle"),
            "name": a.get("name"),
            "followers_count": a.get("followersCount"),
            "placeholder": bool(a.get("placeholder")), "community_id": row["community_id"],
            "community_label": row["community_label"], "leader_rank": m.get("leaderRank"),
            "scores": scores}
