"""Writing validated ingest rows into Neo4j: one code path for the API and the bulk CLI.

Rows arrive validated by the marshmallow schemas (snake_case, aware datetimes). Here they
become Cypher parameters (camelCase, UTC datetimes, interaction keys) and are written in
one transaction per batch with ``UNWIND $rows`` queries, so a batch is all-or-nothing and
a repeated batch changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import neo4j
from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError

from .db import Database, run_in
from .vocabulary import ENTITIES

MERGE_QUERY = {entity: f"load/merge_{entity}" for entity in ENTITIES}
# Entities whose query merges the accounts it refers to itself (the nodes it creates are
# placeholders): the others run load/merge_placeholders first, in the same transaction.
MAKES_PLACEHOLDERS = {"interactions"}


@dataclass
class WriteResult:
    """Counts of one or more written batches."""

    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    placeholders_created: int = 0

    def add(self, other: WriteResult) -> None:
        """Accumulate another batch's counts."""
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict (the API's response body)."""
        return asdict(self)


def utc(value: datetime | None) -> str | None:
    """An aware datetime as a UTC ISO-8601 string: one canonical form for keys and storage.

    Times travel to Neo4j as strings and become ``datetime(...)`` in Cypher: the driver's
    packing of datetime objects costs more than the write itself (bench/RESULTS.md).
    """
    return None if value is None else value.astimezone(UTC).isoformat()


def interaction_key(row: dict[str, Any], at: str | None = None) -> str:
    """The dedup key: the client's event id if given, else a hash of the natural key
    (``at``: the row's time as :func:`utc` gives it, when the caller has it already)."""
    if row.get("id"):
        return "id:" + str(row["id"])
    at = at if at is not None else utc(row["at"])
    natural = "\x1f".join([row["actor"], row["target"], row["kind"], at or "",
                            row.get("post_id") or ""])
    return "nk:" + hashlib.sha256(natural.encode()).hexdigest()[:32]


def _topics(values: Iterable[str] | None) -> list[str]:
    return list(dict.fromkeys(values or []))  # drop duplicates, keep order


def prepare_row(entity: str, row: dict[str, Any]) -> dict[str, Any]:
    """Validated snake_case row → Cypher row (camelCase, UTC); the one naming boundary."""
    if entity == "accounts":
        profile = {
            "handle": row.get("handle"),
            "name": row.get("name"),
            "followersCount": row.get("followers_count"),
        }
        # an empty handle or name means "not given" (as an empty CSV cell does)
        return {"id": row["id"],
                "props": {k: v for k, v in profile.items() if v is not None and v != ""}}
    if entity == "follows":
        return {
            "follower": row["follower"],
            "followee": row["followee"],
            "since": utc(row.get("since")),
        }
    if entity == "interactions":
        at = utc(row["at"])
        props: dict[str, Any] = {"key": interaction_key(row, at), "kind": row["kind"], "at": at}
        # No topics = no property (not an empty list): the bulk import path cannot store
        # empty lists, and both paths must build the same graph.
        if row.get("topics"):
            props["topics"] = _topics(row["topics"])
        if row.get("post_id"):
            props["postId"] = row["post_id"]
        return {"actor": row["actor"], "target": row["target"], **props}
    if entity == "posts":
        return {
            "id": row["id"],
            "author": row["author"],
            "at": utc(row["at"]),
            "topics": _topics(row.get("topics")) or None,
            "callToAction": bool(row.get("call_to_action", False)),
        }
    if entity == "adoptions":
        return {"account": row["account"], "item": row["item"], "at": utc(row["at"])}
    raise ValueError(f"unknown entity {entity!r}")


def dedupe_key(entity: str, row: dict[str, Any]) -> str | tuple[str, str]:
    """What makes two prepared rows of an entity the same node or relationship."""
    if entity in ("accounts", "posts"):
        return str(row["id"])
    if entity == "follows":
        return (row["follower"], row["followee"])
    if entity == "interactions":
        return str(row["key"])
    return (row["account"], row["item"])


def dedupe(entity: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Collapse repeated rows of one batch as if applied in order.

    Account profiles merge field by field, a follow keeps its last known ``since``, a post
    is replaced whole, an interaction is immutable (first wins) and an adoption keeps the
    earliest time.
    """
    keyed: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = dedupe_key(entity, row)
        old = keyed.get(key)
        if old is not None:
            if entity == "accounts":  # partial profiles: later fields win, earlier ones stay
                row = {"id": key, "props": {**old["props"], **row["props"]}}
            elif entity == "follows" and row["since"] is None:
                row = {**row, "since": old["since"]}
            elif entity == "interactions" or (entity == "adoptions" and old["at"] <= row["at"]):
                continue  # events are immutable: the first occurrence stands
        keyed[key] = row
    return list(keyed.values())


# the fields of a prepared row naming accounts that must exist (placeholders otherwise)
REFERENCES: dict[str, tuple[str, ...]] = {
    "accounts": (),
    "follows": ("follower", "followee"),
    "interactions": ("actor", "target"),
    "posts": ("author",),
    "adoptions": ("account",),
}


def referenced_accounts(entity: str, rows: list[dict[str, Any]]) -> list[str]:
    """Distinct account ids a batch refers to (other than the accounts it defines)."""
    fields = REFERENCES[entity]
    return list(dict.fromkeys(row[f] for row in rows for f in fields))


def _write_tx(
    tx: ManagedTransaction, entity: str, rows: list[dict[str, Any]], refs: list[str]
) -> WriteResult:
    missing = 0
    if refs and entity not in MAKES_PLACEHOLDERS:
        missing = run_in(tx, "load/merge_placeholders", ids=refs).consume().counters.nodes_created
    written = run_in(tx, MERGE_QUERY[entity], rows=rows)
    record = written.single(strict=True)
    if entity in MAKES_PLACEHOLDERS:
        missing = written.consume().counters.nodes_created
    created, updated = record["created"], record.get("updated", 0)
    result = WriteResult(
        received=len(rows),
        created=created,
        updated=updated,
        unchanged=len(rows) - created - updated,
        placeholders_created=missing,
    )
    if result.created or result.updated or missing:
        run_in(tx, "load/touch_data_version").consume()
    return result


def write_batch(database: Database, entity: str, rows: list[dict[str, Any]]) -> WriteResult:
    """Write one prepared batch in a single (retried, idempotent) transaction."""
    received = len(rows)
    rows = dedupe(entity, rows)
    refs = referenced_accounts(entity, rows)
    work = neo4j.unit_of_work(metadata={"query": MERGE_QUERY[entity]}, timeout=120)(_write_tx)
    try:
        result = database.write(work, entity, rows, refs)
    except ConstraintError:
        # A concurrent writer committed the same keys first; re-running sees them as known.
        result = database.write(work, entity, rows, refs)
    result.unchanged += received - len(rows)
    result.received = received
    return result
