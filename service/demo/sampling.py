"""Seeded random streams, weighted sampling of accounts and the blocks rows are made in."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .spec import CHUNK

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# One random stream per (seed, part, block): a block's rows do not depend on the others',
# so the graph is the same however it is cut into chunks.
PARTS = {"population": 1, "follows": 2, "posts": 3, "interactions": 4, "adoptions": 5,
         "accounts": 6, "plan": 7}


def stream(seed: int, part: str, index: int = 0) -> np.random.Generator:
    """Return the random stream of one part (and block) of the graph."""
    return np.random.default_rng([seed, PARTS[part], index])


class Sampler:
    """Weighted sampling of accounts, globally or restricted to one community per draw."""

    def __init__(self, weights: FloatArray, groups: IntArray, n_groups: int) -> None:
        self.order: IntArray = np.argsort(groups, kind="stable").astype(np.int64)
        self.cum: FloatArray = np.cumsum(weights[self.order])
        sorted_groups = groups[self.order]
        ids = np.arange(n_groups)
        self.starts: IntArray = np.searchsorted(sorted_groups, ids, side="left").astype(np.int64)
        self.ends: IntArray = np.searchsorted(sorted_groups, ids, side="right").astype(np.int64)
        cum0 = np.concatenate(([0.0], self.cum))
        self.before: FloatArray = cum0[self.starts]
        self.totals: FloatArray = cum0[self.ends] - self.before

    def anywhere(self, u: FloatArray) -> IntArray:
        """Accounts drawn by weight among all (u: uniform draws)."""
        pos = np.searchsorted(self.cum, u * self.cum[-1], side="right")
        return self.order[np.minimum(pos, len(self.order) - 1)]

    def within(self, groups: IntArray, u: FloatArray) -> IntArray:
        """Accounts drawn by weight within each draw's group (u: uniform draws)."""
        x = self.before[groups] + u * self.totals[groups]
        pos = np.searchsorted(self.cum, x, side="right")
        pos = np.clip(pos, self.starts[groups], self.ends[groups] - 1)
        return self.order[pos]


def pick(weights: FloatArray, u: FloatArray) -> IntArray:
    """Positions drawn by weight from one (small) weight vector."""
    cum = np.cumsum(weights)
    pos = np.searchsorted(cum, u * cum[-1], side="right")
    return np.minimum(pos, len(weights) - 1).astype(np.int64)


def blocks(n: int, rows: int) -> list[tuple[int, int]]:
    """Account index ranges, each expected to make about CHUNK of ``rows``."""
    count = max(1, min(n, -(-rows // CHUNK)))
    edges = np.linspace(0, n, count + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def quotas(rng: np.random.Generator, total: int, weights: FloatArray,
           spans: Sequence[tuple[int, int]]) -> IntArray:
    """Split ``total`` rows over the blocks in proportion to their accounts' weights."""
    per_block = np.array([weights[a:b].sum() for a, b in spans], dtype=np.float64)
    if total <= 0 or per_block.sum() <= 0:
        return np.zeros(len(spans), dtype=np.int64)
    return rng.multinomial(total, per_block / per_block.sum()).astype(np.int64)


def unique_first(keys: IntArray) -> IntArray:
    """Return the sorted positions of the first occurrence of every key."""
    _, first = np.unique(keys, return_index=True)
    return np.sort(first).astype(np.int64)


def draw_topics(rng: np.random.Generator, fav_pad: IntArray, fav_cnt: IntArray,
                comm: IntArray, count_p: Sequence[float], mixing: float,
                n_topics: int) -> IntArray:
    """Draw up to three distinct topic indices per row (-1 = none), favouring `comm`'s."""
    m = len(comm)
    counts = rng.choice(len(count_p), size=m, p=np.asarray(count_p))
    fav = fav_pad[comm[:, None], (rng.random((m, 3)) * fav_cnt[comm][:, None]).astype(int)]
    rand = rng.integers(0, n_topics, size=(m, 3))
    topics = np.where(rng.random((m, 3)) < max(mixing, 0.05), rand, fav)
    big = n_topics
    topics[np.arange(3)[None, :] >= counts[:, None]] = big
    topics.sort(axis=1)
    dup = topics[:, 1:] == topics[:, :-1]
    topics[:, 1:][dup] = big
    topics.sort(axis=1)
    topics[topics == big] = -1
    return topics.astype(np.int64)
