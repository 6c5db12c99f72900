"""The community map layout: deterministic, overlap-free, linked communities placed closer."""

from __future__ import annotations

import numpy as np

from service.layout import community_layout, radius, separate, with_positions


def gaps(pos: np.ndarray, sizes: list[int]) -> np.ndarray:
    """Distance between every two discs' rims (negative = overlap), diagonal excluded."""
    r = radius(sizes)
    d = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=2))
    out = d - r[:, None] - r[None, :]
    np.fill_diagonal(out, np.inf)
    return out


def two_groups() -> tuple[list[int], list[int], list[int], list[float]]:
    """Six communities: 0-1-2 heavily linked, 3-4-5 heavily linked, one thin bridge."""
    sizes = [400, 90, 60, 300, 120, 40]
    src = [0, 0, 1, 3, 3, 4, 2]
    dst = [1, 2, 2, 4, 5, 5, 3]
    weight = [500.0, 400.0, 450.0, 600.0, 300.0, 350.0, 1.0]
    return sizes, src, dst, weight


def test_same_input_gives_the_same_layout() -> None:
    args = two_groups()
    assert np.array_equal(community_layout(*args, seed=7), community_layout(*args, seed=7))


def test_discs_do_not_overlap() -> None:
    rng = np.random.default_rng(3)
    sizes = (rng.pareto(1.2, 150) * 40 + 5).astype(int).tolist()
    src = rng.integers(0, 150, 600)
    dst = rng.integers(0, 150, 600)
    keep = src != dst
    pos = community_layout(sizes, src[keep], dst[keep], rng.uniform(1, 50, keep.sum()))
    assert gaps(pos, sizes).min() > 0


def test_strongly_linked_communities_sit_closer_than_unlinked_ones() -> None:
    sizes, src, dst, weight = two_groups()
    rim = gaps(community_layout(sizes, src, dst, weight), sizes)
    inside = [rim[a, b] for a, b in ((0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5))]
    across = [rim[a, b] for a in (0, 1, 2) for b in (3, 4, 5) if (a, b) != (2, 3)]
    assert max(inside) < min(across)


def test_layout_is_centred_and_handles_tiny_maps() -> None:
    assert community_layout([], [], [], []).shape == (0, 2)
    one = community_layout([12], [], [], [])
    assert one.shape == (1, 2) and np.allclose(one, 0.0)
    pos = community_layout(*two_groups())
    assert np.allclose(pos.mean(axis=0), 0.0, atol=1e-6)


def test_separate_removes_overlap_of_discs_placed_on_top_of_each_other() -> None:
    pos = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1]])
    out = separate(pos, radius([100, 100, 25]), gap=0.0)
    assert gaps(out, [100, 100, 25]).min() > -1e-6


def test_with_positions_adds_x_and_y_and_keeps_everything_else() -> None:
    communities = [{"id": "c1", "size": 50, "label": "#tea"}, {"id": "c2", "size": 20},
                   {"id": "c3", "size": 10}]
    links = [{"source": "c1", "target": "c2", "weight": 5.0},
             {"source": "c1", "target": "gone", "weight": 9.0}]  # unknown ids are ignored
    placed = with_positions(communities, links, seed=1)
    assert [c["id"] for c in placed] == ["c1", "c2", "c3"]
    assert placed[0]["label"] == "#tea" and "x" not in communities[0]
    assert all(isinstance(c["x"], float) and isinstance(c["y"], float) for c in placed)
    assert placed == with_positions(communities, links, seed=1)
