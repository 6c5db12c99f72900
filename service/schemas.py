"""marshmallow schemas for requests and responses (JSON snake_case)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import ClassVar

import marshmallow as ma

from .fields import (  # noqa: F401 - the limits are part of this module's vocabulary
    MAX_ID_LENGTH,
    MAX_TOPIC_LENGTH,
    MAX_TOPICS,
    StrictBoolean,
    Text,
    Timestamp,
    id_field,
    topics_field,
)
from .refresh.params import RefreshParamsSchema
from .tiers import TIER_NAMES
from .vocabulary import KINDS

# Rows allowed per ingest request; the app sets it from CM_MAX_ROWS for each request.
BATCH_LIMIT: ContextVar[int] = ContextVar("BATCH_LIMIT", default=10_000)


class HealthSchema(ma.Schema):
    """Liveness answer."""

    status = ma.fields.String(required=True)


class ReadySchema(ma.Schema):
    """Readiness answer with the versions found."""

    status = ma.fields.String(required=True)
    neo4j = ma.fields.String()
    edition = ma.fields.String()
    gds = ma.fields.String()


# ---------------------------------------------------------------------------- ingest
# Limits (documented in the README): ids and handles up to MAX_ID_LENGTH characters,
# names up to 512, at most MAX_TOPICS topics of up to MAX_TOPIC_LENGTH characters each
# (service/fields.py).


MAX_FOLLOWERS = 10**12


class RowSchema(ma.Schema):
    """Base for ingest rows: unknown fields are an error, not silently dropped."""

    class Meta:
        unknown = ma.RAISE


class AccountSchema(RowSchema):
    """An account profile; creates the account or fills in a placeholder."""

    id = id_field(required=True)
    handle = Text(validate=ma.validate.Length(max=MAX_ID_LENGTH), allow_none=True)
    name = Text(validate=ma.validate.Length(max=512), allow_none=True)
    followers_count = ma.fields.Integer(
        strict=True, validate=ma.validate.Range(min=0, max=MAX_FOLLOWERS), allow_none=True
    )


def _not_self(a: str, b: str, data: dict[str, object], what: str) -> None:
    if data.get(a) is not None and data.get(a) == data.get(b):
        raise ma.ValidationError(f"{a} and {b} are the same account: {what}", field_name=b)


class FollowSchema(RowSchema):
    """follower FOLLOWS followee."""

    follower = id_field(required=True)
    followee = id_field(required=True)
    since = Timestamp(allow_none=True)

    @ma.validates_schema
    def no_self_follow(self, data: dict[str, object], **_: object) -> None:
        _not_self("follower", "followee", data, "self-follows are not allowed")


class InteractionSchema(RowSchema):
    """A timestamped engagement event from actor to target."""

    id = id_field(allow_none=True)
    actor = id_field(required=True)
    target = id_field(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    at = Timestamp(required=True)
    post_id = id_field(allow_none=True)
    topics = topics_field()

    @ma.validates_schema
    def no_self_interaction(self, data: dict[str, object], **_: object) -> None:
        _not_self("actor", "target", data, "self-interactions are not allowed")


class PostSchema(RowSchema):
    """A post by an account, with topics and an optional call to action."""

    id = id_field(required=True)
    author = id_field(required=True)
    at = Timestamp(required=True)
    topics = topics_field()
    call_to_action = StrictBoolean(load_default=False)


class AdoptionSchema(RowSchema):
    """An account first used/bought/mentioned an item at a time."""

    account = id_field(required=True)
    item = id_field(required=True)
    at = Timestamp(required=True)


ROW_SCHEMAS: dict[str, type[RowSchema]] = {
    "accounts": AccountSchema,
    "follows": FollowSchema,
    "interactions": InteractionSchema,
    "posts": PostSchema,
    "adoptions": AdoptionSchema,
}


class TooManyRows(Exception):
    """A batch holds more rows than the configured limit (mapped to 413 by the API)."""

    def __init__(self, entity: str, count: int, limit: int):
        super().__init__(f"{count} {entity} in one request; the limit is {limit} rows")
        self.count = count
        self.limit = limit


class BatchSchema(ma.Schema):
    """Base of ``{"<entity>": [row, ...]}`` bodies: 1..BATCH_LIMIT rows, nothing else."""

    entity: ClassVar[str] = ""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def check_size(self, data: object, **_: object) -> object:
        """Refuse an over-limit batch before validating thousands of rows."""
        rows = data.get(self.entity) if isinstance(data, dict) else None
        limit = BATCH_LIMIT.get()
        if isinstance(rows, list) and len(rows) > limit:
            raise TooManyRows(self.entity, len(rows), limit)
        return data


def batch_schema(entity: str) -> type[BatchSchema]:
    """The request body schema of one ingest endpoint."""
    schema = BatchSchema.from_dict(
        {
            entity: ma.fields.List(
                ma.fields.Nested(ROW_SCHEMAS[entity]),
                required=True,
                validate=ma.validate.Length(min=1),
            )
        },
        name=f"{entity.title()}BatchSchema",
    )
    schema.entity = entity  # type: ignore[attr-defined]
    return schema  # type: ignore[return-value]


class WriteResultSchema(ma.Schema):
    """What an ingest request wrote."""

    received = ma.fields.Integer(required=True)
    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)
    placeholders_created = ma.fields.Integer(required=True)


# ---------------------------------------------------------------------------- refresh & runs


class RefreshRequestSchema(RefreshParamsSchema):
    """Optional parameters of a refresh (defaults as for `community-map refresh`)."""


class RunQueuedSchema(ma.Schema):
    """A queued refresh."""

    run_id = ma.fields.String(required=True)
    status = ma.fields.String(required=True)


class RunSchema(ma.Schema):
    """A refresh run with its parameters, timings per stage and metrics."""

    run_id = ma.fields.String(required=True)
    status = ma.fields.String(
        metadata={"enum": ["queued", "running", "succeeded", "failed", "skipped"]}
    )
    current = ma.fields.Boolean()
    created_at = ma.fields.String(allow_none=True)
    started_at = ma.fields.String(allow_none=True)
    finished_at = ma.fields.String(allow_none=True)
    pruned_at = ma.fields.String(allow_none=True)
    data_version = ma.fields.Integer(allow_none=True)
    params = ma.fields.Dict()
    timings = ma.fields.Dict(allow_none=True)
    metrics = ma.fields.Dict(allow_none=True)
    error = ma.fields.String(allow_none=True)


class PageArgsSchema(ma.Schema):
    """limit / offset pagination."""

    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(1, 500))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 10**7))


class RunListSchema(ma.Schema):
    """Runs, newest first."""

    runs = ma.fields.List(ma.fields.Nested(RunSchema))


# ---------------------------------------------------------------------------- read


class CommunityQueryArgsSchema(PageArgsSchema):
    """Filters and order of the community list."""

    min_size = ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, 10**9))
    topic = ma.fields.String(load_default=None, validate=ma.validate.Length(1, MAX_TOPIC_LENGTH))
    sort = ma.fields.String(
        load_default="size",
        validate=ma.validate.OneOf(["size", "density", "conductance", "modularity"]),
    )


class MemberQueryArgsSchema(ma.Schema):
    """Pagination of a community's members."""

    members_limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(1, 1000))
    members_offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 10**7))


class MapQueryArgsSchema(ma.Schema):
    """Which level of the map: 0 is the final (coarsest) partition, higher is finer."""

    level = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 20))


class LeaderSchema(ma.Schema):
    """A community leader, the score explained by its components."""

    id = ma.fields.String()
    handle = ma.fields.String(allow_none=True)
    score = ma.fields.Float()
    components = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    engagers_in_community = ma.fields.Integer()
    engagement_received = ma.fields.Float()


class CommunitySchema(ma.Schema):
    """A community of the serving run."""

    id = ma.fields.String()
    size = ma.fields.Integer()
    label = ma.fields.String()
    top_topics = ma.fields.List(ma.fields.String())
    distinctive_topics = ma.fields.List(ma.fields.String())
    density = ma.fields.Float()
    conductance = ma.fields.Float()
    modularity = ma.fields.Float()
    leaders = ma.fields.List(ma.fields.Nested(LeaderSchema))


class CommunityListSchema(ma.Schema):
    """A page of communities."""

    run_id = ma.fields.String()
    total = ma.fields.Integer()
    communities = ma.fields.List(ma.fields.Nested(CommunitySchema))


class MemberSchema(ma.Schema):
    """A member of a community."""

    id = ma.fields.String()
    handle = ma.fields.String(allow_none=True)
    leader_rank = ma.fields.Integer()
    leader_score = ma.fields.Float()


class CommunityDetailSchema(CommunitySchema):
    """A community with its brokers and a page of members."""

    run_id = ma.fields.String()
    brokers = ma.fields.List(ma.fields.Dict())
    members = ma.fields.List(ma.fields.Nested(MemberSchema))
    members_total = ma.fields.Integer()


class MapSchema(ma.Schema):
    """Communities as nodes and weighted links between them."""

    run_id = ma.fields.String()
    level = ma.fields.Integer()
    levels = ma.fields.Integer()
    communities = ma.fields.List(ma.fields.Dict())
    links = ma.fields.List(ma.fields.Dict())


class AccountSchemaOut(ma.Schema):
    """An account: profile, community and explained scores in the serving run."""

    run_id = ma.fields.String()
    id = ma.fields.String()
    handle = ma.fields.String(allow_none=True)
    name = ma.fields.String(allow_none=True)
    followers_count = ma.fields.Integer(allow_none=True)
    placeholder = ma.fields.Boolean()
    community_id = ma.fields.String(allow_none=True)
    community_label = ma.fields.String(allow_none=True)
    leader_rank = ma.fields.Integer(allow_none=True)
    scores = ma.fields.Dict(allow_none=True)
    influence = ma.fields.Nested("AccountInfluenceSchema", allow_none=True)
    adopter_categories = ma.fields.Dict()


# ---------------------------------------------------------------------------- influencers
# /v1/influencers and the ``influence`` of /v1/accounts/<id> (issue 10): every score
# component with the counts it rests on. Shrunk shares carry a 90% interval.


class InfluencerQueryArgsSchema(ma.Schema):
    """Filters of the influencer ranking."""

    topic = ma.fields.String(load_default=None, validate=ma.validate.Length(1, MAX_TOPIC_LENGTH),
                             metadata={"description": "rank by topic score (fit x topical "
                                                      "pull) among accounts about it"})
    community = ma.fields.String(load_default=None, validate=ma.validate.Length(1, 64))
    tier = ma.fields.String(load_default=None, validate=ma.validate.OneOf(TIER_NAMES),
                            metadata={"description": "follower tier (bounds: CM_TIERS)"})
    min_followers = ma.fields.Integer(load_default=0,
                                      validate=ma.validate.Range(0, MAX_FOLLOWERS))
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 100))


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
