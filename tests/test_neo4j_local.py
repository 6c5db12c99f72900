"""The provisioned server: versions, procedures, Browser, CLI status, config rendering."""

from __future__ import annotations

import urllib.request

from click.testing import CliRunner

from service import neo4j_local
from service.cli import main
from service.db import Database
from service.settings import Settings

from .conftest import suite_env


def test_gds_version_is_2_13(database: Database) -> None:
    row = database.fetch("health/ready")[0]
    assert row["gds"].startswith("2.13.")
    assert row["neo4j"].startswith("5.26.")


def test_gds_list_returns_the_procedures(database: Database) -> None:
    with database.session() as session:
        names = [r["name"] for r in session.run("CALL gds.list() YIELD name RETURN name")]
    assert len(names) > 300
    for proc in ("gds.leiden.stream", "gds.louvain.write", "gds.pageRank.stream",
                 "gds.influenceMaximization.celf.stream", "gds.graph.project"):
        assert proc in names


def test_browser_is_served(neo4j_server: Settings) -> None:
    if neo4j_server.external_neo4j:
        return  # Browser belongs to whoever runs that server
    url = neo4j_server.local.browser_url
    with urllib.request.urlopen(url, timeout=10) as resp:
        body = resp.read().decode()
    assert resp.status == 200
    assert "Neo4j Browser" in body or "neo4j" in body.lower()


def test_http_discovery_reports_version(neo4j_server: Settings) -> None:
    if neo4j_server.external_neo4j:
        return
    with urllib.request.urlopen(neo4j_server.local.http_url + "/", timeout=10) as resp:
        body = resp.read().decode()
    assert '"neo4j_version":"5.26.' in body


def test_status_cli_reports_versions_and_pid(neo4j_server: Settings) -> None:
    if neo4j_server.external_neo4j:
        return
    instance = neo4j_server.local.instance
    result = CliRunner(env=suite_env()).invoke(main, ["neo4j", "--instance", instance, "status"])
    assert result.exit_code == 0, result.output
    assert "GDS:     2.13." in result.output
    assert f"Bolt:    bolt://127.0.0.1:{neo4j_server.local.bolt_port}" in result.output
    assert "PID:" in result.output


def test_status_of_a_stopped_instance_exits_3(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = dict(suite_env(), CM_NEO4J_HOME=str(tmp_path), CM_NEO4J_BOLT_PORT="1")
    result = CliRunner(env=env).invoke(main, ["neo4j", "--instance", "nothing", "status"])
    assert result.exit_code == 3
    assert "not running" in result.output


def test_install_is_cached(neo4j_server: Settings) -> None:
    if neo4j_server.external_neo4j:
        return
    assert neo4j_local.is_installed(neo4j_server.local)
    assert neo4j_local.install(neo4j_server.local)[0].startswith("already installed")


def test_conf_binds_loopback_and_sizes_memory() -> None:
    local = neo4j_local.LocalNeo4j(bolt_port=1234, http_port=5678, heap="3g", pagecache="1g")
    conf = neo4j_local.render_conf(local)
    assert "server.bolt.listen_address=127.0.0.1:1234" in conf
    assert "server.http.listen_address=127.0.0.1:5678" in conf
    assert "server.memory.heap.max_size=3g" in conf
    assert "server.memory.pagecache.size=1g" in conf
    assert "dbms.security.procedures.unrestricted=gds.*" in conf


def test_with_neo4j_uri_set_start_stop_and_status_leave_the_local_server_alone(
    neo4j_server: Settings,
) -> None:
    if neo4j_server.external_neo4j:
        return
    local = neo4j_server.local
    # the user points us at a server (here: the very one running locally, over its URI)
    env = dict(suite_env(), NEO4J_URI=local.bolt_uri, NEO4J_PASSWORD=neo4j_server.neo4j_password)
    runner = CliRunner(env=env)
    stop = runner.invoke(main, ["neo4j", "stop"])
    assert stop.exit_code == 0, stop.output
    assert "nothing was stopped" in stop.output and local.bolt_uri in stop.output
    assert neo4j_local.read_pid(local) is not None and neo4j_local.port_open(local.bolt_port)
    start = runner.invoke(main, ["neo4j", "start"])
    assert start.exit_code == 0 and "nothing provisioned" in start.output
    status = runner.invoke(main, ["neo4j", "status"])
    assert status.exit_code == 0, status.output
    assert "(NEO4J_URI; the local server is not used)" in status.output
    assert "GDS:     2.13." in status.output


def test_status_of_an_unreachable_neo4j_uri_exits_3() -> None:
    env = dict(suite_env(), NEO4J_URI="bolt://127.0.0.1:1", NEO4J_PASSWORD="x",
               CM_NEO4J_CONNECT_TIMEOUT="1")
    result = CliRunner(env=env).invoke(main, ["neo4j", "status"])
    assert result.exit_code == 3
    assert "does not answer" in result.output
