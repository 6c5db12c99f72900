"""One JSON error shape ``{code, status, message, errors?}`` for every failure.

Taxonomy (what raises it → what the client sees):

    ApiError(status)            our own checks: 401/403 auth, 404 unknown id, 409 conflict,
                                413 too large, 415 wrong content type, 503 not ready
    marshmallow validation      422 with per-field (and per-row) ``errors``
    werkzeug HTTPException      its own status (400 malformed JSON, 404 unknown path, ...)
    neo4j ServiceUnavailable,
    SessionExpired, TransientError after retries
                                503 with ``Retry-After``: the database is down or busy
    anything else               500 "internal error"; logged, never echoed to the client
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, jsonify
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from werkzeug.exceptions import HTTPException

from .refresh.params import describe_errors

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class ApiError(Exception):
    """An error we raise on purpose, carrying its HTTP status and message."""

    def __init__(
        self,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers or {}


def error_response(
    code: int,
    message: str,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the one error shape."""
    body: dict[str, Any] = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    resp = jsonify(body)
    resp.status_code = code
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def handle_http_exception(error: HTTPException) -> Response:
    """Werkzeug/flask-smorest errors (incl. webargs 422) in the one shape."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    if code == 422 and isinstance(errors, dict):
        # webargs nests errors under the location ("json", "query"); keep that: it says where.
        message = validation_message(errors)
    else:
        message = data.get("message") or error.description or HTTPStatus(code).phrase
    if code == 400 and errors == {"json": ["Invalid JSON body."]}:
        message, errors = "malformed JSON body", None
    return error_response(code, message, errors, data.get("headers"))


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


def handle_api_error(error: ApiError) -> Response:
    """Our deliberate errors."""
    headers = dict(error.headers)
    if error.code == 503:
        headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    return error_response(error.code, error.message, error.errors, headers)


def handle_database_unavailable(error: Exception) -> Response:
    """Neo4j unreachable or its cluster in flux: tell the client to retry later."""
    log.warning("database unavailable: %s", error)
    return error_response(
        503,
        "the graph database is unavailable; retry later",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def handle_unexpected(error: Exception) -> Response:
    """Our own bug: log it with the stack, answer without details."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error", exc_info=error)
    return error_response(500, "internal error")


def init_app(app: Flask) -> None:
    """Register the handlers on the app."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ApiError, handle_api_error)
    for exc in (ServiceUnavailable, SessionExpired, TransientError):
        app.register_error_handler(exc, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
