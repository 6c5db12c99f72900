"""The collector pause around bulk jobs (no database needed)."""

from __future__ import annotations

import gc
import threading

from service import collector


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
