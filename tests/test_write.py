"""The refresh's background writer (``service.refresh.write.BatchWriter``) on the real
server: rows drawn lazily in batches, every batch written, and a failed batch re-raised
when the writer closes (the run then fails and its rows are deleted)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j.exceptions import ConstraintError

from service.db import Database
from service.refresh.write import WRITE_BATCH, BatchWriter, batches


def metrics_rows(n: int, run_id: str = "r-writer") -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {"key": f"{run_id}:a{i:06d}", "runId": run_id, "accountId": f"a{i:06d}"}


def count(db: Database, run_id: str) -> int:
    with db.session() as session:
        record = session.run("MATCH (m:AccountMetrics {runId: $runId}) RETURN count(m) AS n",
                             runId=run_id).single()
    return int(record["n"]) if record else 0


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
