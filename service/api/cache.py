"""Read answers cached per serving run: a bounded LRU per process, with ETags and 304s.

**Why answers can be cached.** A run's results never change once it serves, so a read
answer is a function of the request (path, query string, the key's role) and of an
*epoch*: the serving run, the data version (bumped by every ingest that changed data:
profiles and handles appear in answers) and the cache version (bumped when kept results
change without a switch: retention pruning a run; any future write that changes kept
results must bump one of the two). Every cache key holds the epoch, so nothing computed
under one epoch is ever answered under another; explicitly named runs (``run=``) are keyed
the same way, so they live until the next epoch change rather than forever (a pruned run
must stop answering).

**How fresh (the bound).** Each process reads the epoch from Neo4j (``read/cache_epoch``:
one tiny read) at most once every ``CM_CACHE_TTL`` seconds (default 1), and again at once
after this process wrote anything through :class:`service.db.Database`. A switch, an
ingest or a pruning made by *another* process (another gunicorn worker, another API node,
the refresh worker) is therefore answered after at most ``CM_CACHE_TTL`` seconds; one made
by this process on its next request. ``CM_CACHE_TTL=0`` reads the epoch on every request
(no staleness, one extra round trip each). The endpoints' ``serving_run()`` uses the same
epoch as the key, so an answer is never stored under a run it was not computed from.

**Memory.** At most ``CM_CACHE_ENTRIES`` answers and ``CM_CACHE_MB`` MB of bodies (keys
included) per process (gunicorn runs ``CM_WORKERS`` of them); least recently used go
first, an answer larger than an eighth of the budget is not kept, and a new epoch empties
the cache. ``CM_CACHE_MB=0`` or ``CM_CACHE_ENTRIES=0`` turns storing off (ETags stay).
Concurrent misses of one key compute it once; the others wait for that answer.

**HTTP.** Only 200 answers are stored (errors never are). Every answer of a cached
endpoint carries ``ETag`` (a hash of its body), ``Cache-Control: private, no-cache``
(authenticated data: clients may keep it but must revalidate, since a switch can come at
any moment; shared caches must not keep it) and ``Vary`` on the key headers; a request
whose ``If-None-Match`` holds that tag gets 304 with no body.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, g, request

from ..db import Database, local_writes
from ..settings import Settings
from . import db

F = TypeVar("F", bound=Callable[..., Any])
CACHE_CONTROL = "private, no-cache"
VARY = "Authorization, X-API-Key"
FOLLOWER_WAIT = 30.0  # seconds a concurrent miss waits for the first one's answer


@dataclass(frozen=True)
class Epoch:
    """What answers depend on besides the request (see the module docstring)."""

    run_id: str | None
    data_version: int
    cache_version: int


@dataclass(frozen=True)
class Entry:
    """A stored answer: its body, the body's tag and what it weighs (body and key)."""

    body: bytes
    etag: str
    mimetype: str
    size: int

    @property
    def headers(self) -> dict[str, str]:
        """The headers every answer of it carries (a 304 included)."""
        return {"ETag": f'"{self.etag}"', "Cache-Control": CACHE_CONTROL, "Vary": VARY}


@dataclass
class CacheStats:
    """Counters of one process's cache (tests read them; so could /metrics)."""

    hits: int = 0
    misses: int = 0
    stored: int = 0
    evicted: int = 0
    epoch_reads: int = 0
    not_modified: int = 0


@dataclass(frozen=True)
class _Known:
    epoch: Epoch
    fresh_until: float
    writes: int


class ReadCache:
    """One process's cache of read answers (thread-safe)."""

    def __init__(self, ttl: float, max_entries: int, max_bytes: int,
                 clock: Callable[[], float] = time.monotonic):
        self.ttl, self.max_entries, self.max_bytes = ttl, max_entries, max_bytes
        self.clock = clock
        self.stats = CacheStats()
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self._known: _Known | None = None
        self._lock = threading.Lock()
        self._epoch_lock = threading.Lock()
        self._inflight: dict[Hashable, threading.Event] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadCache:
        """The cache sized and timed by ``CM_CACHE_*``."""
        return cls(settings.cache_ttl, settings.cache_max_entries, settings.cache_max_bytes)

    def _fresh(self) -> Epoch | None:
        known = self._known
        if (known is not None and self.clock() < known.fresh_until
                and local_writes() == known.writes):
            return known.epoch
        return None

    def epoch(self, database: Database) -> Epoch:
        """The current epoch: remembered for ``ttl`` seconds unless this process wrote."""
        epoch = self._fresh()
        if epoch is not None:
            return epoch
        with self._epoch_lock:  # one lookup at a time; the others then find it fresh
            epoch = self._fresh()
            if epoch is not None:
                return epoch
            # taken before the lookup, so the bound counts from a moment the lookup follows
            started, writes = self.clock(), local_writes()
            row = database.fetch("read/cache_epoch")[0]
            epoch = Epoch(row["runId"], row["dataVersion"], row["cacheVersion"])
            previous, self._known = self._known, _Known(epoch, started + self.ttl, writes)
            self.stats.epoch_reads += 1
            if previous is not None and previous.epoch != epoch:
                self.clear()
            return epoch

    def count(self, stat: str) -> None:
        """Add one to a counter of :attr:`stats` (threads may count at once)."""
        with self._lock:
            setattr(self.stats, stat, getattr(self.stats, stat) + 1)

    def get(self, key: Hashable) -> Entry | None:
        """The stored answer for key (now the most recently used), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        """Store an answer computed under epoch ``key[0]`` (dropped if that epoch is gone),
        then evict the least recently used until within both bounds."""
        if entry.size > self.max_bytes // 8 or self.max_entries <= 0:
            return
        with self._lock:
            known = self._known
            if known is None or known.epoch != key[0]:
                return
            old = self._entries.pop(key, None)
            self._bytes += entry.size - (old.size if old else 0)
            self._entries[key] = entry
            self.stats.stored += 1
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.size
                self.stats.evicted += 1

    def clear(self) -> None:
        """Forget every stored answer."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def size(self) -> tuple[int, int]:
        """Stored answers and their bytes."""
        with self._lock:
            return len(self._entries), self._bytes

    def answer(self, key: tuple[Any, ...], compute: Callable[[], Response]
               ) -> Entry | Response:
        """The stored answer, else the computed one (stored when it can be): an Entry,
        or the computed Response when it is not a plain 200 (an error: never stored)."""
        entry = self.get(key)
        if entry is None:
            with self._lock:
                first = self._inflight.get(key)
                if first is None:
                    self._inflight[key] = threading.Event()
            if first is None:
                return self._compute(key, compute)
            first.wait(FOLLOWER_WAIT)
            entry = self.get(key)
            if entry is None:  # the first one failed or could not store: answer alone
                self.count("misses")
                response = compute()
                return entry_of(response, key) or response
        self.count("hits")
        return entry

    def _compute(self, key: tuple[Any, ...], compute: Callable[[], Response]
                 ) -> Entry | Response:
        try:
            self.count("misses")
            response = compute()
            entry = entry_of(response, key)
            if entry is None:
                return response
            self.put(key, entry)
            return entry
        finally:
            with self._lock:
                done = self._inflight.pop(key)
            done.set()


def entry_of(response: Response, key: tuple[Any, ...]) -> Entry | None:
    """The response as an Entry, or None when it is not a plain, complete 200."""
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return None
    body = response.get_data()
    weight = len(body) + sum(len(str(part)) for part in key[1:]) + 200
    return Entry(body, hashlib.blake2b(body, digest_size=16).hexdigest(),
                 response.mimetype or "application/json", weight)


def read_cache() -> ReadCache:
    """The current app's read cache."""
    return current_app.extensions["cm_cache"]


def request_epoch() -> Epoch:
    """The epoch this request reads (looked up once per request)."""
    epoch: Epoch | None = g.get("cm_epoch")
    if epoch is None:
        epoch = g.cm_epoch = read_cache().epoch(db())
    return epoch


def request_key() -> tuple[Any, ...]:
    """Epoch, the key's role, the path and the query's ``name=value`` parts in a normal
    order (split, not decoded: a hit must cost less than parsing the arguments)."""
    key = g.get("api_key")
    return (request_epoch(), key.role if key else None, request.path,
            tuple(sorted(request.query_string.split(b"&"))))


def respond(entry: Entry) -> Response:
    """The answer with its ETag and cache headers; 304 without a body on a match."""
    if "If-None-Match" in request.headers and request.if_none_match.contains_weak(entry.etag):
        read_cache().count("not_modified")
        return current_app.response_class(status=304, headers=entry.headers)
    return current_app.response_class(entry.body, mimetype=entry.mimetype, headers=entry.headers)


def cached_read(view: F) -> F:
    """Decorator (below ``require_role``): answer from the cache, ETag, 304.

    The view must depend only on its request and the epoch; it runs only on a miss."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        cache = read_cache()

        def compute() -> Response:
            return current_app.make_response(view(*args, **kwargs))

        result = cache.answer(request_key(), compute)
        return result if isinstance(result, Response) else respond(result)

    # flask-smorest documents If-None-Match, 304 and the ETag header from this flag
    wrapper._apidoc = {**getattr(view, "_apidoc", {}), "etag": True}  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
