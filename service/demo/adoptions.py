"""Adoptions, made block by block of accounts: each community adopts a few items tied to
its topics, its leaders first (within half a day of launch), members later."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .names import ITEM_TOPIC, ITEMS
from .population import Population
from .sampling import IntArray, blocks, pick, quotas, stream, unique_first
from .spec import DAY, GraphSpec

HALF_DAY = DAY // 2


@dataclass(frozen=True)
class Adoptions:
    """One block of adoption rows (account and item indices, seconds into the window)."""

    account: IntArray
    item: IntArray
    at: IntArray


@dataclass(frozen=True)
class Launches:
    """Which items each community adopts, and when each item launches in each community."""

    items: list[list[int]]
    launch: IntArray  # (communities, items) seconds into the window
    item_pad: IntArray  # (communities, 4) the community's items, padded
    item_cnt: IntArray


def launches(spec: GraphSpec, pop: Population) -> Launches:
    """Each community adopts 2-4 items tied to its favourite topics; each launches at t0."""
    rng = stream(spec.seed, "plan", 4)
    items: list[list[int]] = []
    for community in range(spec.communities):
        favs = pop.fav_pad[community, : pop.fav_cnt[community]]
        pool = np.flatnonzero(np.isin(ITEM_TOPIC, favs))
        size = min(len(pool), int(rng.integers(2, 5)))
        items.append(sorted(int(i) for i in rng.choice(pool, size=size, replace=False)))
    launch = rng.integers(0, int(spec.window * 0.4) + 1, size=(spec.communities, len(ITEMS)))
    return Launches(
        items=items, launch=launch.astype(np.int64),
        item_pad=np.stack([np.resize(np.array(its), 4) for its in items]).astype(np.int64),
        item_cnt=np.array([len(its) for its in items], dtype=np.int64),
    )


def adoption_blocks(spec: GraphSpec, pop: Population, plan: Launches) -> Iterator[Adoptions]:
    """Every adoption, one block of accounts at a time (each block sorted by time)."""
    leaders = np.sort(np.concatenate(pop.leaders))
    leader_rows = int(plan.item_cnt[pop.comm[leaders]].sum())
    if leader_rows > spec.adoptions:
        raise ValueError("too few adoptions for the planted leaders' early adoptions")
    spans = blocks(spec.accounts, spec.adoptions)
    organic = quotas(stream(spec.seed, "plan", 5), spec.adoptions - leader_rows, pop.activity,
                     spans)
    for b, (lo, hi) in enumerate(spans):
        rng = stream(spec.seed, "adoptions", b)
        head = _leader_rows(rng, pop, plan, leaders[(leaders >= lo) & (leaders < hi)])
        yield _block(rng, spec, pop, plan, head, lo, hi, int(organic[b]))


def _leader_rows(rng: np.random.Generator, pop: Population, plan: Launches,
                 leaders: IntArray) -> Adoptions:
    """Leaders adopt each of their community's items within half a day of its launch."""
    cnt = plan.item_cnt[pop.comm[leaders]]
    account = np.repeat(leaders, cnt).astype(np.int64)
    position = np.arange(len(account)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    item = plan.item_pad[pop.comm[account], position].astype(np.int64)
    at = plan.launch[pop.comm[account], item] + rng.integers(0, HALF_DAY, size=len(account))
    return Adoptions(account, item, at.astype(np.int64))


def _block(rng: np.random.Generator, spec: GraphSpec, pop: Population, plan: Launches,
           head: Adoptions, lo: int, hi: int, quota: int) -> Adoptions:
    """Members follow later, with an exponential lag; some adopt other communities' items."""
    n_items, window = len(ITEMS), spec.window
    account, item, at = head.account, head.item, head.at
    want = len(account) + quota
    act = pop.activity[lo:hi]
    for _ in range(500):
        missing = want - len(account)
        if missing <= 0:
            break
        m = int(missing * 1.2) + 64
        a = lo + pick(act, rng.random(m))
        ac = pop.comm[a]
        own_item = plan.item_pad[ac, (rng.random(m) * plan.item_cnt[ac]).astype(np.int64)]
        cross = rng.random(m) < spec.mixing
        it = np.where(cross, rng.integers(0, n_items, size=m), own_item)
        # Never before the community's own leaders: lag starts half a day after its launch.
        t0 = plan.launch[ac, it] + HALF_DAY + np.where(cross, DAY, 0)
        t = t0 + rng.exponential(window * 0.12, size=m).astype(np.int64)
        late = t >= window
        t[late] = t0[late] + (rng.random(int(late.sum())) * (window - t0[late]))
        account = np.concatenate((account, a))
        item = np.concatenate((item, it))
        at = np.concatenate((at, np.minimum(t, window - 1)))
        keep = unique_first(account * n_items + item)
        account, item, at = account[keep], item[keep], at[keep]
    if len(account) < want:
        raise RuntimeError("could not generate enough distinct adoptions")
    order = np.argsort(at[:want], kind="stable")
    return Adoptions(account[:want][order], item[:want][order], at[:want][order])
