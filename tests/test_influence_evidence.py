"""Pure unit tests of ``service.refresh.influence_evidence``: returned engagement beyond
chance (a small community's leader, a ring inside a big community, a pod of its own).
No database."""

from __future__ import annotations

import numpy as np

from service.analytics import Edges
from service.refresh.influence_evidence import Reciprocity, rings


def edges(pairs: list[tuple[int, int]], w: float = 1.0) -> Edges:
    src = np.array([a for a, _ in pairs], dtype=np.int64)
    dst = np.array([b for _, b in pairs], dtype=np.int64)
    return Edges(src=src, dst=dst, w=np.full(len(pairs), w))


def unreturned_of(pairs: list[tuple[int, int]], labels: list[int], account: int) -> float:
    engagement = edges(pairs)
    recip = Reciprocity(engagement, np.array(labels, dtype=np.int64))
    return float(recip.unreturned(engagement.dst, engagement.src, len(labels))[account])


def test_engaging_back_what_chance_explains_is_not_an_exchange() -> None:
    # a community of five: all four others engage 0; 0 engages two of them (half its
    # community), so two of its four engagers are engaged back, as chance has it
    pairs = [(i, 0) for i in range(1, 5)] + [(0, 1), (0, 2)]
    assert unreturned_of(pairs, [0] * 5, 0) == 4.0


def test_a_ring_inside_a_big_community_is_an_exchange() -> None:
    # community of 101: accounts 1..5 engage 0 and 0 engages exactly them (5 of 100)
    pairs = [(i, 0) for i in range(1, 6)] + [(0, i) for i in range(1, 6)]
    got = unreturned_of(pairs, [0] * 101, 0)
    assert got == 5 - (5 - 5 * 5 / 100)  # 0.25: what chance would have returned


def test_engagers_it_does_not_engage_always_count() -> None:
    pairs = [(1, 0), (2, 0), (3, 0), (0, 1)]
    labels = [0, 0, 0, 0, -1]
    # 0 engages one of its three fellow members (chance 1/3); 1 of its 3 engagers is
    # engaged back: exactly chance
    assert unreturned_of(pairs, labels, 0) == 3.0
    assert unreturned_of(pairs, labels, 4) == 0.0  # nobody engages 4


def test_an_account_outside_the_graph_returns_nothing() -> None:
    engagement = edges([(0, 1), (1, 0)])
    recip = Reciprocity(engagement, np.array([-1, -1], dtype=np.int64))
    # account 2 is not a graph node (e.g. an account seen only through its posts)
    got = recip.unreturned(np.array([2, 1]), np.array([0, 0]), 3)
    assert got[2] == 1.0
    # 1 engages 0 back, but 0 is the only other account there is: chance explains it
    assert got[1] == 1.0


def test_a_pod_found_as_a_community_is_a_ring() -> None:
    # community 0: a pod of four, everyone engaging everyone; community 1: a small tight
    # community of five where two pairs also answer each other
    pod = [(a, b) for a in range(4) for b in range(4) if a != b]
    tight = [(i, 4) for i in range(5, 9)] + [(4, 5), (5, 6), (6, 7), (7, 8), (6, 5)]
    labels = np.array([0] * 4 + [1] * 5, dtype=np.int64)
    assert rings(edges(pod + tight), labels, 2).tolist() == [True, False]
    # a pod exchanging heavily inside a community of 13 with 15 one-way pairs: 12 of 27
    # engaging pairs are returned, so it is no ring, whatever the pod's weight
    one_way = [(i, 4) for i in range(5, 13)] + [(i, i + 1) for i in range(5, 12)]
    heavy = edges(pod + one_way)
    heavy.w[:len(pod)] = 50.0
    assert rings(heavy, np.zeros(13, dtype=np.int64), 1).tolist() == [False]
