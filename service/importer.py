"""The fastest initial load: ``neo4j-admin database import full`` into an empty local database.

The input files are validated and prepared exactly as the online path does
(:mod:`service.bulk` / :mod:`service.loading`), with the same dedup rules, then written as
neo4j-admin CSVs; the server is stopped, the ``neo4j`` database is replaced, the server
restarted and the schema applied. The resulting graph equals what ``community-map load``
builds (tests/test_bulk.py checks it), minus nothing but speed.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from . import neo4j_local
from .bulk import Reject, validated
from .db import Database
from .loading import dedupe
from .settings import Settings
from .timing import Clock
from .vocabulary import ENTITIES

ARRAY_DELIMITER = "\x1f"  # unit separator: cannot clash with topic text


class ImportError_(RuntimeError):
    """The import could not run (not a local server, database not empty, tool failed)."""


def _writer(folder: Path, name: str, header: list[str]) -> tuple[Any, Any]:
    handle = (folder / name).open("w", encoding="utf-8", newline="")
    out = csv.writer(handle, quoting=csv.QUOTE_ALL)
    out.writerow(header)
    return handle, out


def _arr(values: list[str] | None) -> str:
    return ARRAY_DELIMITER.join(values or [])


def prepare_import(files: dict[str, Path], folder: Path) -> tuple[dict[str, int], list[Reject]]:
    """Write neo4j-admin CSVs for the given source files; return counts and rejects."""
    folder.mkdir(parents=True, exist_ok=True)
    rejects: list[Reject] = []
    rows: dict[str, list[dict[str, Any]]] = {}
    for entity in ENTITIES:
        if entity not in files:
            continue
        good = []
        for row, reject in validated(entity, files[entity]):
            if reject is not None:
                rejects.append(reject)
            else:
                assert row is not None
                good.append(row)
        rows[entity] = good
    # Same semantics as batches applied in file order: dedupe each entity over the whole file.
    accounts = {r["id"]: r["props"] for r in dedupe("accounts", rows.get("accounts", []))}
    posts = dedupe("posts", rows.get("posts", []))
    follows_by_pair: dict[tuple[str, str], str | None] = {}
    for r in rows.get("follows", []):
        pair = (r["follower"], r["followee"])
        follows_by_pair[pair] = r["since"] or follows_by_pair.get(pair)
    interactions = dedupe("interactions", rows.get("interactions", []))
    adoptions = dedupe("adoptions", rows.get("adoptions", []))

    referenced: dict[str, None] = {}
    for p in posts:
        referenced[p["author"]] = None
    for a, b in follows_by_pair:
        referenced[a] = referenced[b] = None
    for r in interactions:
        referenced[r["actor"]] = referenced[r["target"]] = None
    for r in adoptions:
        referenced[r["account"]] = None

    counts: dict[str, int] = {}
    h, out = _writer(folder, "accounts.csv",
                     ["id:ID(Account)", "handle", "name", "followersCount:long",
                      "placeholder:boolean", ":LABEL"])
    for account_id, props in accounts.items():
        out.writerow([account_id, props.get("handle", ""), props.get("name", ""),
                      props.get("followersCount", ""), "false", "Account"])
    placeholders = [a for a in referenced if a not in accounts]
    for account_id in placeholders:
        out.writerow([account_id, "", "", "", "true", "Account"])
    h.close()
    counts["accounts"] = len(accounts) + len(placeholders)

    topics: dict[str, None] = {}
    h, out = _writer(folder, "posts.csv", ["id:ID(Post)", "at:datetime", "topics:string[]",
                                            "callToAction:boolean", ":LABEL"])
    h2, posted = _writer(folder, "posted.csv", [":START_ID(Account)", ":END_ID(Post)", ":TYPE"])
    h3, tagged = _writer(folder, "tagged.csv", [":START_ID(Post)", ":END_ID(Topic)", ":TYPE"])
    for p in posts:
        out.writerow([p["id"], p["at"], _arr(p["topics"]), str(p["callToAction"]).lower(),
                      "Post"])
        posted.writerow([p["author"], p["id"], "POSTED"])
        for t in p["topics"] or []:
            topics[t] = None
            tagged.writerow([p["id"], t, "TAGGED"])
    for handle in (h, h2, h3):
        handle.close()
    counts["posts"] = len(posts)

    h, out = _writer(folder, "topics.csv", ["name:ID(Topic)", ":LABEL"])
    for t in topics:
        out.writerow([t, "Topic"])
    h.close()

    h, out = _writer(folder, "follows.csv",
                     [":START_ID(Account)", ":END_ID(Account)", "since:datetime", ":TYPE"])
    for (a, b), since in follows_by_pair.items():
        out.writerow([a, b, since or "", "FOLLOWS"])
    h.close()
    counts["follows"] = len(follows_by_pair)

    h, out = _writer(folder, "interactions.csv",
                     [":START_ID(Account)", ":END_ID(Account)", "key", "kind", "at:datetime",
                      "topics:string[]", "postId", ":TYPE"])
    for r in interactions:
        out.writerow([r["actor"], r["target"], r["key"], r["kind"], r["at"],
                      _arr(r.get("topics")), r.get("postId") or "", "INTERACTED"])
    h.close()
    counts["interactions"] = len(interactions)

    items: dict[str, None] = {}
    h, out = _writer(folder, "adopted.csv",
                     [":START_ID(Account)", ":END_ID(Item)", "at:datetime", ":TYPE"])
    for r in adoptions:
        items[r["item"]] = None
        out.writerow([r["account"], r["item"], r["at"], "ADOPTED"])
    h.close()
    counts["adoptions"] = len(adoptions)
    h, out = _writer(folder, "items.csv", ["name:ID(Item)", ":LABEL"])
    for item in items:
        out.writerow([item, "Item"])
    h.close()
    h, out = _writer(folder, "meta.csv", ["id", "version:long", ":LABEL"])
    out.writerow(["data", "1", "DataVersion"])
    h.close()
    return counts, rejects


def database_is_empty(settings: Settings) -> bool:
    """True when the database holds no nodes."""
    database = Database(settings)
    try:
        return bool(database.fetch("load/database_is_empty")[0]["empty"])
    finally:
        database.close()


def admin_import_args(local: neo4j_local.LocalNeo4j, folder: Path) -> list[str]:
    """The ``neo4j-admin database import full`` arguments for the prepared CSVs."""
    nodes = ("accounts", "posts", "topics", "items", "meta")
    relationships = ("follows", "interactions", "posted", "tagged", "adopted")
    return ["database", "import", "full", "neo4j", "--overwrite-destination=true",
            "--multiline-fields=true", "--ignore-empty-strings=true",
            f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
            f"--report-file={local.logs_dir / 'import.report'}", "--threads=2",
            *[f"--nodes={folder / f'{name}.csv'}" for name in nodes],
            *[f"--relationships={folder / f'{name}.csv'}" for name in relationships]]


def run_import(settings: Settings, files: dict[str, Path], force: bool = False
               ) -> tuple[dict[str, int], list[Reject], dict[str, float]]:
    """Import into the local server's ``neo4j`` database; returns counts, rejects, timings."""
    if settings.external_neo4j:
        raise ImportError_("the import path needs the local server (unset NEO4J_URI)")
    local, clock = settings.local, Clock()
    neo4j_local.start(local)
    if not force and not database_is_empty(settings):
        raise ImportError_("the database is not empty; use `community-map load`, or --force "
                           "to replace everything")
    folder = local.import_dir / "bulk"
    with clock.stage("prepare"):
        counts, rejects = prepare_import(files, folder)
    with clock.stage("stop"):
        neo4j_local.stop(local)
    with clock.stage("import"):
        neo4j_local.prepare_instance(local)
        neo4j_local.admin(local, *admin_import_args(local, folder))
    with clock.stage("start"):
        neo4j_local.start(local)
    with clock.stage("schema"):
        database = Database(settings)
        try:
            database.apply_schema()
            database.execute("load/mark_imported")
        finally:
            database.close()
    return counts, rejects, clock.timings
