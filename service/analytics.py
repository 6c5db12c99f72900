"""Community metrics from the GDS results: tightness, leaders, brokers, labels, maps, identity.

GDS does the graph algorithms (community detection, PageRank); this module turns their
output plus the projection's weighted edge list into the numbers we serve, with numpy, in
one pass. Every formula is documented in the README ("How the numbers are computed").

Edges are the directed engagement pairs ``s -> t`` with weight ``w`` (kind-weighted
interactions plus follows). For tightness and modularity the graph is read as undirected
(``a-b`` weight = ``w(a->b) + w(b->a)``), as community detection saw it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

# Leader score = weighted sum of three components in [0, 1] (README explains each).
LEADER_WEIGHTS = {"influence": 0.5, "community_share": 0.35, "reach": 0.15}
LEADERS_PER_COMMUNITY = 5
BROKERS_PER_COMMUNITY = 5
MAX_LINKS = 500

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class Edges:
    """The directed weighted edge list in node-index space."""

    src: IntArray
    dst: IntArray
    w: FloatArray


def compact(labels: npt.ArrayLike, min_size: int) -> tuple[IntArray, int]:
    """Relabel communities of at least ``min_size`` members to 0..k-1 by size (largest 0);
    members of smaller ones get -1 (unclustered)."""
    arr = np.asarray(labels, dtype=np.int64)
    uniq, inverse, counts = np.unique(arr, return_inverse=True, return_counts=True)
    order = sorted(range(len(uniq)), key=lambda i: (-counts[i], uniq[i]))
    new = np.full(len(uniq), -1, dtype=np.int64)
    k = 0
    for i in order:
        if counts[i] >= min_size:
            new[i] = k
            k += 1
    return new[inverse], k


def modularity(edges: Edges, labels: IntArray) -> tuple[float, FloatArray]:
    """Weighted undirected modularity Q and each label's contribution (labels >= 0)."""
    m = float(edges.w.sum())
    k = int(labels.max()) + 1 if len(labels) else 0
    if m == 0 or k == 0:
        return 0.0, np.zeros(k)
    ls, lt = labels[edges.src], labels[edges.dst]
    inside = ls == lt
    internal = np.bincount(ls[inside], weights=edges.w[inside], minlength=k)
    vol = np.bincount(ls, weights=edges.w, minlength=k) + np.bincount(lt, weights=edges.w,
                                                                       minlength=k)
    contrib = internal / m - (vol / (2 * m)) ** 2
    return float(contrib.sum()), contrib


def tightness(edges: Edges, labels: IntArray, k: int) -> list[dict[str, float]]:
    """Per community: size, internal density, conductance, internal weight."""
    n = len(labels)
    size = np.bincount(labels[labels >= 0], minlength=k)
    ls, lt = labels[edges.src], labels[edges.dst]
    inside = (ls == lt) & (ls >= 0)
    internal_w = np.bincount(ls[inside], weights=edges.w[inside], minlength=k)
    # distinct unordered internal pairs (a->b and b->a are one pair)
    a = np.minimum(edges.src[inside], edges.dst[inside])
    b = np.maximum(edges.src[inside], edges.dst[inside])
    pair_ids = distinct(a * n + b)
    pair_comm = labels[pair_ids // n]
    pairs = np.bincount(pair_comm, minlength=k)
    cut = np.zeros(k)
    crossing = ls != lt
    for side in (ls, lt):
        sel = crossing & (side >= 0)
        cut += np.bincount(side[sel], weights=edges.w[sel], minlength=k)
    vol = 2 * internal_w + cut
    total_vol = 2 * float(edges.w.sum())
    out = []
    for c in range(k):
        possible = size[c] * (size[c] - 1) / 2
        denom = min(vol[c], total_vol - vol[c])
        out.append({
            "size": int(size[c]),
            "density": float(pairs[c] / possible) if possible else 0.0,
            "conductance": float(cut[c] / denom) if denom > 0 else 0.0,
            "internal_weight": float(internal_w[c]),
        })
    return out


def distinct(values: IntArray) -> IntArray:
    """The distinct values, ascending (a sort: numpy 2.4's plain ``np.unique`` hashes, 10x
    slower on a million int64s here)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def leader_components(
    edges: Edges, labels: IntArray, pagerank: FloatArray
) -> dict[str, FloatArray]:
    """Per node: influence, community_share, reach, in_weight, and the leader score."""
    n = len(labels)
    size = np.bincount(labels[labels >= 0], minlength=max(int(labels.max()) + 1, 1) if n else 1)
    influence = pagerank / pagerank.max() if n and pagerank.max() > 0 else np.zeros(n)
    # distinct same-community members who engage with the node
    same = (labels[edges.src] == labels[edges.dst]) & (labels[edges.dst] >= 0)
    same &= edges.src != edges.dst
    engagers = np.bincount(edges.dst[same], minlength=n).astype(float)
    denom = np.where(labels >= 0, size[np.maximum(labels, 0)] - 1, 0).astype(float)
    share = np.divide(engagers, denom, out=np.zeros(n), where=denom > 0)
    in_weight = np.bincount(edges.dst, weights=edges.w, minlength=n)
    top = math.log1p(float(in_weight.max())) if n else 0.0
    reach = np.log1p(in_weight) / top if top > 0 else np.zeros(n)
    score = (LEADER_WEIGHTS["influence"] * influence
             + LEADER_WEIGHTS["community_share"] * share
             + LEADER_WEIGHTS["reach"] * reach)
    return {"influence": influence, "community_share": share, "reach": reach,
            "in_weight": in_weight, "engagers": engagers, "score": score}


@dataclass(frozen=True)
class Participation:
    """Per node: the participation coefficient P = 1 - sum_c (k_ic / k_i)^2 over its
    undirected incident weight by the neighbour's community (an unclustered neighbour
    counts as its own group) and that incident weight k_i; and the rows (node, community,
    weight) of its weight by neighbour community, sorted by node (clustered neighbours)."""

    coefficient: FloatArray
    incident_weight: FloatArray
    node: IntArray
    community: IntArray
    weight: FloatArray

    def community_counts(self) -> IntArray:
        """Per node: how many distinct communities its neighbours belong to."""
        return np.bincount(self.node, minlength=len(self.coefficient)).astype(np.int64)

    def by_community(self, i: int) -> dict[int, float]:
        """Node ``i``'s incident weight per neighbour community."""
        lo, hi = np.searchsorted(self.node, [i, i + 1])
        return dict(zip(self.community[lo:hi].tolist(), self.weight[lo:hi].tolist(),
                        strict=True))


def group_sums(keys: IntArray, weights: FloatArray) -> tuple[IntArray, FloatArray]:
    """The distinct keys, ascending, and the sum of the weights of each (one sort)."""
    if not len(keys):
        return keys, np.zeros(0)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], np.add.reduceat(weights[order], starts)


def participation(edges: Edges, labels: IntArray) -> Participation:
    """The participation of every node (see :class:`Participation`)."""
    n = len(labels)
    span = n + (int(labels.max()) + 1 if n else 0)  # groups: communities, then one per node
    group = np.where(labels >= 0, labels, span - n + np.arange(n))
    nodes = np.concatenate([edges.src, edges.dst])
    w = np.concatenate([edges.w, edges.w])
    k_i = np.bincount(nodes, weights=w, minlength=n).astype(np.float64)
    combo, kic = group_sums(nodes * span + np.concatenate([group[edges.dst],
                                                           group[edges.src]]), w)
    node_of, group_of = combo // span, combo % span
    frac = kic / k_i[node_of]
    p: FloatArray = 1 - np.bincount(node_of, weights=frac**2, minlength=n).astype(np.float64)
    p[k_i == 0] = 0.0
    clustered = group_of < span - n
    return Participation(p, k_i, node_of[clustered], group_of[clustered], kic[clustered])


def links(edges: Edges, labels: IntArray) -> list[dict[str, Any]]:
    """Weighted links between distinct communities (both directions summed), heaviest first."""
    ls, lt = labels[edges.src], labels[edges.dst]
    sel = (ls != lt) & (ls >= 0) & (lt >= 0)
    if not sel.any():
        return []
    a, b = np.minimum(ls[sel], lt[sel]), np.maximum(ls[sel], lt[sel])
    k = int(labels.max()) + 1
    uniq, inv = np.unique(a * k + b, return_inverse=True)
    weights = np.bincount(inv, weights=edges.w[sel])
    order = np.argsort(-weights)[:MAX_LINKS]
    return [{"source": int(uniq[i] // k), "target": int(uniq[i] % k),
             "weight": round(float(weights[i]), 3)} for i in order]


def topic_profile(member_topics: Counter[str], global_topics: Counter[str],
                  global_total: int, top: int = 5) -> tuple[list[str], list[str]]:
    """Top topics by count, and the most distinctive ones (count x log lift vs. everyone)."""
    total = sum(member_topics.values())
    if not total:
        return [], []
    top_topics = [t for t, _ in sorted(member_topics.items(), key=lambda x: (-x[1], x[0]))[:top]]
    scored = []
    for t, n in member_topics.items():
        lift = (n / total) / (global_topics[t] / global_total)
        if lift > 1:
            scored.append((n * math.log(lift), t))
    distinctive = [t for _, t in sorted(scored, key=lambda x: (-x[0], x[1]))[:top]]
    return top_topics, distinctive or top_topics[:2]


def merges_and_splits(overlap: dict[tuple[int, str], int], new: list[int], ids: dict[int, str],
                      old_members: dict[str, set[str]], part_threshold: float
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """New communities holding ``part_threshold`` of two or more old ones (merges); old
    ones whose members went, that much each, to two or more new ones (splits)."""
    merges, splits = [], []
    for nid in new:
        parts = [oid for (n2, oid), n in overlap.items()
                 if n2 == nid and n >= part_threshold * len(old_members[oid])]
        if len(parts) >= 2:
            merges.append({"into": ids[nid], "from": sorted(parts)})
    for oid, members in old_members.items():
        parts = [ids[nid] for (nid, o2), n in overlap.items()
                 if o2 == oid and n >= part_threshold * len(members)]
        if len(parts) >= 2:
            splits.append({"from": oid, "into": sorted(parts)})
    return merges, splits


@dataclass
class Identity:
    """How this run's communities relate to the previous run's."""

    ids: dict[int, str]  # new community index -> stable id (inherited or fresh)
    births: list[str]
    deaths: list[str]
    merges: list[dict[str, Any]]
    splits: list[dict[str, Any]]


def match_identities(
    new_members: dict[int, set[str]], old_members: dict[str, set[str]],
    fresh_ids: list[str], keep_threshold: float = 0.3, part_threshold: float = 0.3,
) -> Identity:
    """Carry ids over by member overlap.

    A new community keeps an old id when each is the other's best match by Jaccard
    similarity and that similarity is at least ``keep_threshold``. A *merge* is a new
    community that took at least ``part_threshold`` of the members of two or more old
    ones; a *split* is an old community whose members went (at least ``part_threshold``
    each) to two or more new ones. Unmatched new ones are *births*, unmatched old ones
    *deaths*.
    """
    overlap: dict[tuple[int, str], int] = {}
    account_old = {a: cid for cid, members in old_members.items() for a in members}
    for nid, members in new_members.items():
        counts = Counter(account_old[a] for a in members if a in account_old)
        for oid, n in counts.items():
            overlap[(nid, oid)] = n

    def jaccard(nid: int, oid: str) -> float:
        inter = overlap.get((nid, oid), 0)
        return inter / (len(new_members[nid]) + len(old_members[oid]) - inter) if inter else 0.0

    best_old = {nid: max(((jaccard(nid, o), o) for (n2, o) in overlap if n2 == nid),
                         default=(0.0, "")) for nid in new_members}
    best_new: dict[str, tuple[float, int]] = {}
    for (nid, oid) in overlap:
        score = jaccard(nid, oid)
        if score > best_new.get(oid, (0.0, -1))[0]:
            best_new[oid] = (score, nid)
    ids: dict[int, str] = {}
    for nid, (score, oid) in best_old.items():
        if score >= keep_threshold and best_new.get(oid, (0.0, -1))[1] == nid:
            ids[nid] = oid
    fresh = iter(fresh_ids)
    for nid in sorted(new_members):
        if nid not in ids:
            ids[nid] = next(fresh)
    merges, splits = merges_and_splits(overlap, list(new_members), ids, old_members,
                                       part_threshold)
    inherited = set(ids.values()) & set(old_members)
    merged_into = {m["into"] for m in merges}
    split_into = {i for s in splits for i in s["into"]}
    births = sorted(ids[n] for n in new_members
                    if ids[n] not in inherited and ids[n] not in merged_into
                    and ids[n] not in split_into)
    merged_from = {o for m in merges for o in m["from"]}
    split_from = {s["from"] for s in splits}
    deaths = sorted(o for o in old_members
                    if o not in inherited and o not in merged_from and o not in split_from)
    return Identity(ids=ids, births=births, deaths=deaths, merges=merges, splits=splits)
