"""Community Map: community maps and their leaders, on Neo4j + Graph Data Science."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from flask import Flask
from flask_smorest import Api

from . import errors
from .cypher import library
from .db import Database
from .settings import Settings, load_settings

__all__ = ["create_app"]


def create_app(env: Mapping[str, str] | None = None, settings: Settings | None = None) -> Flask:
    """App factory: settings from an explicit mapping, the driver created lazily per process."""
    if settings is None:
        settings = load_settings(os.environ if env is None else env)
    library()  # fail fast on a malformed cypher/ file, naming it
    app = Flask(__name__)
    app.config.update(
        CM_SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE="Community Map",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Tight, like-minded groups in a social graph and the leaders "
                "who drive adoption inside them. Every /v1 endpoint needs an API key "
                "(Authorization: Bearer <key> or X-API-Key) with the role it names.",
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                }
            },
        },
    )
    app.extensions["cm_db"] = Database(settings)
    api = Api(app)
    errors.init_app(app)  # after Api(): our handlers replace flask-smorest's default one

    from .api import register

    register(api)
    logging.basicConfig(level=logging.INFO)
    return app
