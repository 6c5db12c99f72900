"""One Neo4j driver per process, created lazily (after gunicorn forks) and closed at exit.

Queries come from ``cypher/`` by name and run inside managed transaction functions, which
the driver retries on transient errors; every function passed here must be idempotent.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction

from .cypher import query
from .settings import Settings

T = TypeVar("T")


class Database:
    """Holds the process's driver; recreates it if the process forked after creating it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._driver: Driver | None = None
        self._pid = 0
        self._lock = threading.Lock()

    @property
    def driver(self) -> Driver:
        """The shared driver (created on first use in this process)."""
        if self._driver is None or self._pid != os.getpid():
            with self._lock:
                if self._driver is None or self._pid != os.getpid():
                    s = self.settings
                    self._driver = GraphDatabase.driver(
                        s.neo4j_uri,
                        auth=(s.neo4j_user, s.neo4j_password),
                        connection_timeout=s.connection_timeout,
                        connection_acquisition_timeout=s.connection_timeout * 2,
                        max_transaction_retry_time=s.retry_seconds,
                        user_agent="community-map/0.1",
                        # schema-less warnings (a label not created yet) are noise here
                        notifications_min_severity="OFF",
                    )
                    self._pid = os.getpid()
                    atexit.register(self._driver.close)
        return self._driver

    def close(self) -> None:
        """Close the driver (at process exit or end of a CLI command)."""
        if self._driver is not None and self._pid == os.getpid():
            self._driver.close()
        self._driver = None

    def session(self, **kwargs: Any) -> neo4j.Session:
        """A session on the configured database (use it in a ``with`` block)."""
        return self.driver.session(database=self.settings.neo4j_database, **kwargs)

    def read(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run an idempotent read transaction function."""
        with self.session() as session:
            return session.execute_read(work, *args, **kwargs)

    def write(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run an idempotent write transaction function."""
        with self.session() as session:
            return session.execute_write(work, *args, **kwargs)

    def fetch(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run the named read query and return its records as dicts."""
        _check_params(name, params)
        return self.read(neo4j.unit_of_work(metadata={"query": name})(fetch_named), name, params)

    def frame(self, name: str, **params: Any) -> Any:
        """Run the named read query and return a pandas DataFrame (fast for big results)."""
        _check_params(name, params)
        work = neo4j.unit_of_work(metadata={"query": name})(frame_named)
        return self.read(work, name, params)

    def execute(self, name: str, **params: Any) -> dict[str, int]:
        """Run the named write query; return its update counters (and integer columns)."""
        _check_params(name, params)
        work = neo4j.unit_of_work(metadata={"query": name})(execute_named)
        return self.write(work, name, params)

    def probe(self) -> dict[str, Any]:
        """One quick auto-commit round trip (no retries): versions of Neo4j and GDS."""
        q = query("health/ready")
        with self.session(default_access_mode=neo4j.READ_ACCESS) as session:
            timeout = self.settings.connection_timeout
            record = session.run(neo4j.Query(q.text, timeout=timeout)).single()
        return record.data() if record else {}

    def apply_schema(self) -> list[str]:
        """Apply every ``schema/*`` query (constraints, indexes); idempotent by IF NOT EXISTS."""
        from .cypher import library

        applied = []
        for name in library().names("schema/"):
            for statement in query(name).statements:
                # schema changes cannot share a transaction with data; run each auto-commit
                with self.session() as session:
                    session.run(neo4j.Query(statement, metadata={"query": name})).consume()
            applied.append(name)
        with self.session() as session:
            session.run("CALL db.awaitIndexes(300)").consume()
        return applied


def _check_params(name: str, params: dict[str, Any]) -> None:
    expected = query(name).params
    if set(params) != expected:
        raise TypeError(
            f"query {name!r} takes parameters {sorted(expected)}, got {sorted(params)}"
        )


def fetch_named(tx: ManagedTransaction, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Transaction function: run a named query and return records as dicts.

    Values are left as the driver decoded them (``record.data()`` would walk every nested
    list element by element, which cost ~30 s on a 1.6M-edge stream); queries return
    maps and scalars, not nodes."""
    result = tx.run(query(name).text, params)
    keys = result.keys()
    return [dict(zip(keys, record.values(), strict=True)) for record in result]


def execute_named(tx: ManagedTransaction, name: str, params: dict[str, Any]) -> dict[str, int]:
    """Transaction function: run a named write query and return its counters."""
    result = tx.run(query(name).text, params)
    records = [record.data() for record in result]
    counters = result.consume().counters
    out = {
        "nodes_created": counters.nodes_created,
        "relationships_created": counters.relationships_created,
        "properties_set": counters.properties_set,
        "nodes_deleted": counters.nodes_deleted,
        "relationships_deleted": counters.relationships_deleted,
    }
    if records:
        out.update({k: v for k, v in records[0].items() if isinstance(v, int)})
    return out


def frame_named(tx: ManagedTransaction, name: str, params: dict[str, Any]) -> Any:
    """Transaction function: run a named query and return its result as a DataFrame."""
    return tx.run(query(name).text, params).to_df()
