"""Stage *write*: a run's communities, memberships and map levels written under its id.

Nothing written here is served until the switch (:func:`service.refresh.runs.finish_run`);
a failed run's rows are deleted (:func:`service.refresh.runs.fail_run`). Rows travel in
batches through a :class:`BatchWriter`: the server writes one batch while this process
prepares the next (two streams of work for two cores), and at most a few batches wait in
memory, so rows are built as they are written instead of all at once. Memberships, the
bulk of the rows, start as soon as the leader scores are known (:class:`MembershipWrite`,
beside the rest of the metrics stage) and go through two writers at once, each with whole
communities of its own.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from itertools import islice
from types import TracebackType
from typing import Any

from ..db import Database
from .leaders import CommunityResult, Ranked

WRITE_BATCH = 10_000  # rows per write transaction
AHEAD = 2  # batches queued for the writer thread at most (the rest wait to be built)
LANES = 2  # membership writers working at once


def batches(rows: Iterable[dict[str, Any]],
            size: int = WRITE_BATCH) -> Iterator[list[dict[str, Any]]]:
    """Consecutive slices of at most ``size`` rows (rows are drawn as the slices are)."""
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


class BatchWriter:
    """Write queries run in order on one background thread; :meth:`close` waits for them
    and re-raises the first failure (a failed batch fails the run, whose rows are then
    deleted)."""

    def __init__(self, database: Database, ahead: int = AHEAD):
        self.database, self.ahead = database, ahead
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="writer")
        self.pending: deque[Future[dict[str, int]]] = deque()

    def execute(self, name: str, **params: Any) -> None:
        """Queue one write (waiting while ``ahead`` are queued already)."""
        while len(self.pending) >= self.ahead:
            self.pending.popleft().result()
        self.pending.append(self.pool.submit(self.database.execute, name, **params))

    def rows(self, name: str, rows: Iterable[dict[str, Any]], **params: Any) -> int:
        """Queue ``rows`` as ``$rows`` in batches; returns how many rows were queued."""
        count = 0
        for batch in batches(rows):
            self.execute(name, rows=batch, **params)
            count += len(batch)
        return count

    def close(self) -> None:
        """Wait for every queued write; the first failure re-raises."""
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:  # the caller's error stands: drop what is queued
            self.pool.shutdown(wait=True, cancel_futures=True)


def write_results(database: Database, run_id: str, result: CommunityResult) -> None:
    """Set the communities' properties and write the map levels (invisible until the
    switch; :class:`MembershipWrite` created the community nodes)."""
    database.execute("refresh/write_communities", rows=result.communities)
    database.execute("refresh/write_map_levels", rows=result.levels)


class MembershipWrite:
    """The run's community nodes (key and id) created, then its memberships written in
    the background, by two writers with whole communities each (the server has two
    cores; see :func:`lanes`), while this process builds the rest of the map.
    :meth:`wait` re-raises a failed write; leaving the context on an error stops the
    writes after the batches under way and waits for those, so a failed run's cleanup
    never races them."""

    def __init__(self, database: Database, ranked: Ranked):
        database.execute("refresh/create_communities", rows=ranked.community_keys())
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="members")
        self.stop = threading.Event()
        self.done = self.pool.submit(write_members, database, ranked, self.stop)

    def wait(self) -> None:
        """Wait for every membership to be written; a failure re-raises."""
        self.done.result()

    def __enter__(self) -> MembershipWrite:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if kind is None:
                self.wait()
            else:  # the caller's error stands
                self.stop.set()
                wait([self.done])
        finally:
            self.pool.shutdown(wait=True)


def write_members(database: Database, ranked: Ranked, stop: threading.Event) -> None:
    """Every membership row, by ``LANES`` writers at once (until ``stop`` is set)."""
    with ExitStack() as stack:
        writers = [stack.enter_context(BatchWriter(database)) for _ in range(LANES)]
        for lane, batch in lanes(ranked.members()):
            if stop.is_set():
                return
            writers[lane].execute("refresh/write_members", groups=by_community(batch),
                                  runId=ranked.run_id)


def lanes(rows: Iterable[dict[str, Any]], count: int = LANES,
          size: int = WRITE_BATCH) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Batches of membership rows, each for one of ``count`` writers: a community's rows
    all go to the same writer (the one with the fewest rows so far), so concurrent write
    transactions never lock the same account or community. They can still meet on a
    relationship (a new MEMBER_OF also locks the first relationship of its account's chain,
    which may be a follow or interaction shared with the other writer's account): Neo4j
    then reports a deadlock, rolls one batch back and the driver retries it (twice in the
    100k benchmark's first full refresh, in none of its other runs)."""
    lane_of: dict[str, int] = {}
    sizes = [0] * count
    pending: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    for row in rows:
        lane = lane_of.get(row["key"])
        if lane is None:
            lane = lane_of[row["key"]] = sizes.index(min(sizes))
        sizes[lane] += 1
        pending[lane].append(row)
        if len(pending[lane]) == size:
            yield lane, pending[lane]
            pending[lane] = []
    yield from ((lane, batch) for lane, batch in enumerate(pending) if batch)


def by_community(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Membership rows grouped by community key (one lookup per community per batch)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["key"], []).append(row)
    return [{"key": key, "rows": members} for key, members in groups.items()]
