"""Import's preparation (service/import_files.py): partitioned, parallel, same answer.

Pure file work, no database (tests/test_bulk.py imports the result and compares the graph
with what ``load`` builds). Here: cutting the inputs into many spans and partitions, in
one process or several, changes nothing in what neo4j-admin is given.
"""

from __future__ import annotations

import csv
from pathlib import Path

import marshmallow as ma
import pytest

from service import import_files
from service.bulk import find_files
from service.import_files import FIELDS, Prepared, prepare_import
from service.loading import prepare_row
from service.schemas import ROW_SCHEMAS
from service.vocabulary import ENTITIES

from .test_bulk import BAD_LINES

DATA = Path(__file__).parent / "data"


def contents(prepared: Prepared) -> dict[str, list[tuple[str, ...]]]:
    """Every group's rows (header first), in a canonical order."""
    groups = {**prepared.nodes, **prepared.relationships}
    out = {}
    for name, paths in groups.items():
        rows = []
        for path in paths:
            with path.open(encoding="utf-8", newline="") as handle:
                rows += [tuple(r) for r in csv.reader(handle)]
        out[name] = [rows[0], *sorted(rows[1:])]
    return out


# Second copies of every row: where the dedupe rules pick one, they must pick the right one
# (the later profile field, post and since; the first interaction; the earliest adoption).
AGAIN = {"accounts": {"name": "Again"}, "posts": {"topics": "again"},
         "follows": {"since": "2030-01-01T00:00:00Z"}, "interactions": {"topics": "again"},
         "adoptions": {"at": "2030-01-01T00:00:00Z"}}


def duplicated(folder: Path, tmp: Path) -> Path:
    """The sample files with every row repeated, changed as AGAIN says (and follows a third
    time without since), as CSV without quotes, so spans can cut them anywhere."""
    out = tmp / "twice"
    out.mkdir()
    for entity, path in find_files(folder).items():
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [r for r in csv.DictReader(handle) if '"' not in str(r) and "\n" not in str(r)]
        again = [{**r, **AGAIN[entity]} for r in rows]
        third = [{**r, "since": ""} for r in rows] if entity == "follows" else []
        with out.joinpath(path.name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows + again + third)
    return out


@pytest.mark.parametrize("processes", [1, 2])
def test_many_spans_and_partitions_give_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    source = duplicated(DATA / "good", tmp_path)
    whole = prepare_import(find_files(source), tmp_path / "whole", processes=1)
    monkeypatch.setattr(import_files, "SPAN_BYTES", 64)  # dozens of spans per file
    monkeypatch.setattr(import_files, "PART_BYTES", 128)  # and of partitions
    monkeypatch.setattr(import_files, "FLUSH_ROWS", 3)
    cut = prepare_import(find_files(source), tmp_path / "cut", processes=processes)
    assert len(cut.relationships["INTERACTED"]) > 5  # the data really was partitioned
    assert contents(cut) == contents(whole)
    assert cut.counts == whole.counts
    assert cut.rejects == whole.rejects == []


def test_bad_rows_are_rejected_with_their_lines(tmp_path: Path) -> None:
    good = prepare_import(find_files(DATA / "good"), tmp_path / "good")
    bad = prepare_import(find_files(DATA / "bad"), tmp_path / "bad", processes=2)
    assert contents(bad) == contents(good)
    expected = sorted(BAD_LINES, key=lambda where: (ENTITIES.index(where[0][:-4]), where[1]))
    assert [(Path(r.file).name, r.line) for r in bad.rejects] == expected


def test_no_value_can_hold_a_line_break() -> None:
    # the data files are parsed without neo4j-admin's multi-line mode
    for text in ("a\nb", "a\rb"):
        with pytest.raises(ma.ValidationError):
            ROW_SCHEMAS["accounts"]().load({"id": "a1", "name": text})
        with pytest.raises(ma.ValidationError):
            ROW_SCHEMAS["interactions"]().load({"actor": text, "target": "b", "kind": "like",
                                                "at": "2024-01-01T00:00:00Z"})


def test_records_hold_every_field_of_a_prepared_row() -> None:
    rows = {
        "accounts": {"id": "a", "handle": "h", "name": "n", "followers_count": 1},
        "posts": {"id": "p", "author": "a", "at": "2024-01-01T00:00:00Z", "topics": ["t"],
                  "call_to_action": True},
        "follows": {"follower": "a", "followee": "b", "since": "2024-01-01T00:00:00Z"},
        "interactions": {"actor": "a", "target": "b", "kind": "like", "post_id": "p",
                         "at": "2024-01-01T00:00:00Z", "topics": ["t"]},
        "adoptions": {"account": "a", "item": "i", "at": "2024-01-01T00:00:00Z"},
    }
    for entity, row in rows.items():
        prepared = prepare_row(entity, ROW_SCHEMAS[entity]().load(row))
        assert set(prepared) == set(FIELDS[entity]), entity
