"""Refresh parameters: declared and validated once, loaded by the API, the CLI and the scheduler.

``RefreshParamsSchema`` is the single source of names, defaults, bounds and error text;
:func:`load_params` turns a mapping into a frozen :class:`RefreshParams` or raises
``marshmallow.ValidationError``, and :func:`describe_errors` renders such an error as the
one-line message both the API (422) and the CLI (exit 2) print. Fields of the dataclass
that the schema does not declare are internal knobs (benchmarks set them in code).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import marshmallow as ma

from ..vocabulary import ALGORITHMS, DEFAULT_KIND_WEIGHTS, KINDS

MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class RefreshParams:
    """Everything that shapes a refresh; stored with the run."""

    algorithm: str = "leiden"
    resolution: float = 1.0
    min_community_size: int = 5
    window_days: int | None = None
    kind_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_KIND_WEIGHTS))
    follow_weight: float = 0.5
    random_seed: int = 42
    retention: int = 3  # succeeded runs whose results are kept (older ones are pruned)
    influence: bool = True  # False: communities and leaders only (no influence/seed stages)
    seed_topics: int = 10  # topics (most engagement first) that get a seed set of their own
    leiden_trials: int | None = None  # Leiden runs (seeds random_seed, +1, ...); None: by size
    # internal knobs: not part of the API or CLI
    concurrency: int = 1  # 1 makes Leiden/Louvain deterministic for a given seed
    max_levels: int = 10
    mobilisation_hours: int = 48  # a response to a call to action counts within this window
    propagation_probability: float = 0.02  # per unit of kind-weighted engagement (CELF)
    max_seeds: int = 20
    seed_simulations: int = 100

    def to_json(self) -> str:
        """Canonical JSON (stored on the run; equal params give equal strings)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RefreshParams:
        """The parameters stored with a run (keys this version does not know are ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})


_DEFAULTS = RefreshParams()

# the weight of each interaction kind; unknown kinds are refused
KindWeightsSchema = ma.Schema.from_dict(
    {kind: ma.fields.Float(validate=ma.validate.Range(0, 100)) for kind in KINDS},
    name="KindWeightsSchema",
)


def _default(name: str) -> Any:
    return getattr(_DEFAULTS, name)


class RefreshParamsSchema(ma.Schema):
    """The parameters a caller may set; omitted ones take the defaults shown."""

    class Meta:
        unknown = ma.RAISE

    algorithm = ma.fields.String(load_default=_default("algorithm"),
                                 validate=ma.validate.OneOf(ALGORITHMS))
    resolution = ma.fields.Float(
        load_default=_default("resolution"), validate=ma.validate.Range(min=0.01, max=100),
        metadata={"description": "Leiden gamma: higher gives more, smaller communities"})
    min_community_size = ma.fields.Integer(
        load_default=_default("min_community_size"), validate=ma.validate.Range(2, 10_000),
        metadata={"description": "smaller groups are reported as unclustered"})
    window_days = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(1, 3650),
        metadata={"description": "only interactions of the last N days (default: all)"})
    follow_weight = ma.fields.Float(load_default=_default("follow_weight"),
                                    validate=ma.validate.Range(0, 100))
    # a schema of its own, not a Dict with validated keys: the OpenAPI document then names
    # the kinds
    kind_weights = ma.fields.Nested(
        KindWeightsSchema, load_default=None, allow_none=True,
        metadata={"description": "weight per interaction kind; kinds left out weigh 0 "
                                 f"(omitted or empty: {DEFAULT_KIND_WEIGHTS})"})
    random_seed = ma.fields.Integer(load_default=_default("random_seed"),
                                    validate=ma.validate.Range(0, MAX_SEED))
    retention = ma.fields.Integer(
        load_default=_default("retention"), validate=ma.validate.Range(1, 100),
        metadata={"description": "succeeded runs whose results are kept"})
    influence = ma.fields.Boolean(
        load_default=_default("influence"),
        metadata={"description": "false: communities and leaders only (no influence metrics "
                                 "or seed sets; ~3x faster)"})
    seed_topics = ma.fields.Integer(
        load_default=_default("seed_topics"), validate=ma.validate.Range(0, 50),
        metadata={"description": "topics (most engagement first) that get a seed set"})

    leiden_trials = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(1, 50),
        metadata={"description": "Leiden runs with seeds random_seed, random_seed+1, ...; the "
                                 "partition of highest modularity is kept (default: by graph "
                                 "size, from 50 on small graphs down to 1 on large ones)"})

    @ma.post_load
    def make_params(self, data: dict[str, Any], **_: Any) -> RefreshParams:
        """Frozen parameters (``kind_weights`` omitted, null or empty means the defaults)."""
        if not data.get("kind_weights"):
            data.pop("kind_weights", None)
        return RefreshParams(**data)


def load_params(data: Mapping[str, Any] | None = None) -> RefreshParams:
    """Validate caller-supplied parameters; raises ``marshmallow.ValidationError``."""
    result: RefreshParams = RefreshParamsSchema().load(dict(data or {}))
    return result


def describe_errors(messages: Any) -> str:
    """A validation error as one line, ``field: message; field: message`` (API and CLI)."""
    if isinstance(messages, Mapping):
        parts = []
        for key, value in messages.items():
            inner = describe_errors(value)
            parts.append(f"{key}: {inner}" if not isinstance(value, Mapping) else
                         f"{key}.{inner}")
        return "; ".join(parts)
    if isinstance(messages, list | tuple):
        return " ".join(describe_errors(m) for m in messages)
    return str(messages)
