"""One JSON error shape ``{code, status, message, errors?}`` for every failure.

Taxonomy (what raises it → what the client sees):

    ApiError(status)            our own checks: 401/403 auth, 404 unknown id, 409 conflict,
                                413 too large, 415 wrong content type, 503 not ready
    marshmallow validation      422 with per-field (and per-row) ``errors``
    werkzeug HTTPException      its own status and headers (400 malformed JSON, 404 unknown
                                path, 405 with ``Allow``, ...)
    neo4j ServiceUnavailable,
    SessionExpired, TransientError after retries
                                503 with ``Retry-After``: the database is down or busy
    anything else               500 "internal error"; logged, never echoed to the client

``ApiError`` is a werkzeug ``HTTPException`` carrying ``data`` the way flask-smorest's
``abort`` does, so one handler (flask-smorest's, extended by :class:`Api`) answers every
HTTP error; :class:`ErrorSchema` documents that shape in ``/openapi.json``.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Flask, Response, jsonify
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from werkzeug.exceptions import HTTPException

from .refresh.params import describe_errors

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class ErrorSchema(ma.Schema):
    """The one error shape (documentation only: errors are built by :func:`error_body`)."""

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = ma.fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = ma.fields.String(required=True, metadata={"description": "what went wrong"})
    errors = ma.fields.Dict(
        metadata={"description": "per location, field and row: what is wrong (422)"}
    )


class ApiError(HTTPException):
    """An error we raise on purpose, carrying its HTTP status and message."""

    def __init__(
        self,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(description=message)
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = dict(headers or {})
        self.data: dict[str, Any] = {"message": message, "headers": self.headers}
        if errors:
            self.data["errors"] = errors


def error_body(code: int, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error shape as a dict."""
    body: dict[str, Any] = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


def error_response(
    code: int,
    message: str,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the one error shape as a response."""
    resp = jsonify(error_body(code, message, errors))
    resp.status_code = code
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    if code == 503:
        resp.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    return resp


class Api(flask_smorest.Api):
    """flask-smorest's Api whose HTTP error handler always fills in the documented shape."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Any:
        """Every HTTPException (ours, webargs', werkzeug's) in the one shape, headers kept."""
        payload, code, headers = super().handle_http_exception(error)
        code = code or 500
        errors = payload.get("errors")
        if code == 422 and isinstance(errors, dict) and "message" not in payload:
            # webargs nests errors under the location ("json", "query"); keep that: it says where
            message = validation_message(errors)
        else:
            message = payload.get("message") or error.description or HTTPStatus(code).phrase
        if code == 400 and errors == {"json": ["Invalid JSON body."]}:
            message, errors = "malformed JSON body", None
        # werkzeug's own headers matter: 405 answers must carry Allow (RFC 9110)
        merged = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        merged.update(headers or {})
        return error_response(code, message, errors, merged)


def validation_message(errors: dict[str, Any]) -> str:
    """One line for a 422: the field errors themselves when they are flat (the same text
    the CLI prints for the same refresh parameters), else a pointer to ``errors``."""
    fields = [v for v in errors.values() if isinstance(v, dict)]
    flat = len(fields) == 1 and all(
        isinstance(msgs, list) and all(isinstance(m, str) for m in msgs)
        for msgs in fields[0].values())
    if flat:
        return "validation failed: " + describe_errors(fields[0])
    return "validation failed: see errors"


def handle_database_unavailable(error: Exception) -> Response:
    """Neo4j unreachable or its cluster in flux: tell the client to retry later."""
    log.warning("database unavailable: %s", error)
    return error_response(503, "the graph database is unavailable; retry later")


def handle_unexpected(error: Exception) -> Response:
    """Our own bug: log it with the stack, answer without details."""
    log.exception("unhandled error", exc_info=error)
    return error_response(500, "internal error")


def init_app(app: Flask) -> None:
    """Register the handlers that are not HTTP errors (the Api registers that one)."""
    for exc in (ServiceUnavailable, SessionExpired, TransientError):
        app.register_error_handler(exc, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
