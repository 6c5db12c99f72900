"""Ingest endpoints (role ``write``): each request is one all-or-nothing, idempotent batch."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView

from .. import metrics
from ..auth import check_role, require_role
from ..errors import ApiError, error_response
from ..loading import prepare_row, write_batch
from ..schemas import BATCH_LIMIT, ROW_SCHEMAS, TooManyRows, WriteResultSchema, batch_schema
from . import SECURITY, db, settings
from .contract import Blueprint

blp = Blueprint(
    "ingest",
    __name__,
    url_prefix="/v1",
    description="Load accounts, follows, interactions, posts and adoptions. Each request is "
    "all-or-nothing (a 422 writes nothing) and idempotent (repeating it changes nothing).",
)


@blp.before_request
def check_request() -> None:
    """Key first (401/403), then 415 for non-JSON bodies; set this request's row limit."""
    if request.method == "POST":
        check_role("write")
    if request.method == "POST" and not request.is_json:
        raise ApiError(415, "send the body as JSON with 'Content-Type: application/json'")
    BATCH_LIMIT.set(settings().max_rows)


def too_many_rows(error: TooManyRows) -> Response:
    """413 naming the limit (raised while the body schema loads)."""
    return error_response(413, f"{error}; split the batch")


def make_view(entity: str) -> type[MethodView]:
    """The POST view of one entity (a MethodView class: flask-smorest documents its POST)."""
    body = batch_schema(entity)

    class IngestView(MethodView):
        # require_role is outermost: the key is checked before the body is even parsed
        @require_role("write")
        @blp.doc(security=SECURITY)
        @blp.arguments(body)
        @blp.response(200, WriteResultSchema)
        def post(self, payload: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
            rows = [prepare_row(entity, row) for row in payload[entity]]
            counts = write_batch(db(), entity, rows).as_dict()
            metrics.current().count_ingest(entity, counts)
            return counts

    IngestView.__name__ = f"{entity.title()}IngestView"
    IngestView.post.__doc__ = (
        f"Create or update {entity} (role write).\n\nAll-or-nothing and idempotent; at most "
        "CM_MAX_ROWS rows (default 10,000). Unknown accounts become placeholders.")
    return IngestView


blp.register_error_handler(TooManyRows, too_many_rows)

for _entity in ROW_SCHEMAS:
    # the class, not .as_view(): flask-smorest reads the class's methods to document them
    blp.add_url_rule(f"/{_entity}", _entity, make_view(_entity))
