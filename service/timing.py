"""Seconds per named part of a stage, accumulated (runs record them; bench reports them)."""

from __future__ import annotations

import time


class Clock:
    """``lap(name)`` adds the time since the last lap (or restart) to ``name``; ``add``
    books seconds measured elsewhere (e.g. a query in another thread); ``restart`` drops
    the time since the last lap (waiting that belongs to nobody)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._at = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.add(name, now - self._at)
        self._at = now

    def add(self, name: str, seconds: float) -> None:
        self.timings[name] = round(self.timings.get(name, 0.0) + seconds, 3)

    def restart(self) -> None:
        self._at = time.perf_counter()
