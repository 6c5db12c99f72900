"""Liveness and readiness probes (open: no API key)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired

from ..errors import ApiError
from ..schemas import HealthSchema, ReadySchema
from . import db, settings

blp = Blueprint("health", __name__, description="Process and database health")


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def healthz() -> dict[str, Any]:
    """The process is up (does not touch the database)."""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.response(200, ReadySchema)
@blp.alt_response(503, description="Neo4j unreachable or GDS missing")
def readyz() -> dict[str, Any]:
    """Neo4j answers and the GDS plugin is present."""
    uri = settings().neo4j_uri
    try:
        row = db().probe()
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        raise ApiError(503, f"Neo4j is unreachable at {uri}: {exc}") from exc
    except AuthError as exc:
        raise ApiError(503, f"Neo4j at {uri} rejected our credentials: {exc.message}") from exc
    except ClientError as exc:
        if "gds.version" in str(exc.message) or "Unknown function" in str(exc.message):
            raise ApiError(503, f"the GDS plugin is not installed on Neo4j at {uri}") from exc
        raise
    return {"status": "ready", "neo4j": row["neo4j"], "edition": row["edition"], "gds": row["gds"]}
