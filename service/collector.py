"""Python's cyclic garbage collector paused around bulk work (a refresh, an import's
preparation).

Bulk jobs build millions of lists, dicts and decoded records that live until the job ends
and form no reference cycles (refcounting frees them). The collector still runs a
generation-0 pass every 700 new container objects and a full pass, over every live object
of the process, whenever the survivors grew by a quarter: in a 100k-account refresh that
was ~4 of its ~10.6 s of Python CPU (the pair list's decode alone went from 4.6 to 1.9 s).
While a job runs the collector is off; it is switched back on (if it was on) when the last
job running in the process ends. Garbage in a cycle then waits for that collection: the
driver's query results are such cycles, so the database layer drops the parameters they
hold (:func:`service.db.releasing`) — otherwise every batch of rows written would stay
(+500 MB on a 1.4 GB full refresh at 100k). What is left is small: ~26k objects.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block (re-entrant and thread-safe: it comes back on when
    the last block ends, and only if it was on before the first began)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
