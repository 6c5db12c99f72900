"""One Neo4j driver per process, created lazily (after gunicorn forks) and closed at exit.

Every query comes from ``cypher/`` by name, its parameters checked against the file's
header, and the header's ``// mode:`` decides how it runs:

    read     a managed read transaction, routed to any member of a cluster
    write    a managed write transaction, routed to the leader
    gds      GDS catalogue and algorithm calls: a managed transaction routed to the leader
             (the in-memory graphs of one refresh must all live on one server)
    schema   each ``;``-separated statement in its own auto-commit transaction

A query using ``CALL { ... } IN TRANSACTIONS`` runs in an auto-commit transaction
whatever its mode (Neo4j refuses it inside a managed one). Managed transactions are
retried by the driver on transient errors, so every query and transaction function
passed here must be idempotent.

With ``CM_GDS_URI`` set, mode ``gds`` queries go through a second driver to that one
server (a cluster's analytics secondary, reached by ``bolt://`` as Neo4j documents for GDS),
as read transactions (the GDS procedures used here write nothing to the database), carrying
the main driver's bookmarks so a projection sees every write this process made before it.

Every write made through a Database bumps a counter of this process
(:func:`local_writes`), so the read cache sees this process's own writes at once.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import neo4j
import pandas as pd
from neo4j import Driver, GraphDatabase, ManagedTransaction, Result, RoutingControl

from .cypher import Query, library, query
from .settings import Settings

T = TypeVar("T")
ROUTING = {"read": RoutingControl.READ, "write": RoutingControl.WRITE,
           "gds": RoutingControl.WRITE, "schema": RoutingControl.WRITE}

_writes = 0
_writes_lock = threading.Lock()


def local_writes() -> int:
    """How many writes this process has finished (or attempted) through any Database."""
    return _writes


def _wrote() -> None:
    # bumped after the write returns (committed or failed), never before: a reader that
    # sees the new count and then reads Neo4j sees the write
    global _writes
    with _writes_lock:
        _writes += 1


class Database:
    """Holds the process's driver; recreates it if the process forked after creating it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._drivers: dict[str, Driver] = {}
        self._pid = 0
        self._lock = threading.Lock()
        # queries sent per driver ("main", "gds") by this process: what the GDS test reads
        self.sent: Counter[str] = Counter()

    @property
    def driver(self) -> Driver:
        """The shared driver (created on first use in this process)."""
        return self._get("main")

    @property
    def gds_driver(self) -> Driver:
        """The driver of mode ``gds`` queries: its own when CM_GDS_URI is set."""
        return self._get("gds") if self.settings.gds_uri else self.driver

    def _get(self, which: str) -> Driver:
        if self._pid != os.getpid() or which not in self._drivers:
            with self._lock:
                if self._pid != os.getpid():  # forked: the parent's drivers are not ours
                    self._drivers, self._pid = {}, os.getpid()
                if which not in self._drivers:
                    driver = self._connect(which)
                    atexit.register(driver.close)
                    self._drivers[which] = driver
        return self._drivers[which]

    def _connect(self, which: str) -> Driver:
        s = self.settings
        uri, user, password, agent = s.neo4j_uri, s.neo4j_user, s.neo4j_password, ""
        if which == "gds":
            uri, agent = s.gds_uri, " (gds)"
            user, password = s.gds_user or user, s.gds_password or password
        return GraphDatabase.driver(
            uri, auth=(user, password),
            connection_timeout=s.connection_timeout,
            connection_acquisition_timeout=s.connection_timeout * 2,
            max_transaction_retry_time=s.retry_seconds, user_agent="community-map/0.1" + agent,
            # schema-less warnings (a label not created yet) are noise here
            notifications_min_severity="OFF",
        )

    def close(self) -> None:
        """Close the drivers (at process exit or end of a CLI command)."""
        if self._pid == os.getpid():
            for driver in self._drivers.values():
                driver.close()
        self._drivers = {}

    def session(self, **kwargs: Any) -> neo4j.Session:
        """A session on the configured database (use it in a ``with`` block)."""
        return self.driver.session(database=self.settings.neo4j_database, **kwargs)

    def write(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run an idempotent write transaction function (several named queries at once:
        use :func:`run_in` inside it)."""
        try:
            with self.session() as session:
                return session.execute_write(work, *args, **kwargs)
        finally:
            _wrote()

    def _run(self, name: str, params: dict[str, Any], transform: Callable[[Result], T]) -> T:
        q = checked(name, params)
        try:
            return self._run_checked(q, quiet(params), transform)
        finally:
            if q.mode != "read":
                _wrote()

    def _run_checked(self, q: Query, params: dict[str, Any],
                     transform: Callable[[Result], T]) -> T:
        query_ = neo4j.Query(q.text, metadata={"query": q.name})
        transform = releasing(transform)
        if q.mode == "gds" and self.settings.gds_uri:
            return self._run_gds(q, query_, params, transform)
        self.sent["main"] += 1
        if q.autocommit:
            access = neo4j.READ_ACCESS if q.mode == "read" else neo4j.WRITE_ACCESS
            with self.session(default_access_mode=access) as session:
                return transform(session.run(query_, params))
        # no bookmark manager: requests are independent, and a database restored from a
        # backup could never reach a bookmark taken before (every read would time out);
        # with a GDS server, though, its projections must see this process's writes
        bookmarks = self.driver.execute_query_bookmark_manager if self.settings.gds_uri else None
        return self.driver.execute_query(
            query_, params, routing_=ROUTING[q.mode], database_=self.settings.neo4j_database,
            bookmark_manager_=bookmarks, result_transformer_=transform)

    def _run_gds(self, q: Query, query_: neo4j.Query, params: dict[str, Any],
                 transform: Callable[[Result], T]) -> T:
        """A mode ``gds`` query on the CM_GDS_URI server, as a read transaction carrying
        the main driver's bookmarks."""
        self.sent["gds"] += 1
        bookmarks = self.driver.execute_query_bookmark_manager
        if q.autocommit:
            with self.gds_driver.session(database=self.settings.neo4j_database,
                                         default_access_mode=neo4j.READ_ACCESS,
                                         bookmark_manager=bookmarks) as session:
                return transform(session.run(query_, params))
        return self.gds_driver.execute_query(
            query_, params, routing_=RoutingControl.READ,
            database_=self.settings.neo4j_database, bookmark_manager_=bookmarks,
            result_transformer_=transform)

    def fetch(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run the named query and return its records as dicts."""
        return self._run(name, params, records)

    def columns(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a named query that returns one row of equal-length lists (``collect`` per
        column) and return them as a DataFrame: a GDS stream of 100k nodes decodes ~5-10x
        faster as a few lists than as one record per node."""
        return self._run(name, params, column_frame)

    def execute(self, name: str, **params: Any) -> dict[str, int]:
        """Run the named query; return its update counters (and its integer columns)."""
        return self._run(name, params, counters)

    def probe(self) -> dict[str, Any]:
        """Quick auto-commit round trips (no retries): versions of Neo4j and GDS (GDS asked
        of the GDS server when CM_GDS_URI names one, Neo4j of the main server)."""
        found = self._probe(self.driver, "health/ping" if self.settings.gds_uri
                            else "health/ready")
        if self.settings.gds_uri:
            found["gds"] = self._probe(self.gds_driver, "health/ready")["gds"]
        return found

    def _probe(self, driver: Driver, name: str) -> dict[str, Any]:
        timeout = self.settings.connection_timeout
        with driver.session(database=self.settings.neo4j_database,
                            default_access_mode=neo4j.READ_ACCESS) as session:
            record = session.run(neo4j.Query(query(name).text, timeout=timeout)).single()
        return record.data() if record else {}

    def apply_schema(self) -> list[str]:
        """Apply every ``schema/*`` query (constraints, indexes); idempotent by IF NOT EXISTS."""
        applied = []
        for name in library().names("schema/"):
            for statement in query(name).statements:
                # schema changes cannot share a transaction with data; run each auto-commit
                with self.session() as session:
                    session.run(neo4j.Query(statement, metadata={"query": name})).consume()
                _wrote()
            applied.append(name)
        self.fetch("health/await_indexes")
        return applied

    def wipe(self) -> None:
        """Delete all data and drop every GDS projection; the schema is kept (tests,
        benchmarks)."""
        self.execute("admin/delete_everything")
        self.fetch("admin/drop_projections")


def checked(name: str, params: dict[str, Any]) -> Query:
    """The named query, after checking that ``params`` are exactly the declared ones."""
    q = query(name)
    if set(params) != q.params:
        raise TypeError(f"query {name!r} takes parameters {sorted(q.params)}, "
                        f"got {sorted(params)}")
    return q


def run_in(tx: ManagedTransaction, name: str, **params: Any) -> Result:
    """Run a named query inside a transaction function (parameters checked)."""
    return tx.run(checked(name, params).text, quiet(params))


class QuietList(list[Any]):
    """A list parameter whose ``repr`` is its length (it packs as any list)."""

    def __repr__(self) -> str:
        return f"<list of {len(self)}>"


def quiet(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with every list or tuple value as a :class:`QuietList`.

    The driver (neo4j 6.4, ``Bolt5x5.run``) formats each query's parameters with ``repr``
    for a debug log line even when debug logging is off: a 10,000-row batch cost ~3x the
    Python CPU of packing and sending it, ~4.5 s of a 100k-account full refresh, with the
    interpreter lock held. Nested lists are left alone (the outer one's repr is all the
    driver asks for)."""
    return {k: QuietList(v) if isinstance(v, list | tuple) else v for k, v in params.items()}


def releasing(transform: Callable[[Result], T]) -> Callable[[Result], T]:
    """``transform``, then the driver's reference to the query's parameters dropped.

    The driver keeps the parameters in the result's metadata, and a result sits in a
    reference cycle (its callbacks refer to it), so a batch of rows sent as parameters
    lives until Python's cyclic collector runs — with the collector paused, as during a
    refresh (:mod:`service.collector`), until the refresh ends: +500 MB of a 100k-account
    full refresh's 1.4 GB peak."""
    def run(result: Result) -> T:
        try:
            return transform(result)
        finally:
            metadata = getattr(result, "_metadata", None)  # the driver's, see above
            if isinstance(metadata, dict):
                metadata.pop("parameters", None)
            summary = getattr(result, "_summary", None)  # made by consume(), if it ran
            if summary is not None:
                summary.parameters = None
    return run


def records(result: Result) -> list[dict[str, Any]]:
    """Records as dicts, values as the driver decoded them (``record.data()`` would walk
    every nested list element by element: ~30 s on a 1.6M-edge stream)."""
    keys = result.keys()
    return [dict(zip(keys, record.values(), strict=True)) for record in result]


def column_frame(result: Result) -> pd.DataFrame:
    """The single record of parallel lists as a DataFrame (one column per key)."""
    keys = result.keys()
    record = result.single(strict=True)
    return pd.DataFrame(dict(zip(keys, record.values(), strict=True)))


def counters(result: Result) -> dict[str, int]:
    """Update counters of a write, plus the integer columns of its first record."""
    first = result.peek()
    c = result.consume().counters
    out = {"nodes_created": c.nodes_created, "relationships_created": c.relationships_created,
           "properties_set": c.properties_set, "nodes_deleted": c.nodes_deleted,
           "relationships_deleted": c.relationships_deleted}
    if first is not None:
        out.update({k: v for k, v in first.items() if isinstance(v, int)})
    return out
