"""Follows, made block by block of followers: organic follows, mostly within the
follower's community, and bought followers of inauthentic accounts arriving in bursts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .population import Population
from .sampling import IntArray, blocks, pick, quotas, stream, unique_first
from .spec import GraphSpec

BOUGHT_SHARE = 0.03  # share of all follows that are bought followers of inauthentic accounts
BURST_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Follows:
    """One block of follow rows (account indices, seconds into the window)."""

    follower: IntArray
    followee: IntArray
    since: IntArray


@dataclass(frozen=True)
class _Bought:
    per_block: IntArray  # (blocks, inauthentic accounts): bought followers in each block
    bursts: list[IntArray]  # per inauthentic account: the times its purchases arrived


def _bought(rng: np.random.Generator, spec: GraphSpec, pop: Population,
            spans: list[tuple[int, int]]) -> _Bought:
    n, n_inauth = spec.accounts, len(pop.inauthentic)
    each = min((n - 1) // 2, int(spec.follows * BOUGHT_SHARE / max(n_inauth, 1)))
    room = np.array([hi - lo - 1 for lo, hi in spans], dtype=np.int64)
    share = (room + 1) / n
    per_block = np.stack([np.minimum(rng.multinomial(each, share), room)
                          for _ in range(n_inauth)], axis=1) if n_inauth else \
        np.zeros((len(spans), 0), dtype=np.int64)
    bursts = [rng.integers(0, max(spec.window - BURST_SECONDS, 1), size=int(rng.integers(2, 6)))
              for _ in range(n_inauth)]
    return _Bought(per_block.astype(np.int64), bursts)


def follow_blocks(spec: GraphSpec, pop: Population) -> Iterator[Follows]:
    """Every follow, one block of followers at a time (each block sorted by time)."""
    spans = blocks(spec.accounts, spec.follows)
    plan = stream(spec.seed, "plan", 1)
    bought = _bought(plan, spec, pop, spans) if spec.follows else _Bought(
        np.zeros((len(spans), len(pop.inauthentic)), dtype=np.int64), [])
    organic = quotas(plan, spec.follows - int(bought.per_block.sum()), pop.activity, spans)
    for b, (lo, hi) in enumerate(spans):
        rng = stream(spec.seed, "follows", b)
        head = _bought_rows(rng, spec, pop, bought, b, lo, hi)
        yield _block(rng, spec, pop, head, lo, hi, int(organic[b]))


def _bought_rows(rng: np.random.Generator, spec: GraphSpec, pop: Population, bought: _Bought,
                 b: int, lo: int, hi: int) -> Follows:
    """Bought followers from this block: drawn from anyone, arriving in a few bursts."""
    parts: list[tuple[IntArray, IntArray, IntArray]] = []
    for j, account in enumerate(pop.inauthentic.tolist()):
        count = int(bought.per_block[b, j])
        if count == 0:
            continue
        inside = lo <= account < hi
        followers = lo + rng.choice(hi - lo - int(inside), size=count, replace=False)
        if inside:
            followers[followers >= account] += 1
        times = bought.bursts[j]
        since = times[rng.integers(0, len(times), size=count)] + rng.integers(
            0, BURST_SECONDS, size=count)
        parts.append((followers.astype(np.int64), np.full(count, account, dtype=np.int64),
                      np.minimum(since, spec.window - 1).astype(np.int64)))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return Follows(empty, empty, empty)
    f, t, s = (np.concatenate(cols) for cols in zip(*parts, strict=True))
    return Follows(f, t, s)


def _block(rng: np.random.Generator, spec: GraphSpec, pop: Population, head: Follows,
           lo: int, hi: int, quota: int) -> Follows:
    """The block's bought follows plus ``quota`` distinct organic ones, sorted by time."""
    n, window = spec.accounts, spec.window
    follower, followee, since = head.follower, head.followee, head.since
    want = len(follower) + quota
    act = pop.activity[lo:hi]
    for _ in range(500):
        missing = want - len(follower)
        if missing <= 0:
            break
        m = int(missing * 1.15) + 64
        f = lo + pick(act, rng.random(m))
        t = pop.follow_sampler.within(pop.comm[f], rng.random(m))
        cross = rng.random(m) < spec.mixing
        t[cross] = pop.follow_sampler.anywhere(rng.random(int(cross.sum())))
        s = np.minimum((rng.beta(1.3, 1.0, size=m) * window).astype(np.int64), window - 1)
        ok = f != t
        follower = np.concatenate((follower, f[ok]))
        followee = np.concatenate((followee, t[ok]))
        since = np.concatenate((since, s[ok]))
        keep = unique_first(follower * n + followee)
        follower, followee, since = follower[keep], followee[keep], since[keep]
    if len(follower) < want:
        raise RuntimeError("could not generate enough distinct follows; the spec is too dense")
    order = np.argsort(since[:want], kind="stable")
    return Follows(follower[:want][order], followee[:want][order], since[:want][order])
