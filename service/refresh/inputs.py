"""Stage inputs (reads Neo4j): every read a refresh needs that does not depend on GDS.

They start together with the projection and run on two background threads, queued in
the order the stages need them (the pair list, the serving run's communities, topic
counts, then the influence stage's inputs), so the server works on them while it also
runs GDS and this process decodes one read while the server answers the other (one
thread ended its reads 7 s after the GDS stages at 100k accounts). Each is taken once, by
name, with the seconds it took in its own thread booked to the taker's clock (waiting is
not counted).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ..db import Database
from ..timing import Clock
from . import edges, topics
from .params import RefreshParams
from .runs import current_run
from .topics import TopicCounts

Rows = list[dict[str, Any]]


class Prefetch:
    """Reads queued at once on ``workers`` threads, each taken once (a failure re-raises
    when it is taken)."""

    def __init__(self, workers: int = 1):
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inputs")
        self.futures: dict[str, Future[tuple[Any, float]]] = {}

    def start(self, name: str, read: Callable[[], Any]) -> None:
        """Queue ``read`` under ``name``."""
        self.futures[name] = self.pool.submit(self._timed, read)

    @staticmethod
    def _timed(read: Callable[[], Any]) -> tuple[Any, float]:
        started = time.perf_counter()
        value = read()
        return value, time.perf_counter() - started

    def take(self, name: str, clock: Clock | None = None, part: str = "") -> Any:
        """The read's value (waiting if needed); its own seconds are booked to ``part``."""
        value, seconds = self.futures.pop(name).result()
        if clock is not None:
            clock.add(part or name, seconds)
            clock.restart()  # waiting for a read is not counted
        return value

    def has(self, name: str) -> bool:
        """Whether ``name`` was started and not yet taken."""
        return name in self.futures

    def close(self) -> None:
        """Cancel what has not started; wait for what has."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def query(database: Database, name: str, **params: Any) -> Callable[[], Rows]:
    """A deferred named query."""
    return lambda: database.fetch(name, **params)


BATCH_ACCOUNTS = 20_000  # accounts per transaction of a per-account read


def per_account(database: Database, name: str, **params: Any) -> Callable[[], Rows]:
    """A deferred per-account query (``$nodes``), run over every account in batches, so no
    transaction aggregates the whole graph."""
    def read() -> Rows:
        nodes = database.fetch("refresh/account_nodes")[0]["nodes"]
        rows: Rows = []
        for start in range(0, len(nodes), BATCH_ACCOUNTS):
            rows.extend(database.fetch(name, nodes=nodes[start:start + BATCH_ACCOUNTS],
                                       **params))
        return rows
    return read


def start_inputs(database: Database, params: RefreshParams, since: str | None) -> Prefetch:
    """Queue every GDS-independent read of a refresh, in the order the stages take them."""
    prefetch = Prefetch(workers=2)
    prefetch.start("graph", lambda: edges.read_graph(database, params, since))
    prefetch.start("previous_members", lambda: previous_members(database))
    prefetch.start("post_topics", per_account(database, "influence/post_topics", since=since))
    if not edges.carries_topics(params):  # else the pair list reads the topics too
        prefetch.start("topic_engagement", per_account(
            database, "influence/topic_engagement", since=since,
            kindWeights=params.kind_weights))
    if not params.influence:
        return prefetch
    prefetch.start("account_reach", account_reach(database, since))
    if not edges.covers_audience(params):
        prefetch.start("audience", query(database, "influence/audience", since=since))
    prefetch.start("follow_bursts", per_account(database, "influence/follow_bursts"))
    prefetch.start("calls_to_action", query(database, "influence/calls_to_action",
                                            since=since, hours=params.mobilisation_hours))
    prefetch.start("adoptions", query(database, "influence/adoptions"))
    return prefetch


def account_reach(database: Database, since: str | None) -> Callable[[], Rows]:
    """A deferred read of every account's reach (``influence/account_reach``, in batches):
    one row per account with id, declared_followers (None when not declared),
    follower_edges, posts and received."""
    read = per_account(database, "influence/account_reach", since=since)
    return lambda: reach_rows(read())


def reach_rows(batches: Rows) -> Rows:
    """The rows of :func:`account_reach` from its batches of parallel lists."""
    return [{"id": account, "declared_followers": declared if declared >= 0 else None,
             "follower_edges": edges_in, "posts": posts, "received": received}
            for batch in batches
            for account, declared, edges_in, posts, received in zip(
                batch["ids"], batch["declared"], batch["followerEdges"], batch["posts"],
                batch["received"], strict=True)]


def previous_members(database: Database) -> dict[str, set[str]]:
    """The serving run's communities as sets of account ids (empty before the first run)."""
    cur = current_run(database)
    if not cur["runId"]:
        return {}
    return {row["community"]: set(row["accounts"])
            for row in database.fetch("refresh/previous_membership", runId=cur["runId"])
            if row["accounts"]}


def topic_counts(reads: Prefetch, graph: edges.EngagementGraph,
                 params: RefreshParams) -> TopicCounts:
    """The run's topic counts: from the topics read with the pair list, or (some kind
    weighted 0, so the pair list lacks interactions) from a read of their own."""
    posts = reads.take("post_topics")
    if graph.tagged is not None:
        return topics.from_tagged(posts, graph.tagged, graph.accounts, params.influence)
    return topics.topic_counts(posts, reads.take("topic_engagement"))
