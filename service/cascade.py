"""Independent-cascade spread on a multigraph (Monte Carlo, numpy): the one simulator that
compares CELF's seeds with the top-k baselines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .analytics import distinct


class Cascade:
    """Independent cascade on a multigraph: each parallel unit is one trial with prob p.

    Stored as CSR arrays; each simulation level is vectorised with numpy.
    """

    def __init__(self, pairs: Iterable[tuple[str, str, int]], p: float):
        """pairs: (source, target, multiplicity)."""
        src, dst, mult = [], [], []
        index: dict[str, int] = {}
        for s, t, m in pairs:
            src.append(index.setdefault(s, len(index)))
            dst.append(index.setdefault(t, len(index)))
            mult.append(m)
        self._build(index, np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64),
                    np.asarray(mult, dtype=np.float64), p)

    @classmethod
    def from_arrays(cls, names: Sequence[str], src: np.ndarray, dst: np.ndarray,
                    mult: np.ndarray, p: float) -> Cascade:
        """The cascade of the pairs (names[src[j]], names[dst[j]], mult[j]), built with
        numpy: nodes are numbered in order of first appearance, as from the pairs, so the
        simulations draw exactly the same numbers."""
        ends = np.column_stack([np.asarray(src, dtype=np.int64),
                                np.asarray(dst, dtype=np.int64)]).ravel()
        seen, first = np.unique(ends, return_index=True)
        appearance = seen[np.argsort(first, kind="stable")]
        renumber = np.zeros(len(names), dtype=np.int64)
        renumber[appearance] = np.arange(len(appearance))
        cascade = cls.__new__(cls)
        cascade._build({names[i]: j for j, i in enumerate(appearance.tolist())},
                       renumber[src], renumber[dst], np.asarray(mult, dtype=np.float64), p)
        return cascade

    def _build(self, index: dict[str, int], src: np.ndarray, dst: np.ndarray,
               mult: np.ndarray, p: float) -> None:
        """CSR arrays of (node-numbered) pairs: targets and trial probabilities by source."""
        self.index, n = index, len(index)
        order = np.argsort(src, kind="stable")
        self.dst = dst[order]
        self.prob = 1 - (1 - p) ** mult[order]
        counts = np.bincount(src, minlength=n)
        self.offsets = np.concatenate([[0], np.cumsum(counts)])
        self.n = n

    def spread(self, seeds: Sequence[str], runs: int = 100, seed: int = 42) -> float:
        """Mean number of activated accounts (seeds included) over Monte Carlo runs."""
        return self.prefix_spreads(seeds, runs, seed)[-1] if seeds else 0.0

    def prefix_spreads(self, seeds: Sequence[str], runs: int = 100,
                       seed: int = 42) -> list[float]:
        """Mean spread of every prefix of ``seeds`` (k = 1..len), from one pass per run.

        In a run each edge's coin is tossed once, when its source is first activated, so
        adding seeds one by one and counting the activated accounts after each gives the
        spread of every prefix in the same random world (the live-edge view of the
        independent cascade) at the cost of one simulation of the whole set."""
        rng = np.random.default_rng(seed)
        totals = np.zeros(len(seeds))
        for _ in range(runs):
            active = np.zeros(self.n, dtype=bool)
            outside: set[str] = set()  # seeds with no influence edges count as themselves
            count = 0
            for j, s in enumerate(seeds):
                i = self.index.get(s)
                if i is None:
                    if s not in outside:
                        outside.add(s)
                        count += 1
                elif not active[i]:
                    count += self._activate(i, active, rng)
                totals[j] += count
        return (totals / runs).tolist()

    def _activate(self, start: int, active: np.ndarray, rng: np.random.Generator) -> int:
        """Activate ``start`` and everything its live edges reach; returns how many."""
        active[start] = True
        frontier = np.array([start], dtype=np.int64)
        count = 1
        while len(frontier):
            starts, ends = self.offsets[frontier], self.offsets[frontier + 1]
            lengths = ends - starts
            total = int(lengths.sum())
            if not total:
                break
            edge_idx = np.repeat(ends - lengths.cumsum(), lengths) + np.arange(total)
            hit = rng.random(total) < self.prob[edge_idx]
            targets = distinct(self.dst[edge_idx[hit]])
            targets = targets[~active[targets]]
            active[targets] = True
            count += len(targets)
            frontier = targets
        return count


def prefix_spreads(cascade: Cascade, order: Sequence[str], ks: Iterable[int],
                   runs: int = 100, seed: int = 42) -> dict[int, float]:
    """Spread of the first k of an ordering, for each k (one simulation pass per run)."""
    wanted = list(ks)
    if not wanted:
        return {}
    spreads = cascade.prefix_spreads(order[:max(wanted)], runs, seed)
    return {k: round(spreads[min(k, len(spreads)) - 1], 3) if k and spreads else 0.0
            for k in wanted}
