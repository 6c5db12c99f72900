"""Stage *edges* (reads Neo4j in batches): the engagement graph as numpy arrays.

The refresh's own numbers (tightness, leaders, brokers, influence graphs) need the
directed, kind-weighted pair list. It is read from the store in batches of accounts — one
row per account with parallel lists, never the whole graph in one transaction — while GDS
projects and runs its algorithms, and aggregated per pair with numpy (a few bytes per
pair in this process). Accounts are numbered in account-id order, as the projection
numbers them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from ..analytics import Edges, FloatArray, IntArray
from ..db import Database
from .params import RefreshParams
from .topics import Tagged

BATCH_ACCOUNTS = 20_000  # accounts per read transaction


@dataclass(frozen=True)
class EngagementGraph:
    """The analysed accounts and their directed pairs, in node-index space.

    ``edges`` weighs every pair as the projection does (kind-weighted interactions plus
    ``follow_weight`` for a follow); ``engagement`` is the interaction part alone (pairs
    that only follow are left out); rows are unique per (src, dst) and sorted by it."""

    accounts: list[str]  # node index -> account id (ascending)
    node_ids: IntArray  # node index -> Neo4j internal id
    edges: Edges
    engagement: Edges
    follows: tuple[IntArray, IntArray]  # (follower, followee) pairs read (follow_weight > 0)
    interacted_ever: IntArray  # per node: interactions it ever made (any kind, any time)
    tagged: Tagged | None  # the interactions' topics (None: read separately, see carries_topics)

    def index_of(self, node_ids: IntArray) -> IntArray:
        """Node indices of Neo4j internal ids (as GDS streams return them; -1: unknown)."""
        return NodeLookup(self.node_ids).index(node_ids)


def read_graph(database: Database, params: RefreshParams, since: str | None) -> EngagementGraph:
    """Every analysed account and its outgoing engagement, aggregated per pair."""
    found = database.fetch("refresh/engaged_accounts", kindWeights=params.kind_weights,
                           followWeight=params.follow_weight, since=since)[0]
    accounts: list[str] = found["accounts"]
    node_ids = np.array(found["nodes"], dtype=np.int64)
    lookup = NodeLookup(node_ids)
    inter: list[tuple[IntArray, IntArray, FloatArray]] = []
    follows: list[tuple[IntArray, IntArray]] = []
    n = len(accounts)
    ever = np.zeros(n, dtype=np.int64)
    tagged = Tagged() if carries_topics(params) else None
    kind_codes = {kind: code for code, kind in enumerate(params.kind_weights)}
    kind_weight = np.array(list(params.kind_weights.values()), dtype=np.float64)
    for batch in read_batches(database, params, since, node_ids, kind_codes):
        src = lookup.index(np.array(batch["nodes"], dtype=np.int64))
        s, dst, kinds = pairs_of(src, batch["interacted"], lookup, batch["kinds"])
        w, keep = kind_weight[kinds], (s >= 0) & (dst >= 0)
        inter.append((s[keep], dst[keep], w[keep]))
        if tagged is not None:  # one list of topics per interaction, [] when it has none
            tags = list(chain.from_iterable(batch["tags"]))
            has = np.fromiter((len(t) > 0 for t in tags), dtype=bool, count=len(tags))
            tagged.add(s[has], dst[has], w[has], [t for t in tags if t])
        s, dst, _ = pairs_of(src, batch["followed"], lookup)
        keep = (s >= 0) & (dst >= 0)
        follows.append((s[keep], dst[keep]))
        ever[src] = batch["interactedEver"]
    engagement = aggregate(n, *concat3(inter))
    follow_src, follow_dst = concat2(follows)
    follow_w = np.full(len(follow_src), float(params.follow_weight))
    edges = aggregate(n, np.concatenate([engagement.src, follow_src]),
                      np.concatenate([engagement.dst, follow_dst]),
                      np.concatenate([engagement.w, follow_w]))
    return EngagementGraph(accounts, node_ids, edges, engagement, (follow_src, follow_dst), ever,
                           tagged)


def carries_topics(params: RefreshParams) -> bool:
    """Whether the pair list's interactions are every interaction in the window (no kind
    is weighted 0), so the topic counts can come from the same read."""
    return all(w > 0 for w in params.kind_weights.values())


def covers_audience(params: RefreshParams) -> bool:
    """Whether the pair list holds every follow and every windowed interaction, so audience
    evidence can be counted from it (follows count, and no kind is weighted 0)."""
    return params.follow_weight > 0 and carries_topics(params)


def audience(graph: EngagementGraph) -> list[dict[str, Any]]:
    """Per followed account: followers, followers who engaged with it (in the window) and
    passive followers (who never interacted with anyone) — as ``influence/audience``."""
    n = len(graph.accounts)
    src, dst = graph.follows
    engaged = contains(graph.engagement.src * np.int64(n) + graph.engagement.dst,
                       src * np.int64(n) + dst)
    passive = graph.interacted_ever[src] == 0
    counts = [np.bincount(dst[mask], minlength=n) for mask in
              (np.ones(len(src), dtype=bool), engaged, passive)]
    return [{"id": graph.accounts[i], "followers": int(counts[0][i]),
             "engaged": int(counts[1][i]), "passive": int(counts[2][i])}
            for i in np.flatnonzero(counts[0]).tolist()]


def contains(ordered: IntArray, values: IntArray) -> npt.NDArray[np.bool_]:
    """Which ``values`` occur in the ascending ``ordered`` (a binary search each: np.isin
    sorts both arrays again, seconds for a million follows at 100k accounts)."""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[at] == values


def read_batches(database: Database, params: RefreshParams, since: str | None,
                 node_ids: IntArray, kind_codes: dict[str, int]) -> Iterator[dict[str, Any]]:
    """The outgoing engagement of ``BATCH_ACCOUNTS`` accounts at a time (a list per
    column, one entry per account; interactions' kinds as ``kind_codes``)."""
    for start in range(0, len(node_ids), BATCH_ACCOUNTS):
        yield database.fetch("refresh/engagement_out",
                             nodes=node_ids[start:start + BATCH_ACCOUNTS].tolist(),
                             kindWeights=params.kind_weights,
                             kindCodes=kind_codes,
                             followWeight=params.follow_weight, since=since,
                             topics=carries_topics(params))[0]


class NodeLookup:
    """Neo4j internal id -> node index (-1 for a node that is not analysed)."""

    def __init__(self, node_ids: IntArray):
        self.order = np.argsort(node_ids, kind="stable")
        self.sorted = node_ids[self.order]

    def index(self, ids: IntArray) -> IntArray:
        """Node indices of internal ids."""
        if not len(self.sorted):
            return np.full(len(ids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.sorted, ids), len(self.sorted) - 1)
        return np.where(self.sorted[at] == ids, self.order[at], -1)


def pairs_of(src: IntArray, targets: list[list[int]], lookup: NodeLookup,
             codes: list[list[int]] | None = None) -> tuple[IntArray, IntArray, IntArray]:
    """Flatten per-source target lists (and their parallel ``codes``, else 0) into
    (src, dst, code) arrays, one entry per target; an end that is not analysed is -1."""
    lengths = np.fromiter((len(t) for t in targets), dtype=np.int64, count=len(targets))
    total = int(lengths.sum())
    dst = lookup.index(np.fromiter(chain.from_iterable(targets), dtype=np.int64, count=total))
    code = (np.fromiter(chain.from_iterable(codes), dtype=np.int64, count=total)
            if codes is not None else np.zeros(total, dtype=np.int64))
    return np.repeat(src, lengths), dst, code


def aggregate(n: int, src: IntArray, dst: IntArray, w: FloatArray) -> Edges:
    """Unique (src, dst) pairs, weights summed, sorted by (src, dst)."""
    if not len(src):
        empty = np.zeros(0, dtype=np.int64)
        return Edges(src=empty, dst=empty.copy(), w=np.zeros(0, dtype=np.float64))
    keys, inverse = np.unique(src * np.int64(n) + dst, return_inverse=True)
    summed: FloatArray = np.bincount(inverse, weights=w).astype(np.float64)
    return Edges(src=keys // n, dst=keys % n, w=summed)


def concat3(parts: list[tuple[IntArray, IntArray, FloatArray]]
            ) -> tuple[IntArray, IntArray, FloatArray]:
    """Concatenate (src, dst, w) triples."""
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]))


def concat2(parts: list[tuple[IntArray, IntArray]]) -> tuple[IntArray, IntArray]:
    """Concatenate (src, dst) pairs."""
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
