"""Bulk loading from CSV / JSON Lines files: streaming, batched, with every bad row reported.

Rows are read lazily (constant memory), validated with the same marshmallow schemas as
the API, prepared by :mod:`service.loading` and written in ``UNWIND`` batches by one writer
thread while the main thread validates the next batch. Entities load in dependency order
(accounts, posts, follows, interactions, adoptions) so profiles arrive before references.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import marshmallow as ma

from .db import Database
from .loading import WriteResult, prepare_row, write_batch
from .rowcheck import plain_check
from .schemas import ROW_SCHEMAS
from .vocabulary import ENTITIES

SUFFIXES = (".csv", ".jsonl", ".ndjson")
LIST_SEPARATOR = "|"  # topics in CSV cells: tea|coffee
INT_FIELDS = {"followers_count"}
LIST_FIELDS = {"topics"}
BOOL_FIELDS = {"call_to_action"}


@dataclass
class Reject:
    """A row that was not loaded, and why."""

    file: str
    line: int
    reason: str
    raw: str


@dataclass
class LoadReport:
    """What a load did, per entity, plus every rejected row."""

    results: dict[str, WriteResult] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def rows_per_second(self, entity: str) -> float:
        """Received rows of an entity per second of its load."""
        secs = self.seconds.get(entity, 0.0)
        return self.results[entity].received / secs if secs else 0.0


def find_files(folder: Path) -> dict[str, Path]:
    """``<entity>.csv`` / ``.jsonl`` files in a folder, by entity."""
    found = {}
    for entity in ENTITIES:
        for suffix in SUFFIXES:
            path = folder / f"{entity}{suffix}"
            if path.exists():
                found[entity] = path
                break
    return found


def _csv_converters(header: list[str]) -> list[tuple[str, Callable[[str], Any]]]:
    """The columns whose non-empty cells need converting, with their converter."""
    converters: dict[str, Callable[[str], Any]] = {}
    for key in LIST_FIELDS:
        converters[key] = lambda value: [v for v in value.split(LIST_SEPARATOR) if v]
    for key in INT_FIELDS:
        converters[key] = _csv_int
    return [(key, converters[key]) for key in header if key in converters]


def _csv_int(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        return value  # the schema rejects it with a clear message


Source = str | list[str]  # a row's raw text (JSONL) or CSV cells, turned into text if rejected


@dataclass(frozen=True)
class Span:
    """A part of an input file that starts and ends at line ends (see :func:`split_file`)."""

    start: int = 0  # byte offset of its first line
    end: int | None = None  # byte offset after its last line; None: the whole file
    lines_before: int = 0  # lines of the file before it (for line numbers)
    header: tuple[str, ...] = ()  # a CSV file's header row


WHOLE_FILE = Span()


def split_file(path: Path, max_bytes: int) -> list[Span]:
    """The file as spans of about ``max_bytes`` each, cut after a newline, when every line
    is one row: no carriage return at all, and (CSV) no quote, so no field spans lines.
    Otherwise (or when small) one span, the whole file, read as usual."""
    if path.stat().st_size <= max_bytes:
        return [WHOLE_FILE]
    header: tuple[str, ...] = ()
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = tuple(next(csv.reader(handle), []))
    cuts, lines, offset, target = [], 0, 0, max_bytes
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            if b"\r" in block or (header and b'"' in block):
                return [WHOLE_FILE]
            while (cut := block.find(b"\n", max(target - offset, 0))) >= 0:
                cuts.append((offset + cut + 1, lines + block.count(b"\n", 0, cut + 1)))
                target = offset + cut + 1 + max_bytes
            lines += block.count(b"\n")
            offset += len(block)
    starts = [(0, 0)] + [c for c in cuts if c[0] < offset]
    ends = [start for start, _ in starts[1:]] + [offset]
    return [Span(start, end, before, header) for (start, before), end in zip(starts, ends,
                                                                           strict=True)]


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """Yield (line number, row or None when unparseable, raw text) from a CSV or JSONL file."""
    for line, row, source in _read(path, WHOLE_FILE):
        yield line, row, raw_text(source)


def raw_text(source: Source) -> str:
    """A row as the rejects file shows it: its line, or its CSV cells (quoting kept)."""
    if isinstance(source, str):
        return source
    buffer = io.StringIO()
    csv.writer(buffer).writerow(source)
    return buffer.getvalue().rstrip("\r\n")


def _read(path: Path, span: Span) -> Iterator[tuple[int, dict[str, Any] | None, Source]]:
    is_csv = path.suffix == ".csv"
    if span.end is None:
        # utf-8-sig: spreadsheet exports often start with a byte-order mark
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from _read_csv(handle) if is_csv else _read_jsonl(handle)
        return
    with path.open("rb") as handle:
        handle.seek(span.start)
        lines = _span_lines(handle, span)
        if not is_csv:
            yield from _read_jsonl(lines, span.lines_before)
        elif span.start == 0:
            yield from _read_csv(lines)
        else:
            yield from _read_csv(lines, list(span.header), span.lines_before)


def _span_lines(handle: BinaryIO, span: Span) -> Iterator[str]:
    """The span's lines as text (a file's byte-order mark dropped, as utf-8-sig does)."""
    left, first = (span.end or 0) - span.start, span.start == 0
    for raw in handle:
        text = raw.decode("utf-8")
        if first:
            text, first = text.removeprefix("\ufeff"), False
        yield text
        left -= len(raw)
        if left <= 0:
            return


def _read_csv(lines: Iterable[str], header: list[str] | None = None, lines_before: int = 0
              ) -> Iterator[tuple[int, dict[str, Any] | None, Source]]:
    reader = csv.reader(lines)
    if header is None:
        try:
            header = next(reader)
        except StopIteration:
            return
    width = len(header)
    converters = _csv_converters(header)
    line = lines_before + reader.line_num
    for cells in reader:
        start, line = line + 1, lines_before + reader.line_num
        if not cells:
            continue  # a blank line, as JSONL allows too
        if len(cells) != width:
            yield start, None, cells
            continue
        # empty cells mean "not given" (optional fields), like a missing JSON key
        row = {k: v for k, v in zip(header, cells, strict=True) if v}
        for key, convert in converters:
            if key in row:
                row[key] = convert(row[key])
        yield start, row, cells


def _read_jsonl(lines: Iterable[str], lines_before: int = 0
                ) -> Iterator[tuple[int, dict[str, Any] | None, Source]]:
    for number, text in enumerate(lines, start=lines_before + 1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except ValueError:
            yield number, None, text.rstrip("\n")
            continue
        if not isinstance(row, dict):
            yield number, None, text.rstrip("\n")
            continue
        yield number, {k: v for k, v in row.items() if v is not None}, text.rstrip("\n")


def _reason(error: ma.ValidationError) -> str:
    messages = error.messages
    if isinstance(messages, dict):
        parts = []
        for key, value in messages.items():
            text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
            parts.append(f"{key}: {text}")
        return ", ".join(parts)
    return str(messages)


def csv_booleans(row: dict[str, Any]) -> dict[str, Any]:
    """CSV's "true"/"false" cells as booleans (anything else is left for the schema to
    reject: the API takes JSON booleans only)."""
    return {k: {"true": True, "false": False}.get(v, v) if k in BOOL_FIELDS else v
            for k, v in row.items()}


def validated(
    entity: str, path: Path, span: Span = WHOLE_FILE
) -> Iterator[tuple[dict[str, Any] | None, Reject | None]]:
    """Each row of a file (or of a span of it), prepared for writing, or a Reject saying why
    not."""
    schema = ROW_SCHEMAS[entity]()
    check = plain_check(ROW_SCHEMAS[entity])
    is_csv = path.suffix == ".csv"
    for line, row, source in _read(path, span):
        if row is None:
            yield None, Reject(str(path), line, "unparseable row (bad JSON or column count)",
                               raw_text(source))
            continue
        if is_csv and BOOL_FIELDS.intersection(row):
            row = csv_booleans(row)
        data = check(row)
        if data is None:  # not plainly valid: the schema decides, and says why
            try:
                data = schema.load(row)
            except ma.ValidationError as exc:
                yield None, Reject(str(path), line, _reason(exc), raw_text(source))
                continue
        yield prepare_row(entity, data), None


ProgressHook = Callable[[str, int], None]


def load_file(
    database: Database,
    entity: str,
    path: Path,
    report: LoadReport,
    batch_size: int = 10_000,
    on_progress: ProgressHook | None = None,
) -> None:
    """Load one file: validate in this thread, write batches in a writer thread."""
    result = WriteResult()
    started = time.perf_counter()
    pending: list[Future[WriteResult]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"write-{entity}") as writer:
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            pending.append(writer.submit(write_batch, database, entity, batch.copy()))
            batch.clear()
            while len(pending) > 1:  # at most one batch queued behind the one being written
                done = pending.pop(0).result()
                result.add(done)
                if on_progress:
                    on_progress(entity, done.received)

        for row, reject in validated(entity, path):
            if reject is not None:
                report.rejects.append(reject)
                continue
            assert row is not None
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        for future in pending:
            done = future.result()
            result.add(done)
            if on_progress:
                on_progress(entity, done.received)
    report.results[entity] = result
    report.seconds[entity] = time.perf_counter() - started


def check_files(files: dict[str, Path]) -> list[Reject]:
    """Validate every row of every file without writing anything (for --strict)."""
    rejects: list[Reject] = []
    for entity in ENTITIES:
        if entity in files:
            rejects.extend(r for _, r in validated(entity, files[entity]) if r is not None)
    return rejects


def write_rejects(rejects: list[Reject], path: Path) -> None:
    """Write rejected rows as CSV: file, line, reason, raw row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["file", "line", "reason", "row"])
        for r in rejects:
            out.writerow([r.file, r.line, r.reason, r.raw])


def count_lines(path: Path) -> int:
    """Data rows in a file (for the progress bar total; CSV minus its header)."""
    with path.open("rb") as handle:
        n = sum(buf.count(b"\n") for buf in iter(lambda: handle.read(1 << 20), b""))
    return max(n - 1, 0) if path.suffix == ".csv" else n


def load_all(
    database: Database,
    files: dict[str, Path],
    batch_size: int = 10_000,
    on_progress: ProgressHook | None = None,
) -> LoadReport:
    """Load every given file in dependency order."""
    report = LoadReport()
    for entity in ENTITIES:
        if entity in files:
            load_file(database, entity, files[entity], report, batch_size, on_progress)
    return report
