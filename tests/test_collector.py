"""The collector pause around bulk jobs, and what a query leaves behind."""

from __future__ import annotations

import gc
import threading

from service import collector
from service.db import Database, QuietList, quiet


def test_paused_is_reentrant_and_restores_the_previous_state() -> None:
    """Nested and concurrent pauses keep the collector off until the last one ends; it
    comes back only if it was on before."""
    assert gc.isenabled()
    entered, release = threading.Event(), threading.Event()

    def other_job() -> None:
        with collector.paused():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=other_job)
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        thread.start()
        entered.wait(5)
    assert not gc.isenabled()  # the other job still runs
    release.set()
    thread.join(5)
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_a_query_does_not_keep_its_parameters(database: Database) -> None:
    """The driver keeps a query's parameters in its result, which sits in a reference
    cycle; the database layer drops them once the result is consumed, so a batch of rows
    is freed when the query returns even while the collector is paused (a refresh). The
    lists it sends are its own quiet copies (:func:`service.db.quiet`): none outlives
    its query either."""
    nodes = [0, 1, 2]
    gc.collect()
    with collector.paused():
        database.fetch("influence/post_topics", nodes=nodes, since=None)
        database.execute("refresh/write_communities", rows=[])
        holders = [r for r in gc.get_referrers(nodes) if isinstance(r, dict | list | tuple)]
        sent = [o for o in gc.get_objects() if type(o) is QuietList]
    assert holders == []
    assert sent == []


def test_list_parameters_are_sent_without_formatting_them() -> None:
    """The driver formats every query's parameters for a debug line even with debug
    logging off; the lists it gets format as their length, and pack as the lists they
    copy (the round trip through the server is in the test above and every query)."""
    rows = [{"key": "k", "evidence": "x" * 1000}] * 1000
    params = quiet({"rows": rows, "ids": ("a", "b"), "runId": "r1"})
    assert repr(params["rows"]) == "<list of 1000>" and params["rows"] == rows
    assert params["ids"] == ["a", "b"] and params["runId"] == "r1"
    assert len(repr(params)) < 100
