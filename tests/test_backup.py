"""Backup and restore of the local server: dump, wipe, restore -> the same graph, and the
same serving run answers the same /v1/communities. Runs against the suite's own instance
and leaves it running."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from service import bulk, neo4j_local
from service.backup import BackupError, counts, read_manifest, restore
from service.cli import main
from service.db import Database
from service.demo import GraphSpec, generate
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.settings import Settings, load_settings

from .conftest import auth, suite_env, wipe

pytestmark = pytest.mark.slow
SPEC = GraphSpec(accounts=150, follows=1000, interactions=1200, posts=80, adoptions=100,
                 communities=3, seed=5)


@pytest.fixture
def local_only(neo4j_server: Settings) -> Settings:
    if neo4j_server.external_neo4j:
        pytest.skip("backup/restore drive the local server; NEO4J_URI points elsewhere")
    return neo4j_server


def answered(client: FlaskClient, url: str, seconds: float = 60) -> Any:
    """The answer once the restarted server takes requests (503 with Retry-After until
    then: the pooled connections of the app died with the old server process)."""
    deadline = time.monotonic() + seconds
    while True:
        resp = client.get(url, headers=auth("read"))
        if resp.status_code != 503 or time.monotonic() > deadline:
            return resp.get_json()
        time.sleep(int(resp.headers.get("Retry-After", "1")))


def test_backup_wipe_restore_gives_back_the_same_graph_and_answers(
    local_only: Settings, database: Database, client: FlaskClient, tmp_path: Path
) -> None:
    wipe(database)
    bulk.load_all(database, generate(SPEC, tmp_path / "graph"))
    assert run_refresh(database, RefreshParams(seed_topics=2)).status == "succeeded"
    before = counts(local_only)
    answer = client.get("/v1/communities?limit=100", headers=auth("read")).get_json()
    runner = CliRunner(env=suite_env())

    backed = runner.invoke(main, ["backup", "--to", str(tmp_path / "bk")])
    assert backed.exit_code == 0, backed.output
    assert "Stopping Neo4j" in backed.output and "again" in backed.output
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert (manifest["nodes"], manifest["relationships"], manifest["serving_run"]) == (
        before["nodes"], before["relationships"], before["servingRun"])
    assert neo4j_local.read_pid(local_only.local) is not None  # running again

    wipe(database)
    assert counts(local_only)["nodes"] == 0
    assert client.get("/v1/communities", headers=auth("read")).status_code == 503

    restored = runner.invoke(main, ["restore", "--from", str(tmp_path / "bk"), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Stopping Neo4j" in restored.output
    assert counts(local_only) == before
    assert answered(client, "/v1/communities?limit=100") == answer
    assert neo4j_local.port_open(local_only.local.bolt_port)

    again = runner.invoke(main, ["backup", "--to", str(tmp_path / "bk")])
    assert again.exit_code == 1 and "--force" in again.output


def test_a_damaged_dump_is_not_restored(local_only: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    folder.mkdir()
    (folder / "neo4j.dump").write_bytes(b"not a dump")
    (folder / "manifest.json").write_text(json.dumps({
        "database": "neo4j", "neo4j": "5.26", "gds": "2.13", "created_at": "x", "nodes": 1,
        "relationships": 0, "serving_run": None, "dump": "neo4j.dump", "sha256": "0" * 64,
        "bytes": 10}))
    with pytest.raises(BackupError, match="SHA-256"):
        read_manifest(folder)
    result = CliRunner(env=suite_env()).invoke(main, ["restore", "--from", str(folder), "--yes"])
    assert result.exit_code == 1 and "SHA-256" in result.output
    assert neo4j_local.port_open(local_only.local.bolt_port)  # never stopped


def test_backup_refuses_a_remote_server(tmp_path: Path) -> None:
    remote = load_settings({**suite_env(), "NEO4J_URI": "neo4j+s://example.databases.neo4j.io",
                            "NEO4J_PASSWORD": "x"})
    with pytest.raises(BackupError, match="README"):
        restore(remote, tmp_path, print)
