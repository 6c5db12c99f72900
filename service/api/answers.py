"""marshmallow schemas of the answers that had none in the contract: influencers (with
their evidence) and accounts' influence, seed sets, adoption curves and account deletions
(JSON snake_case, as served)."""

from __future__ import annotations

import marshmallow as ma

from ..schemas import AccountSchemaOut
from ..tiers import TIER_NAMES


class RemovedSchema(ma.Schema):
    """Counts of what one account deletion removed."""

    accounts = ma.fields.Integer(required=True)
    follows = ma.fields.Integer(required=True)
    interactions = ma.fields.Integer(required=True)
    posts = ma.fields.Integer(required=True)
    adoptions = ma.fields.Integer(required=True)
    memberships = ma.fields.Integer(required=True, metadata={
        "description": "community memberships, one per retained run"})
    account_metrics = ma.fields.Integer(required=True, metadata={
        "description": "per-run influence metrics records"})
    topic_scores = ma.fields.Integer(required=True, metadata={
        "description": "per-run topic scores (one per run and topic it had evidence about)"})
    seed_set_entries = ma.fields.Integer(required=True)
    leader_entries = ma.fields.Integer(required=True)
    broker_entries = ma.fields.Integer(required=True)
    early_adopter_entries = ma.fields.Integer(required=True)


class ForgottenSchema(ma.Schema):
    """What a deletion removed, and where results were rewritten."""

    account_id = ma.fields.String(required=True)
    deletion_id = ma.fields.String(required=True, metadata={
        "description": "id of the (:AccountDeletion {id, at, by}) record"})
    deleted_at = ma.fields.String(required=True)
    removed = ma.fields.Nested(RemovedSchema, required=True)
    runs_rewritten = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "runs whose stored results named the account"})
    note = ma.fields.String(required=True)



# ---------------------------------------------------------------------------- influencers
# /v1/influencers and the ``influence`` of /v1/accounts/<id> (issue 10): every score
# component with the counts it rests on; shrunk shares carry a 90% interval.


def _evidence(name: str, doc: str, **fields: ma.fields.Field) -> type[ma.Schema]:
    """A component's evidence schema: its value, then the counts it rests on."""
    schema = ma.Schema.from_dict({"value": ma.fields.Float(), **fields}, name=name)
    schema.__doc__ = doc
    return schema


def _counts(*names: str) -> dict[str, ma.fields.Field]:
    return {n: ma.fields.Float() for n in names}


def _interval() -> ma.fields.List:
    return ma.fields.List(ma.fields.Float(), metadata={"description": "90% interval"})


ShareEvidenceSchema = _evidence("ShareEvidenceSchema", "A shrunk share: successes of trials.",
                                interval=_interval(), **_counts("successes", "trials"))
TopicalShareSchema = _evidence("TopicalShareSchema", "Shrunk share of topic tags about T.",
                               interval=_interval(), **_counts("about", "tagged"))
InfluenceEvidenceSchema = ma.Schema.from_dict({
    "community_leadership": ma.fields.Nested(_evidence(
        "LeadershipEvidenceSchema",
        "Leader score / community's best x independence x community activity.",
        **_counts("leader_score", "best_in_community", "independence", "community_activity"),
        active_members=ma.fields.Integer(), community_size=ma.fields.Integer(),
        ring_community=ma.fields.Boolean(metadata={
            "description": "its community's engagement mostly comes back (a pod): scored "
                           "as unclustered"}))),
    "community_pull": ma.fields.Nested(_evidence(
        "PullEvidenceSchema", "Shrunk share of the community among the responders.",
        interval=_interval(), **_counts("responders_in_community", "community_others"))),
    "reach": ma.fields.Nested(_evidence(
        "ReachEvidenceSchema", "log(1 + responders) / log(1 + most responders).",
        **_counts("responders", "most_responders"))),
    "audience_quality": ma.fields.Nested(_evidence(
        "AudienceEvidenceSchema", "Audience quality and its four shrunk parts.",
        parts=ma.fields.Dict(keys=ma.fields.String(),
                             values=ma.fields.Nested(ShareEvidenceSchema)))),
    "mobilisation": ma.fields.Nested(_evidence(
        "MobilisationEvidenceSchema", "Shrunk share of the community answering calls.",
        interval=_interval(), calls=ma.fields.Integer(),
        **_counts("answers", "possible_answers"))),
    "engagement_rate": ma.fields.Nested(_evidence(
        "RateEvidenceSchema", "Shrunk interactions / post / follower over the p95.",
        rate=ma.fields.Float(), interval=_interval(),
        **{n: ma.fields.Integer() for n in ("interactions", "posts", "followers")},
        reference_p95=ma.fields.Float())),
    "topic_relevance": ma.fields.Nested(_evidence(
        "RelevanceEvidenceSchema", "Topic fit = min(1, affinity / 0.25).",
        affinity=ma.fields.Float(), posts=ma.fields.Nested(TopicalShareSchema),
        engagement=ma.fields.Nested(TopicalShareSchema))),
}, name="InfluenceEvidenceSchema")
InfluenceEvidenceSchema.__doc__ = ("Each component's evidence (with ``topic``: pull and "
                                   "reach about the topic, and topic relevance).")


class InfluencerSchema(ma.Schema):
    """A ranked account: score, components in [0, 1], their evidence and the reason."""

    id = ma.fields.String(required=True)
    handle = ma.fields.String(allow_none=True)
    followers_count = ma.fields.Integer(allow_none=True,
                                        metadata={"description": "declared followers"})
    followers = ma.fields.Integer(metadata={
        "description": "declared, else follower edges: what tier and min_followers use"})
    tier = ma.fields.String(allow_none=True, metadata={"enum": list(TIER_NAMES)})
    community_id = ma.fields.String(allow_none=True)
    leader_rank = ma.fields.Integer(allow_none=True)
    score = ma.fields.Float()
    components = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    evidence = ma.fields.Nested(InfluenceEvidenceSchema)
    reason = ma.fields.String()


class InfluencerListSchema(ma.Schema):
    """Influencers, best first."""

    run_id = ma.fields.String(required=True)
    topic = ma.fields.String(allow_none=True)
    community = ma.fields.String(allow_none=True)
    tier = ma.fields.String(allow_none=True)
    min_followers = ma.fields.Integer()
    influencers = ma.fields.List(ma.fields.Nested(InfluencerSchema))


class TopicScoreSchema(ma.Schema):
    """An account's score for one of its best topics."""

    score = ma.fields.Float()
    fit = ma.fields.Float()


class AccountInfluenceSchema(ma.Schema):
    """An account's influencer score, components with evidence, and raw figures."""

    influencer_score = ma.fields.Float(allow_none=True)
    components = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    evidence = ma.fields.Nested(InfluenceEvidenceSchema)
    followers = ma.fields.Integer()
    tier = ma.fields.String(allow_none=True)
    responders = ma.fields.Float(allow_none=True)
    community_responders = ma.fields.Float(allow_none=True)
    engagement_rate = ma.fields.Float(allow_none=True,
                                      metadata={"description": "raw, before shrinkage"})
    audience_quality = ma.fields.Dict(metadata={"description": "score 0-100, raw shares"})
    mobilisation = ma.fields.Dict(metadata={"description": "calls and raw response shares"})
    topic_affinity = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(),
                                    metadata={"description": "topic fit, best 10"})
    topic_scores = ma.fields.Dict(keys=ma.fields.String(),
                                  values=ma.fields.Nested(TopicScoreSchema))


class AccountAnswerSchema(AccountSchemaOut):
    """An account: profile, community, explained scores and influence with evidence."""

    influence = ma.fields.Nested(AccountInfluenceSchema, allow_none=True)


class SeedSchema(ma.Schema):
    """A seed chosen by CELF, with its marginal spread as GDS estimated it."""

    id = ma.fields.String(required=True)
    handle = ma.fields.String(allow_none=True)
    gds_marginal_spread = ma.fields.Float()


class BaselineSeedSchema(ma.Schema):
    """An account of a top-k baseline."""

    id = ma.fields.String(required=True)
    handle = ma.fields.String(allow_none=True)


class BaselineSchema(ma.Schema):
    """A seed set's spread in the shared independent-cascade simulation."""

    seeds = ma.fields.List(ma.fields.Nested(BaselineSeedSchema))
    simulated_spread = ma.fields.Float(allow_none=True)


class SeedSetSchema(ma.Schema):
    """The k seeds of a scope next to top-k baselines, simulated alike."""

    run_id = ma.fields.String(required=True)
    scope = ma.fields.String(required=True)
    topic = ma.fields.String(allow_none=True)
    k = ma.fields.Integer(required=True)
    scope_accounts = ma.fields.Integer(allow_none=True)
    seeds = ma.fields.List(ma.fields.Nested(SeedSchema), required=True)
    expected_spread = ma.fields.Float(allow_none=True)
    gds_estimated_spread = ma.fields.Float()
    baselines = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(BaselineSchema),
                               metadata={"description": "celf, top_followers, top_pagerank"})


class EarlyAdopterLeaderSchema(ma.Schema):
    """An early adopter whose community adopted after them."""

    id = ma.fields.String(required=True)
    community_id = ma.fields.String(allow_none=True)
    category = ma.fields.String()
    community_adopters_after = ma.fields.Integer()
    leader_score = ma.fields.Float(allow_none=True)


class ItemAdoptionSchema(ma.Schema):
    """Rogers adopter categories of an item, overall and per community."""

    run_id = ma.fields.String(required=True)
    item = ma.fields.String(required=True)
    adopters = ma.fields.Integer(required=True)
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                            metadata={"description": "adopters per category"})
    communities = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer()),
        metadata={"description": "per community: adopters per category"})
    early_adopter_leaders = ma.fields.List(ma.fields.Nested(EarlyAdopterLeaderSchema))
