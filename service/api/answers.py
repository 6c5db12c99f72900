"""marshmallow schemas of the answers that had none in the contract: influencers, seed
sets, adoption curves and account deletions (JSON snake_case, as served)."""

from __future__ import annotations

import marshmallow as ma


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



class InfluencerSchema(ma.Schema):
    """An account ranked by the explained influencer score."""

    id = ma.fields.String(required=True)
    handle = ma.fields.String(allow_none=True)
    followers_count = ma.fields.Integer(allow_none=True)
    community_id = ma.fields.String(allow_none=True)
    score = ma.fields.Float(required=True)
    components = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Float(allow_none=True), metadata={
        "description": "community_leadership, engagement_rate, audience_quality, "
                       "mobilisation (null: no evidence) and, with a topic, topic_relevance"})
    reason = ma.fields.String()


class InfluencerListSchema(ma.Schema):
    """Influencers, best first."""

    run_id = ma.fields.String(required=True)
    topic = ma.fields.String(allow_none=True)
    community = ma.fields.String(allow_none=True)
    influencers = ma.fields.List(ma.fields.Nested(InfluencerSchema), required=True)


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
