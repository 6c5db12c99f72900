"""``GET /metrics``: Prometheus text format, for a scraper holding a ``read`` key."""

from __future__ import annotations

from flask import Response

from .. import metrics
from ..auth import require_role
from . import SECURITY, db
from .contract import Blueprint

blp = Blueprint("metrics", __name__, description="Operational metrics (Prometheus)")

TEXT_FORMAT = {
    "description": "Prometheus text exposition format",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}


@blp.route("/metrics")
@require_role("read")
@blp.doc(security=SECURITY, responses={"200": TEXT_FORMAT})
def prometheus_metrics() -> Response:
    """Requests, latency, ingest rows and refresh runs (role read).

    Request and ingest counters cover every gunicorn worker of this API node; refresh
    metrics come from Neo4j, so all nodes agree. Configure the scraper with
    `authorization: {credentials: <read key>}`."""
    body = metrics.current().exposition(db())
    return Response(body, mimetype=None, content_type=metrics.CONTENT_TYPE)
