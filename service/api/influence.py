"""Who to partner with (role ``read``): influencers, seed sets and adoption curves.

Everything is precomputed by the refresh job; requests only read and rank.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from ..auth import require_role
from ..errors import ApiError
from ..influence import reason
from ..schemas import MAX_TOPIC_LENGTH
from ..vocabulary import TOPIC_PREFIX
from . import SECURITY, db
from .answers import InfluencerListSchema, ItemAdoptionSchema, SeedSetSchema
from .cache import cached_read
from .serving import decoded, serving_run

blp = Blueprint("influence", __name__, url_prefix="/v1",
                description="Influencers, seed sets (CELF) and Rogers adoption curves")


class InfluencerArgsSchema(ma.Schema):
    """Filters of the influencer ranking."""

    topic = ma.fields.String(load_default=None, validate=ma.validate.Length(1, MAX_TOPIC_LENGTH))
    community = ma.fields.String(load_default=None, validate=ma.validate.Length(1, 64))
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 100))


class SeedArgsSchema(ma.Schema):
    """Seed set size and scope."""

    # documented maximum: the largest seed set computed (all accounts); 21..100 still get
    # the 422 below that names what was computed
    k = ma.fields.Integer(load_default=5, validate=ma.validate.Range(1, 100),
                          metadata={"maximum": 20})
    topic = ma.fields.String(load_default=None, validate=ma.validate.Length(1, MAX_TOPIC_LENGTH))
    community = ma.fields.String(load_default=None, validate=ma.validate.Length(1, 64))


@blp.route("/influencers")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.arguments(InfluencerArgsSchema, location="query")
@blp.response(200, InfluencerListSchema)
def influencers(args: dict[str, Any]) -> dict[str, Any]:
    """Accounts ranked by the explained influencer score (optionally per topic/community)."""
    run_id = serving_run()
    topic, limit = args["topic"], args["limit"]
    rows = db().fetch("read/influencers", runId=run_id, community=args["community"],
                      topic=topic, limit=limit if topic is None else max(500, limit))
    ranked = []
    for row in rows:
        m = row["metrics"]
        comps = decoded(m.get("components"), {})
        score = float(m.get("influencerScore") or 0.0)
        relevance = None
        if topic is not None:
            relevance = float(decoded(m.get("topicAffinity"), {}).get(topic, 0.0))
            comps["topic_relevance"] = relevance
            score *= relevance
        audience = decoded(m.get("audience"), {})
        mob = decoded(m.get("mobilisation"), {})
        handle = row["handle"] or m["accountId"]
        why = reason(handle, {
            "community_id": m.get("communityId"), "leader_rank": m.get("leaderRank"),
            "community_size": m.get("communitySize"),
            "audience_quality_score": m.get("audienceQuality"),
            "engaged_share": audience.get("engaged_followers_share", 0),
            "mobilisation_share": mob.get("community_share"), "calls": mob.get("calls"),
            "topic_affinity": relevance, "topic": topic,
        })
        ranked.append({"id": m["accountId"], "handle": row["handle"],
                       "followers_count": row["followers_count"],
                       "community_id": m.get("communityId"), "score": round(score, 5),
                       "components": comps, "reason": why})
    ranked.sort(key=lambda x: (-x["score"], x["id"]))
    return {"run_id": run_id, "topic": topic, "community": args["community"],
            "influencers": ranked[:limit]}


@blp.route("/seeds")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.arguments(SeedArgsSchema, location="query")
@blp.response(200, SeedSetSchema)
@blp.alt_response(404, response="Error404", description="no seed set for that scope")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="k is more than the seeds "
                  "computed for the scope (20 overall, 10 per topic, 5 per community)")
def seeds(args: dict[str, Any]) -> dict[str, Any]:
    """The k accounts to seed (CELF, independent cascade), against top-k baselines.

    Scope: all accounts (default), one of the 20 largest communities (``community``), one
    of the most-engaged topics (``topic``: CELF on the influence graph of that topic's
    engagement only), or both: one of that community's two top topics, CELF among its
    members on the topic's graph. 404 names what the run computed."""
    run_id = serving_run()
    topic, community = args["topic"], args["community"]
    scope = community or "all"
    if topic is not None:
        scope = f"{community}/{TOPIC_PREFIX}{topic}" if community else TOPIC_PREFIX + topic
    row = db().fetch("read/seed_set", runId=run_id, scope=scope)[0]["seeds"]
    if row is None:
        if topic is not None:
            prefix = f"{community}/{TOPIC_PREFIX}" if community else TOPIC_PREFIX
            topics = [r["scope"][len(prefix):] for r in
                      db().fetch("read/seed_scopes", runId=run_id, prefix=prefix)]
            where = (f"community {community!r}: computed for its {len(topics)} top topics"
                     if community else
                     f"run {run_id}: computed for the {len(topics)} topics with the most "
                     "engagement")
            raise ApiError(404, f"no seed set for topic {topic!r} in {where}"
                                + (f" ({', '.join(topics)})" if topics else ""))
        raise ApiError(404, f"no seed set for {scope!r} in run {run_id} "
                            "(computed for all accounts and the 20 largest communities)")
    order = decoded(row["seeds"], [])
    k = args["k"]
    if k > len(order):
        raise ApiError(422, f"k={k} is more than the {len(order)} seeds computed for {scope!r}")
    chosen = order[:k]
    baselines = decoded(row["baselines"], {})
    spread = baselines["celf"][str(k)]
    tops = {"top_followers": decoded(row["topFollowers"], [])[:k],
            "top_pagerank": decoded(row["topPagerank"], [])[:k]}
    ids = sorted({s["id"] for s in chosen} | {a for v in tops.values() for a in v})
    info = {r["id"]: r for r in db().fetch("read/handles", ids=ids)}
    return {
        "run_id": run_id, "scope": scope, "k": k, "topic": topic,
        # accounts the seeds were chosen from (the community, or the topic's graph)
        "scope_accounts": row.get("members"),
        "seeds": [{"id": s["id"], "handle": info.get(s["id"], {}).get("handle"),
                   "gds_marginal_spread": s["marginal_spread"]} for s in chosen],
        # one simulator for CELF's seeds and the baselines, so the numbers compare
        "expected_spread": spread,
        "gds_estimated_spread": round(sum(s["marginal_spread"] for s in chosen), 3),
        "baselines": {
            "celf": {"simulated_spread": spread},
            **{name: {"seeds": [{"id": a, "handle": info.get(a, {}).get("handle")}
                                for a in accs],
                      "simulated_spread": baselines[name][str(k)]}
               for name, accs in tops.items()},
        },
    }


@blp.route("/items/<path:item>/adoption")
@require_role("read")
@cached_read
@blp.doc(security=SECURITY)
@blp.response(200, ItemAdoptionSchema)
def item_adoption(item: str) -> dict[str, Any]:
    """Rogers adopter categories of an item, overall and per community, and the
    early-adopter leaders whose communities followed them."""
    run_id = serving_run()
    rows = db().fetch("read/item_adoption", runId=run_id, item=item)
    if not rows:
        raise ApiError(404, f"no adoptions of {item!r} in run {run_id}")
    i = rows[0]["item"]
    return {"run_id": run_id, "item": item, "adopters": i["adopters"],
            "counts": decoded(i["counts"], {}), "communities": decoded(i["communities"], {}),
            "early_adopter_leaders": decoded(i["earlyAdopterLeaders"], [])}
