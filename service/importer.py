"""The fastest initial load: ``neo4j-admin database import full`` into the local server.

A running server is checked for emptiness (unless ``force``) and told to stop; while it
shuts down, the input files become neo4j-admin files in bounded memory
(:mod:`service.import_files`), so no server is held up during the preparation. The server
is started again once neo4j-admin has replaced the ``neo4j`` database, and the schema is
applied. The resulting graph equals what ``community-map load`` builds (tests/test_bulk.py
checks it).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import neo4j_local
from .bulk import Reject
from .db import Database
from .import_files import ARRAY_DELIMITER, Prepared, prepare_import, workers
from .settings import Settings
from .timing import Clock

# Off-heap memory neo4j-admin may take: its default, 90% of the free memory, leaves nothing
# on a shared machine; half still scales with the box (the 100k-account benchmark graph
# peaks at ~1 GB).
IMPORT_MEMORY = "50%"


class ImportError_(RuntimeError):
    """The import could not run (not a local server, database not empty, tool failed)."""


def database_is_empty(settings: Settings) -> bool:
    """True when the database holds no nodes."""
    database = Database(settings)
    try:
        return bool(database.fetch("load/database_is_empty")[0]["empty"])
    finally:
        database.close()


def has_store(local: neo4j_local.LocalNeo4j) -> bool:
    """True when the instance's ``neo4j`` database has ever been created."""
    return (local.data_dir / "databases" / "neo4j").is_dir()


def check_empty(settings: Settings, force: bool) -> bool:
    """Without ``force``, refuse a database with data in it; returns whether the local
    server was running."""
    local = settings.local
    running = neo4j_local.read_pid(local) is not None
    if not force and (running or has_store(local)):
        if not running:  # only a server can say whether its store holds nodes
            neo4j_local.start(local)
        if not database_is_empty(settings):
            raise ImportError_("the database is not empty; use `community-map load`, or "
                               "--force to replace everything")
    return running


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def prepare_stopped(settings: Settings, files: dict[str, Path], folder: Path, clock: Clock,
                    restart: bool) -> Prepared:
    """Stop the server and prepare the files at the same time: its shutdown (a checkpoint,
    mostly disk) overlaps the preparation (CPU), which then has the machine to itself. If the
    preparation fails, the server is started again if ``restart``, its data untouched."""
    with ThreadPoolExecutor(1, thread_name_prefix="stop-neo4j") as pool:
        stopping = pool.submit(_timed, lambda: neo4j_local.stop(settings.local))
        try:
            with clock.stage("prepare"):
                prepared = prepare_import(files, folder)
        except BaseException:
            stopping.result()
            if restart:
                neo4j_local.start(settings.local)
            raise
        clock.add("stop", stopping.result())
    return prepared


def admin_import_args(local: neo4j_local.LocalNeo4j, prepared: Prepared) -> list[str]:
    """The ``neo4j-admin database import full`` arguments for the prepared files."""
    args = ["database", "import", "full", "neo4j", "--overwrite-destination=true",
            "--ignore-empty-strings=true", f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
            f"--report-file={local.logs_dir / 'import.report'}", f"--threads={workers()}",
            f"--max-off-heap-memory={IMPORT_MEMORY}"]
    for label, paths in prepared.nodes.items():
        args.append(f"--nodes={label}={','.join(map(str, paths))}")
    for rel_type, paths in prepared.relationships.items():
        args.append(f"--relationships={rel_type}={','.join(map(str, paths))}")
    return args


def run_import(settings: Settings, files: dict[str, Path], force: bool = False
               ) -> tuple[dict[str, int], list[Reject], dict[str, float]]:
    """Import into the local server's ``neo4j`` database; returns counts, rejects and the
    seconds of each stage ("stop" overlaps "prepare")."""
    if settings.external_neo4j:
        raise ImportError_("the import path needs the local server (unset NEO4J_URI)")
    local, clock = settings.local, Clock()
    folder = local.import_dir / "bulk"
    started = time.perf_counter()
    was_running = check_empty(settings, force)
    clock.add("stop", time.perf_counter() - started)
    prepared = prepare_stopped(settings, files, folder, clock, restart=was_running)
    with clock.stage("import"):
        neo4j_local.install(local)
        neo4j_local.prepare_instance(local)
        neo4j_local.admin(local, *admin_import_args(local, prepared))
    shutil.rmtree(folder, ignore_errors=True)
    with clock.stage("start"):
        neo4j_local.start(local)
    with clock.stage("schema"):
        database = Database(settings)
        try:
            database.apply_schema()
            database.execute("load/mark_imported")
        finally:
            database.close()
    return prepared.counts, prepared.rejects, clock.timings
