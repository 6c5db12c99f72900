"""Positions of a community map's nodes: a seeded, deterministic force layout in numpy.

Computed at refresh time and stored with the run, so a run always draws the same map and a
large map draws at once. A community is a disc of radius ``sqrt(size)`` (area ∝ members);
the map page draws it with that radius in the same units, and the layout keeps discs from
overlapping. Pure: no I/O, the same input (order included) gives the same output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))
PAIR_BUDGET = 1.5e7  # node pairs visited over all iterations (bounds time on big levels)
BLOCK = 512  # rows of the pairwise force matrix computed at once (bounds memory)


def radius(sizes: Any) -> Any:
    """Disc radius of a community of ``size`` members, in layout units."""
    return np.sqrt(np.maximum(np.asarray(sizes, dtype=np.float64), 1.0))


def spiral(r: Any) -> Any:
    """Discs on a sunflower spiral in input order (largest first gives a packed core)."""
    k = len(r)
    ring = 1.7 * np.sqrt(np.cumsum(r ** 2))
    angle = GOLDEN_ANGLE * np.arange(k)
    return np.column_stack([ring * np.cos(angle), ring * np.sin(angle)])


def _repulsion(pos: Any, r: Any, gap: float) -> Any:
    """Pairwise push: ∝ (r_i + r_j)² / d, and strongly when discs (plus gap) overlap."""
    k = len(pos)
    force = np.zeros_like(pos)
    for start in range(0, k, BLOCK):
        rows = slice(start, min(start + BLOCK, k))
        delta = pos[rows, None, :] - pos[None, :, :]
        dist = np.sqrt((delta ** 2).sum(axis=2)) + 1e-9
        reach = r[rows, None] + r[None, :] + gap
        push = 0.2 * reach ** 2 / dist + np.where(dist < reach, 2.0 * (reach - dist), 0.0)
        idx = np.arange(rows.start, rows.stop)
        push[idx - start, idx] = 0.0
        force[rows] = (delta * (push / dist)[:, :, None]).sum(axis=1)
    return force


def _attraction(pos: Any, r: Any, src: Any, dst: Any, strength: Any, gap: float) -> Any:
    """Springs along links, resting when the two discs are ``gap`` apart."""
    force = np.zeros_like(pos)
    if len(src) == 0:
        return force
    delta = pos[dst] - pos[src]
    dist = np.sqrt((delta ** 2).sum(axis=1)) + 1e-9
    rest = r[src] + r[dst] + gap
    pull = (strength * np.maximum(dist - rest, 0.0) / dist)[:, None] * delta
    np.add.at(force, src, pull)
    np.add.at(force, dst, -pull)
    return force


def _near_pairs(pos: Any, r: Any, gap: float) -> tuple[Any, Any]:
    """Index pairs (i < j) of discs closer than twice the distance at which they touch."""
    k = len(pos)
    found_i, found_j = [], []
    for start in range(0, k, BLOCK):
        rows = slice(start, min(start + BLOCK, k))
        dist = np.sqrt(((pos[rows, None, :] - pos[None, :, :]) ** 2).sum(axis=2))
        near = dist < 2.0 * (r[rows, None] + r[None, :] + gap)
        i, j = np.nonzero(near)
        i += start
        keep = i < j
        found_i.append(i[keep])
        found_j.append(j[keep])
    return np.concatenate(found_i), np.concatenate(found_j)


def separate(pos: Any, r: Any, gap: float, rounds: int = 8, passes: int = 12) -> Any:
    """Push overlapping discs apart (the smaller one moves more) until none overlap.

    Each round finds the pairs near enough to matter, then nudges only those."""
    pos = pos.copy()
    for _ in range(rounds):
        i, j = _near_pairs(pos, r, gap)
        reach = r[i] + r[j] + gap
        moved = False
        for _ in range(passes):
            delta = pos[i] - pos[j]
            dist = np.sqrt((delta ** 2).sum(axis=1)) + 1e-9
            deficit = np.maximum(reach - dist, 0.0)
            if not deficit.any():
                break
            moved = True
            step = delta * (deficit / dist)[:, None] * 0.6
            share = (r[j] / (r[i] + r[j]))[:, None]
            np.add.at(pos, i, step * share)
            np.add.at(pos, j, -step * (1.0 - share))
        if not moved:
            break
    return pos


def community_layout(sizes: Sequence[int], src: Sequence[int], dst: Sequence[int],
                     weight: Sequence[float], seed: int = 42) -> Any:
    """x, y (a k×2 array) of k communities linked by weighted (src, dst) pairs.

    Fruchterman–Reingold-style: repulsion between every pair, springs along links whose
    strength grows with log(1 + weight), weak gravity keeping unlinked communities near,
    a cooling step cap; then overlaps are removed and the map centred on the origin."""
    r = radius(sizes)
    k = len(r)
    if k == 0:
        return np.zeros((0, 2))
    rng = np.random.default_rng(seed)
    gap = float(np.median(r)) * 0.9  # room for the two-line labels the page draws below
    pos = spiral(r) + rng.uniform(-1e-3, 1e-3, size=(k, 2)) * (1.0 + r[:, None])
    s = np.asarray(src, dtype=np.int64)
    t = np.asarray(dst, dtype=np.int64)
    w = np.log1p(np.maximum(np.asarray(weight, dtype=np.float64), 0.0))
    strength = 0.5 * w / w.max() if len(w) and w.max() > 0 else w
    iterations = int(np.clip(PAIR_BUDGET / max(k * k, 1), 10, 300)) if k > 1 else 0
    extent = float(np.abs(pos).max()) + 1.0
    mass = r ** 2 / float((r ** 2).mean())
    for step in range(iterations):
        force = _repulsion(pos, r, gap) + _attraction(pos, r, s, t, strength, gap)
        force -= 0.02 * pos * np.sqrt(mass)[:, None]
        move = force / mass[:, None] ** 0.5
        cap = extent * 0.1 * (1.0 - step / iterations) + 1e-3
        length = np.sqrt((move ** 2).sum(axis=1)) + 1e-12
        pos += move * (np.minimum(length, cap) / length)[:, None]
    pos = separate(pos, r, gap)
    return pos - pos.mean(axis=0)


def with_positions(communities: list[dict[str, Any]], links: list[dict[str, Any]],
                   seed: int = 42) -> list[dict[str, Any]]:
    """Copies of the map's communities with ``x`` and ``y`` (2 decimals) added."""
    index = {c["id"]: i for i, c in enumerate(communities)}
    pairs = [(index[lk["source"]], index[lk["target"]], float(lk["weight"])) for lk in links
             if lk["source"] in index and lk["target"] in index]
    src, dst, weight = (list(col) for col in zip(*pairs, strict=True)) if pairs else ([], [], [])
    pos = community_layout([int(c["size"]) for c in communities], src, dst, weight, seed)
    return [{**c, "x": round(float(x), 2), "y": round(float(y), 2)}
            for c, (x, y) in zip(communities, pos, strict=True)]
