"""HTTP API: one blueprint per area, registered on the flask-smorest Api."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Api

from ..db import Database
from ..settings import Settings

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"apiKeyHeader": []}]


def db() -> Database:
    """The process's Database (driver holder) for the current app."""
    return current_app.extensions["cm_db"]


def settings() -> Settings:
    """The validated settings of the current app."""
    return current_app.config["CM_SETTINGS"]


def register(api: Api) -> None:
    """Register every blueprint."""
    from . import (
        explore,
        export,
        forget,
        health,
        influence,
        ingest,
        metrics,
        page,
        read,
        runs,
    )

    # export, explore, page: the map page, its views and the file exports
    for module in (health, ingest, runs, read, influence, forget, metrics, export, explore,
                   page):
        api.register_blueprint(module.blp)
