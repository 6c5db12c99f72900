"""The refresh's background writer (``service.refresh.write.BatchWriter``) on the real
server: rows drawn lazily in batches, every batch written, and a failed batch re-raised
when the writer closes (the run then fails and its rows are deleted)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j.exceptions import ConstraintError

from service.db import Database
from service.refresh.write import WRITE_BATCH, BatchWriter, batches, lanes


def metrics_rows(n: int, run_id: str = "r-writer") -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {"key": f"{run_id}:a{i:06d}", "runId": run_id, "accountId": f"a{i:06d}"}


def count(db: Database, run_id: str) -> int:
    with db.session() as session:
        record = session.run("MATCH (m:AccountMetrics {runId: $runId}) RETURN count(m) AS n",
                             runId=run_id).single()
    return int(record["n"]) if record else 0


def test_lanes_keep_each_community_on_one_writer_and_every_row() -> None:
    sizes = {"c1": 7, "c2": 3, "c3": 3, "c4": 1}
    rows = [{"key": key, "n": i} for key, size in sizes.items() for i in range(size)]
    out = list(lanes(rows, count=2, size=4))
    assert all(1 <= len(batch) <= 4 for _, batch in out)
    assert sorted((r["key"], r["n"]) for _, b in out for r in b) == \
        sorted((r["key"], r["n"]) for r in rows)
    lane_of: dict[str, set[int]] = {}
    for lane, batch in out:
        for row in batch:
            lane_of.setdefault(row["key"], set()).add(lane)
    assert all(len(found) == 1 for found in lane_of.values())
    load = [sum(len(b) for lane, b in out if lane == i) for i in (0, 1)]
    assert load == [7, 7]  # c1 alone on one writer, c2 + c3 + c4 on the other


def test_batches_draw_rows_lazily() -> None:
    drawn: list[int] = []

    def rows() -> Iterator[dict[str, Any]]:
        for i in range(2 * WRITE_BATCH + 5):
            drawn.append(i)
            yield {"i": i}

    it = batches(rows())
    first = next(it)
    assert len(first) == WRITE_BATCH and len(drawn) == WRITE_BATCH  # not all at once
    assert [len(b) for b in it] == [WRITE_BATCH, 5]


def test_writer_writes_every_batch(clean_db: Database) -> None:
    n = 2 * WRITE_BATCH + 123
    with BatchWriter(clean_db) as writer:
        queued = writer.rows("influence/write_account_metrics", metrics_rows(n))
    assert queued == n
    assert count(clean_db, "r-writer") == n


def test_a_failed_batch_fails_the_writer(clean_db: Database) -> None:
    rows = list(metrics_rows(10)) + list(metrics_rows(10))  # the same keys twice
    with pytest.raises(ConstraintError), BatchWriter(clean_db) as writer:
        writer.rows("influence/write_account_metrics", rows)
    assert count(clean_db, "r-writer") == 0  # the batch was one transaction
