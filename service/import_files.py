"""neo4j-admin import files from ingest files, prepared in bounded memory on every core.

Rows are validated and prepared as the online path does (:func:`service.bulk.validated`)
and deduplicated with its rules (:func:`service.loading.dedupe`) over each whole file, as if
the file were one batch. Memory does not grow with the data:

1. *spill*: worker processes read the input files in spans of ~SPAN_BYTES (files whose rows
   are single lines are cut at line ends; others are one span) and append each valid row to
   one of P partition files of its entity, chosen by a stable hash of its dedupe key; P grows
   with the input so that a partition holds ~PART_BYTES of it.
2. *reduce*: each partition is read back alone, in file order, deduplicated and written as
   neo4j-admin data files; the account ids, topics and items it refers to are spilled to
   partitions of their own.
3. *nodes*: each partition of account rows and references gives every account once (profiles
   merged, the others placeholders); topics and items likewise.
"""

from __future__ import annotations

import csv
import gc
import marshal
import os
import shutil
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import collector
from .bulk import Reject, Span, split_file, validated
from .loading import REFERENCES, dedupe, dedupe_key
from .vocabulary import ENTITIES

SPAN_BYTES = 8 << 20  # input read by one spill task
PART_BYTES = 2 << 20  # input whose rows one partition holds in memory at once
FLUSH_ROWS = 5_000  # rows buffered by a spill before they go to disk
ARRAY_DELIMITER = "\x1f"  # unit separator between topics in one cell

# neo4j-admin headers: node files by label, relationship files by type
NODES = {
    "Account": ["id:ID(Account)", "handle", "name", "followersCount:long", "placeholder:boolean"],
    "Post": ["id:ID(Post)", "at:datetime", "topics:string[]", "callToAction:boolean"],
    "Topic": ["name:ID(Topic)"],
    "Item": ["name:ID(Item)"],
}
RELATIONSHIPS = {
    "POSTED": [":START_ID(Account)", ":END_ID(Post)"],
    "TAGGED": [":START_ID(Post)", ":END_ID(Topic)"],
    "FOLLOWS": [":START_ID(Account)", ":END_ID(Account)", "since:datetime"],
    "INTERACTED": [":START_ID(Account)", ":END_ID(Account)", "key", "kind", "at:datetime",
                   "topics:string[]", "postId"],
    "ADOPTED": [":START_ID(Account)", ":END_ID(Item)", "at:datetime"],
}


@dataclass
class Prepared:
    """What neo4j-admin gets: data files per label / type, and what was counted on the way."""

    counts: dict[str, int]
    rejects: list[Reject]
    nodes: dict[str, list[Path]] = field(default_factory=dict)  # header file first
    relationships: dict[str, list[Path]] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """Where the spills and outputs go, and how many partitions each kind of thing has."""

    folder: Path
    parts: dict[str, int]  # per entity, and for "refs" (as accounts), "topics" and "items"

    def spill(self, kind: str, name: str) -> Spill:
        """A spill into ``folder/kind/name.<partition>``."""
        return Spill(self.folder / kind, name, self.parts[kind])

    def read(self, kind: str, part: int) -> Iterator[Any]:
        """Everything spilled into partition ``part`` of ``kind``, in spill-name order."""
        paths = (self.folder / kind).glob(f"*.{part}")
        for path in sorted(paths, key=lambda p: [int(x) for x in p.stem.split("-")]):
            with path.open("rb") as handle:
                while size := int.from_bytes(handle.read(8), "little"):
                    yield from marshal.loads(handle.read(size))

    def output(self, name: str, part: int) -> Output:
        """A data file ``out/name-part.csv``."""
        return Output(self.folder / "out" / f"{name}-{part}.csv")


class Spill:
    """Items appended, by a stable hash of their key, to one of several partition files."""

    def __init__(self, folder: Path, name: str, parts: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = [folder / f"{name}.{p}" for p in range(parts)]
        self.buffers: list[list[Any]] = [[] for _ in range(parts)]
        self.held = 0

    def add(self, key: str | tuple[str, str], item: Any) -> None:
        """Queue ``item`` for the partition of ``key``."""
        text = key if isinstance(key, str) else "\x1f".join(key)
        self.buffers[zlib.crc32(text.encode("utf-8", "surrogatepass")) % len(self.paths)].append(
            item)
        self.held += 1
        if self.held >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Append the buffered items to their files."""
        for path, buffer in zip(self.paths, self.buffers, strict=True):
            if buffer:
                data = marshal.dumps(buffer)  # length first: marshal.load(file) reads slowly
                with path.open("ab") as handle:
                    handle.write(len(data).to_bytes(8, "little") + data)
                buffer.clear()
        self.held = 0


class Output:
    """One neo4j-admin data file (no header), its rows counted. No value holds a line break
    (the schemas refuse control characters), so neo4j-admin parses the files in parallel,
    without its slow multi-line mode."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.rows = 0

    def __enter__(self) -> Output:
        return self

    def __exit__(self, *_: object) -> None:
        self.handle.close()

    def write(self, *values: str) -> None:
        """One row of text cells ("" is no value)."""
        self.writer.writerow(values)
        self.rows += 1


@dataclass(frozen=True)
class Written:
    """A data file written: which group of files it belongs to, and its rows."""

    name: str
    rows: int
    path: Path


def _written(*outputs: Output) -> list[Written]:
    return [Written(o.path.name.rsplit("-", 1)[0], o.rows, o.path) for o in outputs]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(value)
    return str(value)


# ---------------------------------------------------------------------------- 1. spill

# A prepared row (service.loading.prepare_row) is spilled as a record: its dedupe key, then
# these fields (tuples cost a fifth of dicts to write and read back).
FIELDS = {
    "accounts": ("id", "props"),
    "posts": ("id", "author", "at", "topics", "callToAction"),
    "follows": ("follower", "followee", "since"),
    "interactions": ("actor", "target", "key", "kind", "at", "topics", "postId"),
    "adoptions": ("account", "item", "at"),
}
Record = tuple[Any, ...]


def record(entity: str, row: dict[str, Any]) -> Record:
    """A prepared row as spilled."""
    return (dedupe_key(entity, row), *[row.get(f) for f in FIELDS[entity]])


def spill_span(plan: Plan, entity: str, path: Path, span: Span, task: int
               ) -> tuple[list[Reject], int]:
    """Validate one span of a file; spill its valid rows by dedupe key."""
    spill = plan.spill(entity, str(task))
    rejects: list[Reject] = []
    rows = 0
    for row, reject in validated(entity, path, span):
        if reject is not None:
            rejects.append(reject)
            continue
        assert row is not None
        rec = record(entity, row)
        spill.add(rec[0], rec)
        rows += 1
    spill.flush()
    return rejects, rows


# ---------------------------------------------------------------------------- 2. reduce


def deduped(plan: Plan, entity: str, part: int) -> list[Record]:
    """The records of one partition, each key once: repeated keys are merged by
    :func:`service.loading.dedupe` itself, in file order (a key's rows are all here)."""
    fields = FIELDS[entity]
    keyed: dict[Any, Record] = {}
    repeats: dict[Any, list[Record]] = {}
    for rec in plan.read(entity, part):
        if rec[0] in keyed:
            repeats.setdefault(rec[0], [keyed[rec[0]]]).append(rec)
        else:
            keyed[rec[0]] = rec
    for key, recs in repeats.items():
        (row,) = dedupe(entity, [dict(zip(fields, r[1:], strict=True)) for r in recs])
        keyed[key] = record(entity, row)
    return list(keyed.values())


def reduce_part(plan: Plan, entity: str, part: int) -> list[Written]:
    """Deduplicate one partition of an entity; write it and spill what it refers to."""
    records = deduped(plan, entity, part)
    refs = plan.spill("refs", f"{ENTITIES.index(entity)}-{part}")
    positions = [1 + FIELDS[entity].index(f) for f in REFERENCES[entity]]
    for account in dict.fromkeys(rec[i] for rec in records for i in positions):
        refs.add(account, account)
    refs.flush()
    return WRITERS[entity](plan, records, part)


def _posts(plan: Plan, records: list[Record], part: int) -> list[Written]:
    topics = plan.spill("topics", str(part))
    with ExitStack() as stack:
        posts, posted, tagged = (stack.enter_context(plan.output(name, part))
                                 for name in ("posts", "posted", "tagged"))
        for _, post, author, at, tags, call in records:
            posts.write(post, at, _text(tags), _text(call))
            posted.write(author, post)
            for topic in tags or []:
                tagged.write(post, topic)
                topics.add(topic, topic)
    topics.flush()
    return _written(posts, posted, tagged)


def _follows(plan: Plan, records: list[Record], part: int) -> list[Written]:
    with plan.output("follows", part) as out:
        for _, follower, followee, since in records:
            out.write(follower, followee, _text(since))
    return _written(out)


def _interactions(plan: Plan, records: list[Record], part: int) -> list[Written]:
    with plan.output("interactions", part) as out:
        for _, actor, target, key, kind, at, tags, post in records:
            out.write(actor, target, key, kind, at, _text(tags), _text(post))
    return _written(out)


def _adoptions(plan: Plan, records: list[Record], part: int) -> list[Written]:
    items = plan.spill("items", str(part))
    with plan.output("adopted", part) as out:
        for _, account, item, at in records:
            out.write(account, item, at)
            items.add(item, item)
    items.flush()
    return _written(out)


WRITERS: dict[str, Callable[[Plan, list[Record], int], list[Written]]] = {
    "posts": _posts, "follows": _follows, "interactions": _interactions, "adoptions": _adoptions,
}


# ---------------------------------------------------------------------------- 3. nodes


def write_accounts(plan: Plan, part: int) -> list[Written]:
    """Accounts of one partition: profiles (merged as the online path does), then the
    accounts only referred to, as placeholders."""
    profiles = {account: props for _, account, props in deduped(plan, "accounts", part)}
    with plan.output("accounts", part) as out:
        for account, props in profiles.items():
            out.write(account, _text(props.get("handle")), _text(props.get("name")),
                      _text(props.get("followersCount")), "false")
        for account in dict.fromkeys(plan.read("refs", part)):
            if account not in profiles:
                out.write(account, "", "", "", "true")
    return _written(out)


def write_names(plan: Plan, kind: str, part: int) -> list[Written]:
    """Topic or item nodes of one partition, each once."""
    with plan.output(kind, part) as out:
        for name in dict.fromkeys(plan.read(kind, part)):
            out.write(name)
    return _written(out)


# ---------------------------------------------------------------------------- the whole


def workers() -> int:
    """Worker processes: one per core (two on the target machine), at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def _parts(size: int) -> int:
    return max(1, -(-size // PART_BYTES))


def _run(pool: ProcessPoolExecutor | None, fn: Callable[..., Any],
         calls: list[tuple[Any, ...]]) -> list[Any]:
    if pool is None:
        return [fn(*call) for call in calls]
    return [future.result() for future in [pool.submit(fn, *call) for call in calls]]


def prepare_import(files: dict[str, Path], folder: Path, processes: int | None = None
                   ) -> Prepared:
    """Validate, deduplicate and write neo4j-admin files for the given input files."""
    shutil.rmtree(folder, ignore_errors=True)
    entities = [e for e in ENTITIES if e in files]
    parts = {e: _parts(files[e].stat().st_size) for e in entities}
    accounts = max([1, *parts.values()])  # references come from every entity
    plan = Plan(folder, {**parts, "accounts": accounts, "refs": accounts,
                         "topics": parts.get("posts", 1), "items": parts.get("adoptions", 1)})
    spans = [(e, files[e], span) for e in entities for span in split_file(files[e], SPAN_BYTES)]
    processes = processes or workers()
    # the workers build millions of records that form no cycles: the cyclic garbage
    # collector is off in them (and here when they run inline), see service.collector
    with (ProcessPoolExecutor(processes, initializer=gc.disable) if processes > 1
          else collector.paused()) as pool:
        spilled = _run(pool, spill_span,
                       [(plan, e, path, span, i) for i, (e, path, span) in enumerate(spans)])
        reduced = _run(pool, reduce_part, [(plan, e, p) for e in entities if e != "accounts"
                                           for p in range(parts[e])])
        named = _run(pool, _write_nodes, [(plan, kind, p) for kind in NODE_KINDS
                                          for p in range(plan.parts[kind])])
    for kind in (*ENTITIES, "refs", "topics", "items"):
        shutil.rmtree(folder / kind, ignore_errors=True)
    written = [w for result in reduced + named for w in result]
    return _prepared(folder, written, [r for rejects, _ in spilled for r in rejects])


NODE_KINDS = ("accounts", "topics", "items")


def _write_nodes(plan: Plan, kind: str, part: int) -> list[Written]:
    return write_accounts(plan, part) if kind == "accounts" else write_names(plan, kind, part)


FILES = {"Account": "accounts", "Post": "posts", "Topic": "topics", "Item": "items",
         "POSTED": "posted", "TAGGED": "tagged", "FOLLOWS": "follows",
         "INTERACTED": "interactions", "ADOPTED": "adopted"}
COUNTED = {"accounts": "Account", "posts": "Post", "follows": "FOLLOWS",
           "interactions": "INTERACTED", "adoptions": "ADOPTED"}


def _prepared(folder: Path, written: list[Written], rejects: list[Reject]) -> Prepared:
    """Header files, the groups of data files neo4j-admin reads, and the counts."""
    prepared = Prepared(counts={}, rejects=rejects)
    rows: dict[str, int] = {}
    for name, header in [*NODES.items(), *RELATIONSHIPS.items()]:
        data = sorted((w for w in written if w.name == FILES[name] and w.rows),
                      key=lambda w: str(w.path))
        rows[name] = sum(w.rows for w in data)
        if not data:
            continue
        head = folder / "out" / f"{FILES[name]}-header.csv"
        with head.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerow(header)
        group = prepared.nodes if name in NODES else prepared.relationships
        group[name] = [head, *(w.path for w in data)]
    meta = folder / "out" / "meta.csv"
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text("id,version:long\ndata,1\n", encoding="utf-8")
    prepared.nodes["DataVersion"] = [meta]
    prepared.counts = {entity: rows[name] for entity, name in COUNTED.items()}
    return prepared
