"""Seconds per named part of a job, accumulated (runs record them; bench reports them)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Clock:
    """Timings by name. ``stage(name)`` times a block; ``lap(name)`` adds the time since the
    last lap (or restart) to ``name``; ``add`` books seconds measured elsewhere (e.g. a
    query in another thread); ``restart`` drops the time since the last lap (waiting that
    belongs to nobody). ``after_stage`` runs after every timed block (e.g. a lock check)."""

    def __init__(self, after_stage: Callable[[], None] | None = None,
                 timings: dict[str, float] | None = None) -> None:
        self.timings: dict[str, float] = timings if timings is not None else {}
        self.after_stage = after_stage
        self._at = time.perf_counter()

    @contextmanager
    def stage(self, name: str, check: bool = True) -> Iterator[None]:
        """Time the block as ``name`` (only when it completes), then run ``after_stage``
        (unless ``check`` is false)."""
        started = time.perf_counter()
        yield
        self.add(name, time.perf_counter() - started)
        if check and self.after_stage is not None:
            self.after_stage()

    def lap(self, name: str) -> None:
        """Book the time since the last lap to ``name``."""
        now = time.perf_counter()
        self.add(name, now - self._at)
        self._at = now

    def add(self, name: str, seconds: float) -> None:
        """Book ``seconds`` to ``name``."""
        self.timings[name] = round(self.timings.get(name, 0.0) + seconds, 3)

    def restart(self) -> None:
        """Forget the time since the last lap."""
        self._at = time.perf_counter()
