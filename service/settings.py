"""Typed settings read from an explicit environment mapping (never at import time)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .keys import ApiKey, dev_keys, parse_api_keys
from .neo4j_local import LocalNeo4j, local_from_env
from .tiers import DEFAULT_TIERS, Tiers, parse_tiers

MAX_ROWS_LIMIT = 50_000


class SettingsError(ValueError):
    """One or more settings are missing or invalid; the message lists every one."""


@dataclass(frozen=True)
class Settings:
    """Everything the app, the CLI and jobs need to know, validated once."""

    neo4j_uri: str
    neo4j_user: str
    neo4j_password: str
    neo4j_database: str
    external_neo4j: bool
    local: LocalNeo4j
    api_keys: tuple[ApiKey, ...]
    using_dev_keys: bool
    max_rows: int = 10_000
    max_body_bytes: int = 16 * 1024 * 1024
    connection_timeout: float = 5.0
    # How long the driver retries a transaction on transient errors before giving up (503).
    retry_seconds: float = 5.0
    # Browser origins allowed to call the API cross-origin (CORS); none by default.
    cors_origins: tuple[str, ...] = ()
    # Follower tiers of /v1/influencers?tier= (CM_TIERS; service/tiers.py)
    tiers: Tiers = DEFAULT_TIERS
    # Refresh queue (service/worker.py): a running refresh's lock expires this many seconds
    # after its last renewal (then the run is failed as abandoned); its worker renews the
    # lock and its own last-seen time every refresh_heartbeat seconds; an idle worker looks
    # for a queued run every worker_poll seconds. A worker is alive when seen within the TTL.
    refresh_lock_ttl: float = 90.0
    refresh_heartbeat: float = 15.0
    worker_poll: float = 2.0
    # GDS work (mode ``gds`` queries) on its own server, e.g. a cluster's analytics
    # secondary; empty: the main driver (NEO4J_URI) runs it.
    gds_uri: str = ""
    gds_user: str = ""
    gds_password: str = ""
    # Read cache (service/api/cache.py), per process: how often the serving run is re-read
    # (0 = every request), and at most how many answers / bytes of answers are kept.
    cache_ttl: float = 1.0
    cache_max_entries: int = 2_000
    cache_max_bytes: int = 64 * 1024 * 1024


def _int(
    env: Mapping[str, str], key: str, default: int, lo: int, hi: int, errors: list[str]
) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        errors.append(f"{key}: expected an integer, got {raw!r}")
        return default
    if not lo <= value <= hi:
        errors.append(f"{key}: must be between {lo} and {hi}, got {value}")
    return value


def _float(env: Mapping[str, str], key: str, default: float, errors: list[str],
           zero_ok: bool = False, hi: float = float("inf")) -> float:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        errors.append(f"{key}: expected a number, got {raw!r}")
        return default
    if value < 0 or (value == 0 and not zero_ok):
        errors.append(f"{key}: must be {'0 or more' if zero_ok else 'positive'}, got {value}")
    elif value > hi:
        errors.append(f"{key}: must be at most {hi:g}, got {value:g}")
    return value


def _origins(env: Mapping[str, str], errors: list[str]) -> tuple[str, ...]:
    """CM_CORS_ORIGINS: comma-separated origins, each scheme://host[:port] and nothing more."""
    origins = tuple(o.strip().rstrip("/") for o in env.get("CM_CORS_ORIGINS", "").split(","))
    origins = tuple(o for o in origins if o)
    for origin in origins:
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
            errors.append(f"CM_CORS_ORIGINS: {origin!r} is not an origin like "
                          "https://dash.example.com[:port] (no path, no wildcard)")
    return origins


def _tiers(env: Mapping[str, str], errors: list[str]) -> Tiers:
    """CM_TIERS: follower tiers as name:lower_bound pairs (service/tiers.py)."""
    if not env.get("CM_TIERS", "").strip():
        return DEFAULT_TIERS
    try:
        return parse_tiers(env["CM_TIERS"])
    except ValueError as exc:
        errors.append(f"CM_TIERS: {exc}")
        return DEFAULT_TIERS


def _queue_and_gds(env: Mapping[str, str], errors: list[str]) -> dict[str, Any]:
    """The refresh queue's timings and the optional GDS server (CM_REFRESH_*, CM_WORKER_*,
    CM_GDS_*)."""
    ttl = _float(env, "CM_REFRESH_LOCK_TTL", 90.0, errors)
    beat = _float(env, "CM_REFRESH_HEARTBEAT", 15.0, errors)
    if beat * 3 > ttl:
        errors.append(f"CM_REFRESH_HEARTBEAT: must be at most a third of CM_REFRESH_LOCK_TTL "
                      f"({ttl:g} s), so two missed renewals do not lose the lock; got {beat:g}")
    poll = _float(env, "CM_WORKER_POLL", 2.0, errors)
    gds_uri = env.get("CM_GDS_URI", "").strip()
    if gds_uri and gds_uri.split("://", 1)[0] not in {"bolt", "bolt+s", "bolt+ssc"}:
        # GDS keeps a refresh's in-memory graphs on the server that projected them: every
        # call must reach that one server (Neo4j documents bolt:// to the analytics secondary)
        errors.append(f"CM_GDS_URI: expected bolt:// (optionally +s/+ssc) to one server, got "
                      f"{gds_uri!r}")
    return {"refresh_lock_ttl": ttl, "refresh_heartbeat": beat, "worker_poll": poll,
            "gds_uri": gds_uri,
            "gds_user": env.get("CM_GDS_USER", "") if gds_uri else "",
            "gds_password": env.get("CM_GDS_PASSWORD", "") if gds_uri else ""}


def _cache(env: Mapping[str, str], errors: list[str]) -> dict[str, Any]:
    """The read cache's bounds (CM_CACHE_*)."""
    return {
        "cache_ttl": _float(env, "CM_CACHE_TTL", 1.0, errors, zero_ok=True, hi=60.0),
        "cache_max_entries": _int(env, "CM_CACHE_ENTRIES", 2_000, 0, 1_000_000, errors),
        "cache_max_bytes": _int(env, "CM_CACHE_MB", 64, 0, 16_384, errors) * 1024 * 1024,
    }


def load_settings(env: Mapping[str, str], instance: str | None = None) -> Settings:
    """Validate the environment mapping into Settings, or raise SettingsError listing all."""
    errors: list[str] = []
    local = LocalNeo4j()
    try:
        local = local_from_env(env, instance)
    except ValueError as exc:
        errors.append(f"CM_NEO4J_*: {exc}")
    uri = env.get("NEO4J_URI", "").strip()
    external = bool(uri)
    if external and uri.split("://", 1)[0] not in {
        "bolt",
        "bolt+s",
        "bolt+ssc",
        "neo4j",
        "neo4j+s",
        "neo4j+ssc",
    }:
        errors.append(f"NEO4J_URI: expected bolt:// or neo4j:// (optionally +s/+ssc), got {uri!r}")
    password = env.get("NEO4J_PASSWORD", local.password)
    if external and "NEO4J_PASSWORD" not in env:
        errors.append("NEO4J_PASSWORD: required when NEO4J_URI points at another server")
    keys: tuple[ApiKey, ...] = ()
    raw_keys = env.get("CM_API_KEYS", "").strip()
    if raw_keys:
        try:
            keys = parse_api_keys(raw_keys)
        except ValueError as exc:
            errors.append(f"CM_API_KEYS: {exc}")
    using_dev = not raw_keys
    if using_dev:
        keys = dev_keys()
    max_rows = _int(env, "CM_MAX_ROWS", 10_000, 1, MAX_ROWS_LIMIT, errors)
    max_body = _int(env, "CM_MAX_BODY_MB", 16, 1, 512, errors) * 1024 * 1024
    timeout = _float(env, "CM_NEO4J_CONNECT_TIMEOUT", 5.0, errors)
    retry = _float(env, "CM_NEO4J_RETRY_SECONDS", 5.0, errors)
    cors_origins = _origins(env, errors)
    tiers = _tiers(env, errors)
    extra = _queue_and_gds(env, errors) | _cache(env, errors)
    if errors:
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(errors))
    return Settings(
        neo4j_uri=uri or local.bolt_uri,
        neo4j_user=env.get("NEO4J_USER", "neo4j"),
        neo4j_password=password,
        neo4j_database=env.get("NEO4J_DATABASE", "neo4j"),
        external_neo4j=external,
        local=local,
        api_keys=keys,
        using_dev_keys=using_dev,
        max_rows=max_rows,
        max_body_bytes=max_body,
        connection_timeout=timeout,
        retry_seconds=retry,
        cors_origins=cors_origins,
        tiers=tiers,
        **extra,
    )
