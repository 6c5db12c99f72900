"""Liveness and readiness probes (open: no API key)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired

from ..errors import ApiError
from ..refresh.runs import queue_state
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
    """Neo4j answers and the GDS plugin is present; also how many refresh workers are alive
    (none alive does not make the API unready: it serves reads and queues refreshes)."""
    uri = settings().neo4j_uri
    try:
        row = db().probe()
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        raise ApiError(503, f"Neo4j is unreachable at {uri}: {exc}") from exc
    except AuthError as exc:
        raise ApiError(503, f"Neo4j at {uri} rejected our credentials: {exc.message}") from exc
    except ClientError as exc:
        if "gds.version" in str(exc.message) or "Unknown function" in str(exc.message):
            raise ApiError(503, "the GDS plugin is not installed on Neo4j at "
                           f"{settings().gds_uri or uri}") from exc
        raise
    ready = {"status": "ready", "neo4j": row["neo4j"], "edition": row["edition"],
             "gds": row["gds"], "workers_alive": int(queue_state(db())["workersAlive"])}
    if not ready["workers_alive"]:
        ready["note"] = ("no refresh worker is alive: POST /v1/refresh queues runs that wait "
                         "for one (`community-map worker`)")
    return ready
