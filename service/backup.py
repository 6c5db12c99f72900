"""Back up and restore the local Neo4j with its own offline tools.

``backup`` writes ``<database>.dump`` (``neo4j-admin database dump``) and ``manifest.json``
(versions, node and relationship counts, the serving run, the dump's SHA-256) into a
folder; ``restore`` checks the manifest and the checksum, replaces the database with
``neo4j-admin database load``, and checks that the counts and the serving run are back.
Community Edition can only dump and load a stopped database, so both stop the server and
start it again (a server that was stopped before is left stopped after a backup). GDS
projections live in memory and are not part of a backup: nothing is lost, the next
refresh projects again. For a remote server or Enterprise see the README (online
``neo4j-admin database backup``, Aura snapshots).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import neo4j_local
from .db import Database
from .settings import Settings

Say = Callable[[str], None]
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore cannot run or did not check out; the message says why."""


@dataclass(frozen=True)
class Manifest:
    """What a backup folder holds."""

    database: str
    neo4j: str
    gds: str
    created_at: str
    nodes: int
    relationships: int
    serving_run: str | None
    dump: str
    sha256: str
    bytes: int


def counts(settings: Settings) -> dict[str, Any]:
    """Nodes, relationships and the serving run of the running server."""
    database = Database(settings)
    try:
        return database.fetch("backup/counts")[0]
    finally:
        database.close()


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def local_only(settings: Settings) -> neo4j_local.LocalNeo4j:
    """The local instance, or an error when NEO4J_URI points elsewhere."""
    if settings.external_neo4j:
        raise BackupError(f"backup and restore drive the local server; NEO4J_URI points at "
                          f"{settings.neo4j_uri}: use that server's own backup (README, "
                          "'Backups')")
    return settings.local


def backup(settings: Settings, folder: Path, force: bool, say: Say) -> Manifest:
    """Dump the database into ``folder`` (stops and restarts the server)."""
    local = local_only(settings)
    name = settings.neo4j_database
    dump = folder / f"{name}.dump"
    if (dump.exists() or (folder / MANIFEST).exists()) and not force:
        raise BackupError(f"{folder} already holds a backup; use --force to replace it")
    folder.mkdir(parents=True, exist_ok=True)
    was_running = neo4j_local.read_pid(local) is not None
    if not was_running:
        say(f"Starting Neo4j ({local.instance}) to read what the backup will hold ...")
    _, versions = neo4j_local.start(local)
    before = counts(settings)
    say(f"Stopping Neo4j ({local.instance}): Community Edition dumps a stopped database.")
    neo4j_local.stop(local)
    try:
        started = time.perf_counter()
        neo4j_local.admin(local, "database", "dump", name, f"--to-path={folder}",
                          "--overwrite-destination=true")
        say(f"Dumped {name} to {dump} in {time.perf_counter() - started:.1f}s.")
    finally:
        if was_running:
            say(f"Starting Neo4j ({local.instance}) again ...")
            neo4j_local.start(local)
    manifest = Manifest(
        database=name, neo4j=versions["neo4j"], gds=versions["gds"],
        created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        nodes=before["nodes"], relationships=before["relationships"],
        serving_run=before["servingRun"],
        dump=dump.name, sha256=sha256(dump), bytes=dump.stat().st_size)
    (folder / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    return manifest


def read_manifest(folder: Path) -> Manifest:
    """The manifest of a backup folder, its dump checked against the recorded SHA-256."""
    try:
        manifest = Manifest(**json.loads((folder / MANIFEST).read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: {exc}") from exc
    dump = folder / manifest.dump
    if not dump.is_file():
        raise BackupError(f"{dump} is missing")
    if sha256(dump) != manifest.sha256:
        raise BackupError(f"{dump} does not match the SHA-256 in {MANIFEST}: damaged or "
                          "replaced; not restoring it")
    return manifest


def restore(settings: Settings, folder: Path, say: Say) -> Manifest:
    """Replace the database with a backup (stops and restarts the server), then check it."""
    local = local_only(settings)
    manifest = read_manifest(folder)
    if manifest.database != settings.neo4j_database:
        raise BackupError(f"the backup holds database {manifest.database!r}, not "
                          f"{settings.neo4j_database!r} (NEO4J_DATABASE)")
    say(f"Stopping Neo4j ({local.instance}): Community Edition loads into a stopped database.")
    neo4j_local.stop(local)
    neo4j_local.prepare_instance(local)
    started = time.perf_counter()
    try:
        neo4j_local.admin(local, "database", "load", manifest.database, f"--from-path={folder}",
                          "--overwrite-destination=true")
        say(f"Loaded {folder / manifest.dump} in {time.perf_counter() - started:.1f}s.")
    finally:
        say(f"Starting Neo4j ({local.instance}) again ...")
        neo4j_local.start(local)
    after = counts(settings)
    got = (after["nodes"], after["relationships"], after["servingRun"])
    expected = (manifest.nodes, manifest.relationships, manifest.serving_run)
    if got != expected:
        raise BackupError(f"restored database differs from the backup: (nodes, "
                          f"relationships, serving run) {got} != {expected}")
    return manifest
