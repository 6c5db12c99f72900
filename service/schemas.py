"""marshmallow schemas for requests and responses (JSON snake_case)."""

from __future__ import annotations

import marshmallow as ma


class HealthSchema(ma.Schema):
    """Liveness answer."""

    status = ma.fields.String(required=True)


class ReadySchema(ma.Schema):
    """Readiness answer with the versions found."""

    status = ma.fields.String(required=True)
    neo4j = ma.fields.String()
    edition = ma.fields.String()
    gds = ma.fields.String()
