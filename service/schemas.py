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
from .rowcheck import PlainRows
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
    workers_alive = ma.fields.Integer(metadata={
        "description": "refresh workers seen within CM_REFRESH_LOCK_TTL (0 does not make "
                       "the API unready: reads are served and refreshes wait queued)"})
    note = ma.fields.String()


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
            # a List of Nested rows whose plainly valid rows skip marshmallow (same result)
            entity: PlainRows(
                ROW_SCHEMAS[entity],
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
    """A queued refresh, and whether a worker is alive to run it."""

    run_id = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    workers_alive = ma.fields.Integer(
        metadata={"description": "refresh workers seen within CM_REFRESH_LOCK_TTL"})
    note = ma.fields.String(allow_none=True)


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
    worker = ma.fields.String(allow_none=True,
                              metadata={"description": "the worker that claimed the run"})
    workers_alive = ma.fields.Integer(
        metadata={"description": "refresh workers seen within CM_REFRESH_LOCK_TTL"})
    note = ma.fields.String(allow_none=True, metadata={
        "description": "queued with no live worker, waiting for one, or running on one"})


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
    influence: ma.fields.Field = ma.fields.Dict(allow_none=True)  # api.answers nests it
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
