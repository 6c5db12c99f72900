"""The generated neo4j.conf turns telemetry off, and the running server accepts and applies it."""

from __future__ import annotations

from service import neo4j_local
from service.db import Database

TELEMETRY_OFF = {"dbms.usage_report.enabled": "false", "client.allow_telemetry": "false"}


def test_generated_conf_turns_telemetry_off() -> None:
    conf = neo4j_local.render_conf(neo4j_local.LocalNeo4j())
    for key, value in TELEMETRY_OFF.items():
        assert f"\n{key}={value}\n" in conf


def test_running_server_has_telemetry_off(database: Database) -> None:
    if database.settings.external_neo4j:
        return  # another server's config is not ours to check
    with database.session() as session:
        rows = session.run("SHOW SETTINGS YIELD name, value WHERE name IN $names "
                           "RETURN name, value", names=list(TELEMETRY_OFF)).data()
        client = session.run("CALL dbms.clientConfig()").data()
    assert {r["name"]: r["value"].lower() for r in rows} == TELEMETRY_OFF
    # what Neo4j Browser reads at connect time to decide on its analytics banner
    browser = {r["name"]: r["value"] for r in client}
    assert str(browser["client.allow_telemetry"]).lower() == "false"
