"""Pure unit tests of ``service.analytics`` on tiny hand-made graphs (no database).

Edges are given in node-index space. Expected values are worked out by hand in the
comments, and modularity / conductance are cross-checked against networkx on the same
weighted graph.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from service.analytics import (
    LEADER_WEIGHTS,
    Edges,
    compact,
    distinct,
    group_sums,
    leader_components,
    links,
    match_identities,
    modularity,
    participation,
    tightness,
    topic_profile,
)


def edges_of(pairs: list[tuple[int, int]], weights: list[float] | None = None) -> Edges:
    """An Edges list from (src, dst) pairs, weight 1 unless given."""
    w = weights if weights is not None else [1.0] * len(pairs)
    return Edges(src=np.array([a for a, _ in pairs], dtype=np.int64),
                 dst=np.array([b for _, b in pairs], dtype=np.int64),
                 w=np.array(w, dtype=np.float64))


def both_ways(edges: Edges) -> Edges:
    """Every edge in both directions (how the projection streams mutual engagement)."""
    return Edges(src=np.concatenate([edges.src, edges.dst]),
                 dst=np.concatenate([edges.dst, edges.src]),
                 w=np.concatenate([edges.w, edges.w]))


def clique_pair(size: int) -> list[tuple[int, int]]:
    """Two ``size``-cliques (0..size-1 and size..2*size-1) joined by the edge (size-1, size)."""
    first = list(combinations(range(size), 2))
    second = [(a + size, b + size) for a, b in first]
    return first + second + [(size - 1, size)]


def two_groups(size: int) -> np.ndarray:
    return np.array([0] * size + [1] * size, dtype=np.int64)


# ---------------------------------------------------------------------------- compact


def test_compact_orders_by_size_and_drops_small_groups() -> None:
    # sizes: label 9 → 4, label 5 → 3, label 2 → 2, label 7 → 1
    labels, k = compact([5, 5, 5, 2, 2, 9, 9, 9, 9, 7], min_size=2)
    assert k == 3
    assert labels.tolist() == [1, 1, 1, 2, 2, 0, 0, 0, 0, -1]
    assert labels.dtype == np.int64


def test_compact_min_size_is_inclusive_and_ties_break_by_raw_label() -> None:
    labels, k = compact([3, 3, 1, 1, 8], min_size=2)
    assert (labels.tolist(), k) == ([1, 1, 0, 0, -1], 2)
    labels, k = compact([3, 3, 1, 1, 8], min_size=3)
    assert (labels.tolist(), k) == ([-1] * 5, 0)
    labels, k = compact([3, 3, 1, 1, 8], min_size=1)
    assert (labels.tolist(), k) == ([1, 1, 0, 0, 2], 3)


def test_compact_of_nothing() -> None:
    labels, k = compact(np.array([], dtype=np.int64), min_size=2)
    assert (labels.tolist(), k) == ([], 0)


# ---------------------------------------------------------------------------- modularity


def test_modularity_of_two_triangles_matches_hand_value() -> None:
    # m = 7; each triangle: internal 3, volume 2*3 + 1 = 7
    # Q = 2 * (3/7 - (7/14)^2) = 6/7 - 1/2 = 5/14
    edges = edges_of(clique_pair(3))
    q, parts = modularity(edges, two_groups(3))
    assert q == pytest.approx(5 / 14)
    assert parts.tolist() == pytest.approx([5 / 28, 5 / 28])
    # listing every edge in both directions (as the projection does) changes nothing
    q2, parts2 = modularity(both_ways(edges), two_groups(3))
    assert q2 == pytest.approx(5 / 14)
    assert parts2.tolist() == pytest.approx(parts.tolist())


def test_modularity_matches_networkx_on_weighted_clique_pair() -> None:
    pairs = clique_pair(5)
    weights = [1.0 + (i % 4) for i in range(len(pairs))]  # 1, 2, 3, 4, 1, ...
    g = nx.Graph()
    g.add_weighted_edges_from((a, b, w) for (a, b), w in zip(pairs, weights, strict=True))
    expected = nx.community.modularity(g, [set(range(5)), set(range(5, 10))], weight="weight")
    q, parts = modularity(edges_of(pairs, weights), two_groups(5))
    assert q == pytest.approx(expected)
    assert float(parts.sum()) == pytest.approx(expected)
    # a worse partition scores lower, the same in both implementations
    bad = [{0, 1, 2, 5, 6}, {3, 4, 7, 8, 9}]
    labels = np.array([0 if i in bad[0] else 1 for i in range(10)], dtype=np.int64)
    q_bad, _ = modularity(edges_of(pairs, weights), labels)
    assert q_bad == pytest.approx(nx.community.modularity(g, bad, weight="weight"))
    assert q_bad < q


def test_modularity_of_empty_graph_is_zero() -> None:
    q, parts = modularity(edges_of([]), np.array([0, 1], dtype=np.int64))
    assert q == 0.0 and len(parts) == 2


# ---------------------------------------------------------------------------- tightness


def test_tightness_of_two_four_cliques() -> None:
    # each K4: size 4, 6 of 6 pairs, internal weight 6; cut 1; volume 2*6 + 1 = 13 of 26
    pairs = clique_pair(4)
    out = tightness(edges_of(pairs), two_groups(4), 2)
    g = nx.Graph(pairs)
    for c, members in enumerate((range(4), range(4, 8))):
        assert out[c]["size"] == 4
        assert out[c]["density"] == pytest.approx(1.0)
        assert out[c]["internal_weight"] == pytest.approx(6.0)
        assert out[c]["conductance"] == pytest.approx(1 / 13)
        assert out[c]["conductance"] == pytest.approx(nx.conductance(g, set(members)))
    # both directions: pairs are counted once, weights twice, ratios unchanged
    twice = tightness(both_ways(edges_of(pairs)), two_groups(4), 2)
    assert [t["density"] for t in twice] == pytest.approx([1.0, 1.0])
    assert [t["internal_weight"] for t in twice] == pytest.approx([12.0, 12.0])
    assert [t["conductance"] for t in twice] == pytest.approx([1 / 13, 1 / 13])


def test_tightness_of_sparse_group_and_unclustered_node() -> None:
    # group 0 = path 0-1-2 (2 of 3 pairs), node 3 unclustered and linked to node 2
    edges = edges_of([(0, 1), (1, 2), (2, 3)])
    out = tightness(edges, np.array([0, 0, 0, -1], dtype=np.int64), 1)
    assert out[0]["size"] == 3
    assert out[0]["density"] == pytest.approx(2 / 3)
    # cut 1, volume 2*2 + 1 = 5, total volume 6 → min(5, 1) = 1
    assert out[0]["conductance"] == pytest.approx(1.0)


# ---------------------------------------------------------------------------- array helpers


def test_distinct_and_group_sums_match_numpy_unique() -> None:
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 50, 1_000).astype(np.int64)
    weights = rng.random(1_000)
    assert distinct(keys).tolist() == np.unique(keys).tolist()
    found, sums = group_sums(keys, weights)
    expected, inverse = np.unique(keys, return_inverse=True)
    assert found.tolist() == expected.tolist()
    assert sums == pytest.approx(np.bincount(inverse, weights=weights))
    empty = np.zeros(0, dtype=np.int64)
    assert distinct(empty).tolist() == [] and group_sums(empty, np.zeros(0))[0].tolist() == []


# ---------------------------------------------------------------------------- participation


def test_participation_of_bridge_and_interior_nodes() -> None:
    # triangles {0,1,2} and {3,4,5}, bridge 2-3 (weight 1), node 6 isolated
    edges = edges_of(clique_pair(3))
    labels = np.array([0, 0, 0, 1, 1, 1, 2], dtype=np.int64)
    part = participation(edges, labels)
    p, k_i = part.coefficient, part.incident_weight
    # node 2: weight 2 to its own group, 1 to the other: 1 - (2/3)^2 - (1/3)^2 = 4/9
    assert p[2] == pytest.approx(4 / 9) and p[3] == pytest.approx(4 / 9)
    assert p[2] > 0
    for interior in (0, 1, 4, 5):
        assert p[interior] == pytest.approx(0.0)
    assert p[6] == 0.0  # no engagement at all
    assert k_i.tolist() == pytest.approx([2, 2, 3, 3, 2, 2, 0])
    assert part.by_community(2) == pytest.approx({0: 2.0, 1: 1.0})
    assert part.by_community(0) == pytest.approx({0: 2.0})
    assert part.by_community(6) == {}
    assert part.community_counts().tolist() == [1, 1, 2, 2, 1, 1, 0]


def test_participation_counts_each_unclustered_neighbour_as_its_own_group() -> None:
    # star: 0 linked to the unclustered 1, 2 and 3, each a group of its own
    edges = edges_of([(0, 1), (0, 2), (0, 3)])
    part = participation(edges, np.array([0, -1, -1, -1], dtype=np.int64))
    assert part.coefficient[0] == pytest.approx(1 - 3 * (1 / 3) ** 2)
    assert part.by_community(0) == {}  # unclustered neighbours are no community


# ---------------------------------------------------------------------------- leaders


def test_leader_components_favour_the_hub() -> None:
    # group 0: everyone engages with node 0; node 0 engages with node 1 only
    edges = edges_of([(1, 0), (2, 0), (3, 0), (0, 1)])
    labels = np.array([0, 0, 0, 0], dtype=np.int64)
    pr = np.array([0.4, 0.2, 0.1, 0.1])
    comp = leader_components(edges, labels, pr)
    assert comp["influence"].tolist() == pytest.approx([1.0, 0.5, 0.25, 0.25])
    assert comp["community_share"].tolist() == pytest.approx([1.0, 1 / 3, 0.0, 0.0])
    assert comp["reach"][0] == pytest.approx(1.0)
    assert comp["reach"][2] == pytest.approx(0.0)
    assert comp["engagers"].tolist() == [3, 1, 0, 0]
    expected = sum(LEADER_WEIGHTS.values())
    assert comp["score"][0] == pytest.approx(expected)
    assert int(np.argmax(comp["score"])) == 0


def test_leader_components_when_every_node_is_unclustered() -> None:
    edges = edges_of([(0, 1), (1, 0), (2, 0)])
    labels = np.array([-1, -1, -1], dtype=np.int64)
    comp = leader_components(edges, labels, np.array([0.5, 0.25, 0.25]))
    assert comp["community_share"].tolist() == [0.0, 0.0, 0.0]
    assert comp["influence"].tolist() == pytest.approx([1.0, 0.5, 0.5])


# ---------------------------------------------------------------------------- links, topics


def test_links_sum_both_directions_and_skip_unclustered() -> None:
    edges = edges_of([(2, 3), (3, 2), (0, 1), (1, 4)], [2.0, 1.0, 5.0, 7.0])
    labels = np.array([0, 0, 0, 1, -1], dtype=np.int64)
    assert links(edges, labels) == [{"source": 0, "target": 1, "weight": 3.0}]
    assert links(edges_of([(0, 1)]), np.array([0, 0], dtype=np.int64)) == []


def test_topic_profile_top_and_distinctive() -> None:
    member = Counter({"a": 5, "b": 1})
    everyone = Counter({"a": 5, "b": 10, "c": 5})
    top, distinctive = topic_profile(member, everyone, 20)
    assert top == ["a", "b"]
    assert distinctive == ["a"]  # lift of b is (1/6) / (10/20) < 1
    assert topic_profile(Counter(), everyone, 20) == ([], [])


# ---------------------------------------------------------------------------- identities


def members(text: str) -> set[str]:
    return set(text)


def test_identical_membership_keeps_ids() -> None:
    old = {"c1": members("abc"), "c2": members("def")}
    ident = match_identities({0: members("def"), 1: members("abc")}, old, ["c3", "c4"])
    assert ident.ids == {0: "c2", 1: "c1"}
    assert (ident.births, ident.deaths, ident.merges, ident.splits) == ([], [], [], [])


def test_growing_community_keeps_its_id() -> None:
    old = {"c1": members("abcd"), "c2": members("wxyz")}
    new = {0: members("abcdef"), 1: members("wxyz")}  # Jaccard 4/6 for c1
    ident = match_identities(new, old, ["c3", "c4"])
    assert ident.ids == {0: "c1", 1: "c2"}
    assert (ident.births, ident.deaths, ident.merges, ident.splits) == ([], [], [], [])


def test_merge_is_recorded_and_the_bigger_part_keeps_its_id() -> None:
    old = {"c1": members("abcdef"), "c2": members("ghi")}
    ident = match_identities({0: members("abcdefghi")}, old, ["c3"])
    assert ident.ids == {0: "c1"}  # Jaccard 6/9 beats 3/9
    assert ident.merges == [{"into": "c1", "from": ["c1", "c2"]}]
    assert ident.deaths == [] and ident.births == [] and ident.splits == []


def test_split_is_recorded() -> None:
    old = {"c1": members("abcdefgh")}
    ident = match_identities({0: members("abcde"), 1: members("fgh")}, old, ["c9", "c10"])
    assert ident.ids == {0: "c1", 1: "c9"}
    assert ident.splits == [{"from": "c1", "into": ["c1", "c9"]}]
    assert ident.births == [] and ident.deaths == [] and ident.merges == []


def test_new_group_is_a_birth() -> None:
    old = {"c1": members("abc")}
    ident = match_identities({0: members("abc"), 1: members("xyz")}, old, ["c5", "c6"])
    assert ident.ids == {0: "c1", 1: "c5"}
    assert ident.births == ["c5"]
    assert ident.deaths == [] and ident.merges == [] and ident.splits == []


def test_vanished_group_is_a_death() -> None:
    old = {"c1": members("abc"), "c2": members("def")}
    ident = match_identities({0: members("abc")}, old, ["c3"])
    assert ident.ids == {0: "c1"}
    assert ident.deaths == ["c2"]
    assert ident.births == [] and ident.merges == [] and ident.splits == []


def test_first_run_is_all_births() -> None:
    ident = match_identities({0: members("abc"), 1: members("de")}, {}, ["c1", "c2"])
    assert ident.ids == {0: "c1", 1: "c2"}
    assert ident.births == ["c1", "c2"] and ident.deaths == []


def test_small_overlap_does_not_keep_the_id() -> None:
    # c1 lost most members: Jaccard 1/10 < 0.3 → new id, c1 dies
    old = {"c1": members("abc")}
    ident = match_identities({0: members("aqrstuvw")}, old, ["c2"])
    assert ident.ids == {0: "c2"}
    assert ident.births == ["c2"] and ident.deaths == ["c1"]
