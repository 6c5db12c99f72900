"""Community Map: community maps and their leaders, on Neo4j + Graph Data Science."""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask

from . import errors, headers, metrics, request_ids
from .api.cache import ReadCache
from .cypher import library
from .db import Database
from .settings import Settings, load_settings

__all__ = ["create_app"]


def create_app(env: Mapping[str, str] | None = None, settings: Settings | None = None) -> Flask:
    """App factory: settings from an explicit mapping, the driver created lazily per process."""
    if settings is None:
        settings = load_settings(os.environ if env is None else env)
    library()  # fail fast on a malformed cypher/ file, naming it
    # no static folder: every route is an API operation or the documentation (see api/docs)
    app = Flask(__name__, static_folder=None)
    app.config.update(
        CM_SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE="Community Map",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS=spec_options(),
    )
    app.extensions["cm_db"] = Database(settings)
    app.extensions["cm_cache"] = ReadCache.from_settings(settings)  # read answers, per process
    request_ids.init_app(app)  # first: every later hook and log line has the request id
    metrics.init_app(app)
    headers.init_app(app, settings.cors_origins)

    from .api import docs, register
    from .api.contract import ErrorResponses, document_row_limit
    from .schemas import ROW_SCHEMAS

    api = errors.Api(app, spec_kwargs={"extra_plugins": [ErrorResponses()]})
    errors.init_app(app)
    register(api)
    document_row_limit(api.spec, ROW_SCHEMAS, settings.max_rows)
    app.register_blueprint(docs.blp)  # the Swagger UI page: documentation, not an operation
    return app


def spec_options() -> dict[str, object]:
    """The OpenAPI document's info and security schemes."""
    from .api.contract import MAX_JSON_DEPTH

    return {
        "info": {
            "description": "Tight, like-minded groups in a social graph and the leaders who "
            "drive adoption inside them. Every /v1 endpoint and /metrics needs an API key "
            "(Authorization: Bearer <key> or X-API-Key) with the role it names. Errors always "
            "have the shape {code, status, message, errors?}. JSON bodies may nest at most "
            f"{MAX_JSON_DEPTH} levels. Every response carries X-Request-ID (yours, when you "
            "send a sane one: 1-128 of A-Z a-z 0-9 . _ : -).",
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            }
        },
    }
