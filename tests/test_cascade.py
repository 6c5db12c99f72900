"""Pure unit tests of ``service.cascade``: the independent-cascade simulator (spread,
parallel edges, reproducibility, every prefix in one pass). No database.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from service.cascade import Cascade, prefix_spreads

# ---------------------------------------------------------------------------- cascade


def chain(n: int) -> list[tuple[str, str, int]]:
    return [(f"n{i}", f"n{i + 1}", 1) for i in range(n - 1)]


def test_spread_with_certain_propagation_covers_the_chain() -> None:
    cascade = Cascade(chain(12), p=1 - 1e-12)
    assert cascade.spread(["n0"], runs=50) == 12.0
    assert cascade.spread(["n5"], runs=50) == 7.0  # only downstream (directed)
    assert cascade.spread(["n0", "n3"], runs=20) == 12.0  # overlapping seeds count once
    assert cascade.spread(["n0", "n0"], runs=20) == 12.0  # a repeated seed counts once
    ring = Cascade([*chain(6), ("n5", "n0", 1)], p=1 - 1e-12)
    assert ring.spread(["n3"], runs=20) == 6.0  # cycles terminate, nobody counts twice


def test_spread_with_negligible_propagation_is_the_seeds() -> None:
    cascade = Cascade(chain(12), p=1e-12)
    assert cascade.spread(["n0"], runs=50) == 1.0
    assert cascade.spread(["n0", "n4", "n8"], runs=50) == 3.0
    assert cascade.spread(["nobody"], runs=5) == 1.0  # a seed outside the graph is itself
    assert cascade.spread([]) == 0.0


def test_parallel_edges_raise_the_activation_probability() -> None:
    once = Cascade([("a", "b", 1)], p=0.3)
    five = Cascade([("a", "b", 5)], p=0.3)
    assert five.spread(["a"], runs=4000) - 1 == pytest.approx(1 - 0.7**5, abs=0.03)
    assert once.spread(["a"], runs=4000) - 1 == pytest.approx(0.3, abs=0.03)
    # two separate pairs of the same accounts are two independent trials
    split = Cascade([("a", "b", 2), ("a", "b", 3)], p=0.3)
    assert split.spread(["a"], runs=4000) - 1 == pytest.approx(1 - 0.7**5, abs=0.03)


def test_spread_is_reproducible_with_a_fixed_seed() -> None:
    rng = random.Random(3)
    pairs = [(f"v{rng.randrange(60)}", f"v{rng.randrange(60)}", rng.randint(1, 4))
             for _ in range(400)]
    cascade = Cascade(pairs, p=0.05)
    seeds = ["v1", "v2", "v3"]
    first = cascade.spread(seeds, runs=100, seed=11)
    assert cascade.spread(seeds, runs=100, seed=11) == first
    assert Cascade(pairs, p=0.05).spread(seeds, runs=100, seed=11) == first
    assert 3.0 <= first <= 60.0
    spreads = {cascade.spread(seeds, runs=100, seed=s) for s in range(5)}
    assert len(spreads) > 1  # the seed really drives the simulation


def test_prefix_spreads() -> None:
    cascade = Cascade(chain(10), p=1e-12)
    order = ["n0", "n2", "n4", "n6"]
    assert prefix_spreads(cascade, order, [1, 2, 4]) == {1: 1.0, 2: 2.0, 4: 4.0}
    certain = Cascade(chain(10), p=1 - 1e-12)
    assert prefix_spreads(certain, ["n5", "n0"], [1, 2], runs=10) == {1: 5.0, 2: 10.0}
    a = prefix_spreads(Cascade(chain(30), p=0.5), [f"n{i}" for i in range(0, 30, 3)],
                           [1, 5, 10], seed=5)
    b = prefix_spreads(Cascade(chain(30), p=0.5), [f"n{i}" for i in range(0, 30, 3)],
                           [1, 5, 10], seed=5)
    assert a == b
    assert a[1] <= a[5] <= a[10]


def test_built_from_arrays_it_simulates_exactly_as_from_pairs() -> None:
    rng = np.random.default_rng(5)
    names = [f"a{i}" for i in range(40)]
    src, dst = rng.integers(0, 40, 300), rng.integers(0, 40, 300)
    mult = rng.integers(1, 4, 300)
    pairs = [(names[s], names[t], int(m)) for s, t, m in zip(src, dst, mult, strict=True)]
    seeds = ["a3", "a17", "a30"]
    expected = Cascade(pairs, p=0.2).prefix_spreads(seeds, runs=50, seed=3)
    assert Cascade.from_arrays(names, src, dst, mult, 0.2).prefix_spreads(
        seeds, runs=50, seed=3) == expected
