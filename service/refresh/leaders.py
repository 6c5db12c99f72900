"""Stage *metrics*: communities, their tightness, leaders, brokers, labels and map levels.

From a :class:`~service.refresh.communities.Detection` this stage computes (with numpy,
:mod:`service.analytics`) everything a community map serves, in two steps: :func:`rank`
(communities, stable ids, leader scores: a :class:`Ranked`, all the membership rows need,
so they are written from then on) and :func:`build_results` (tightness, topics, labels,
maps: a :class:`CommunityResult`, the rows to write and the per-node arrays later stages
need). The functions named ``fetch_*``/``reserve_*`` read or write Neo4j (handles, the
community id counter); the rest is pure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import analytics, jsontext, layout
from ..analytics import Edges, FloatArray, IntArray
from ..db import Database
from .communities import Detection
from .params import RefreshParams
from .topics import TopicCounts, community_topics


@dataclass(frozen=True)
class Partition:
    """The final communities: compacted labels (-1 = unclustered), members and stable ids."""

    labels: IntArray
    k: int
    members: dict[int, list[int]]
    ids: dict[int, str]  # community index -> stable id
    identity: analytics.Identity
    kept: int  # communities that kept an id of the serving run's


@dataclass(frozen=True)
class Ranking:
    """Leader scores and ranks per node; each community's leaders and brokers."""

    components: dict[str, FloatArray]  # analytics.leader_components
    leader_rank: IntArray  # rank within the node's community (0 = unclustered)
    leaders: dict[int, list[int]]
    brokers: dict[int, list[int]]
    participation: analytics.Participation


@dataclass(frozen=True)
class Ranked:
    """The final communities, their stable ids and their members' leader scores: all that
    the membership rows need, so they are written while the rest of the map is built."""

    run_id: str
    detection: Detection
    partition: Partition
    ranking: Ranking

    def members(self) -> Iterator[dict[str, Any]]:
        """The MEMBER_OF rows, built as they are drawn."""
        return member_rows(self.run_id, self.detection, self.partition, self.ranking)

    def community_keys(self) -> list[dict[str, Any]]:
        """Each community's key, run id and id (its node, before its properties)."""
        return [{"key": f"{self.run_id}:{cid}", "runId": self.run_id, "id": cid}
                for cid in (self.partition.ids[c] for c in range(self.partition.k))]


@dataclass(frozen=True)
class CommunityResult:
    """The communities stage's output: the ranked communities, the rows to write and what
    later stages read."""

    ranked: Ranked
    sizes: list[int]
    community_topics: dict[int, Counter[str]]
    communities: list[dict[str, Any]]  # :Community rows
    levels: list[dict[str, Any]]  # :MapLevel rows
    metrics: dict[str, Any]

    @property
    def run_id(self) -> str:
        """The run the results belong to."""
        return self.ranked.run_id

    @property
    def detection(self) -> Detection:
        """What community detection found."""
        return self.ranked.detection

    @property
    def partition(self) -> Partition:
        """The kept communities and their stable ids."""
        return self.ranked.partition

    @property
    def ranking(self) -> Ranking:
        """Leader scores, leaders and brokers."""
        return self.ranked.ranking

    @property
    def accounts(self) -> list[str]:
        """Node index -> account id."""
        return self.detection.accounts


def rank(database: Database, params: RefreshParams, run_id: str, detection: Detection,
         previous: dict[str, set[str]]) -> Ranked:
    """The communities of a detection (those of at least ``min_community_size``), their
    stable ids given the serving run's communities (reserves fresh ones in Neo4j) and
    their members' leader scores."""
    labels, k = analytics.compact(detection.communities, params.min_community_size)
    members = members_of(labels)
    identity, kept = match_identity(database, previous, detection.accounts, members, k)
    partition = Partition(labels, k, members, identity.ids, identity, kept)
    return Ranked(run_id, detection, partition, rank_members(detection, partition))


def build_results(database: Database, params: RefreshParams, ranked: Ranked,
                  topics: TopicCounts) -> CommunityResult:
    """The community map of the ranked communities, given the topic counts (reads the
    leaders' and brokers' handles in Neo4j)."""
    run_id, detection, partition, ranking = (ranked.run_id, ranked.detection,
                                             ranked.partition, ranked.ranking)
    edges, accounts = detection.edges, detection.accounts
    labels, k, members = partition.labels, partition.k, partition.members
    tight = analytics.tightness(edges, labels, k)
    comm_topics, global_topics = community_topics(topics, {a: i for i, a in enumerate(accounts)},
                                                  labels)
    handles = fetch_handles(database, [accounts[i] for c in members
                                       for i in ranking.leaders[c] + ranking.brokers[c]])
    q_parts = analytics.modularity(edges, np.where(labels >= 0, labels,
                                                   k + np.arange(len(labels))))[1]
    communities = community_rows(run_id, detection, partition, ranking, tight, q_parts,
                                 (comm_topics, global_topics), handles)
    levels = level_rows(run_id, detection, partition, communities, params)
    return CommunityResult(
        ranked=ranked, sizes=[int(t["size"]) for t in tight],
        community_topics=dict(comm_topics), communities=communities,
        levels=levels, metrics=run_metrics(params, detection, partition, len(levels)))


def members_of(labels: IntArray) -> dict[int, list[int]]:
    """Node indices per community (unclustered nodes left out)."""
    members: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(labels >= 0).tolist():
        members[int(labels[i])].append(i)
    return dict(members)


def match_identity(database: Database, old: dict[str, set[str]], accounts: list[str],
                   members: dict[int, list[int]], k: int) -> tuple[analytics.Identity, int]:
    """Stable community ids: inherited from the serving run's (``old``) by member overlap,
    else fresh ones reserved from the database's counter; also how many ids were kept."""
    fresh_from = reserve_community_ids(database, k)
    new_sets = {c: {accounts[i] for i in idx} for c, idx in members.items()}
    identity = analytics.match_identities(new_sets, old,
                                          [f"c{fresh_from + j + 1}" for j in range(k)])
    return identity, sum(1 for c in range(k) if identity.ids[c] in old)


def reserve_community_ids(database: Database, k: int) -> int:
    """Reserve k fresh community numbers; returns the last number used before them."""
    return int(database.execute("refresh/next_community_ids", n=k)["first"]) if k else 0


def fetch_handles(database: Database, ids: list[str]) -> dict[str, str | None]:
    """Handles of the given accounts."""
    return {r["id"]: r["handle"]
            for r in database.fetch("refresh/account_profiles", ids=sorted(set(ids)))}


def rank_members(detection: Detection, partition: Partition) -> Ranking:
    """Leader score and rank of every member; the top leaders and brokers per community
    (ties broken by account id)."""
    labels = partition.labels
    comp = analytics.leader_components(detection.engagement, labels, detection.pagerank)
    part = analytics.participation(detection.edges, labels)
    by_id = name_order(detection.accounts)
    order = np.lexsort((by_id, -comp["score"], labels))  # per community, best first
    order = order[labels[order] >= 0]
    first = np.searchsorted(labels[order], labels[order])  # where each one's community starts
    leader_rank = np.zeros(len(labels), dtype=np.int64)
    leader_rank[order] = np.arange(len(order)) - first + 1
    bridging = (part.coefficient > 0) & (part.community_counts() > 1) & (labels >= 0)
    broker_score = part.coefficient * np.log1p(part.incident_weight)
    candidates = np.lexsort((by_id, -broker_score, labels))
    candidates = candidates[bridging[candidates]]
    return Ranking(comp, leader_rank,
                   top_per_community(order, labels, partition, analytics.LEADERS_PER_COMMUNITY),
                   top_per_community(candidates, labels, partition,
                                     analytics.BROKERS_PER_COMMUNITY), part)


def name_order(accounts: list[str]) -> IntArray:
    """Each account's position in account-id order."""
    position = np.empty(len(accounts), dtype=np.int64)
    position[sorted(range(len(accounts)), key=accounts.__getitem__)] = np.arange(len(accounts))
    return position


def top_per_community(order: IntArray, labels: IntArray, partition: Partition,
                      limit: int) -> dict[int, list[int]]:
    """The first ``limit`` nodes of each community in ``order`` (grouped by community)."""
    ordered = labels[order]
    starts = np.searchsorted(ordered, np.arange(partition.k))
    ends = np.minimum(np.searchsorted(ordered, np.arange(partition.k), side="right"),
                      starts + limit)
    return {c: order[starts[c]:ends[c]].tolist() for c in partition.members}


def leader_json(i: int, accounts: list[str], ranking: Ranking,
                handles: dict[str, str | None]) -> dict[str, Any]:
    """A leader as stored on its community: score, components and their evidence."""
    comp = ranking.components
    return {"id": accounts[i], "handle": handles.get(accounts[i]),
            "score": round(float(comp["score"][i]), 4),
            "components": {key: round(float(comp[key][i]), 4)
                           for key in analytics.LEADER_WEIGHTS},
            "engagers_in_community": int(comp["engagers"][i]),
            "engagement_received": round(float(comp["in_weight"][i]), 2)}


def broker_json(i: int, accounts: list[str], ranking: Ranking, ids: dict[int, str],
                handles: dict[str, str | None]) -> dict[str, Any]:
    """A broker: participation and the (up to three) communities it bridges most."""
    part = ranking.participation
    k_i = float(part.incident_weight[i])
    spans = sorted(part.by_community(i).items(), key=lambda x: -x[1])[:3]
    return {"id": accounts[i], "handle": handles.get(accounts[i]),
            "participation": round(float(part.coefficient[i]), 4),
            "engagement_weight": round(k_i, 2),
            "bridges": [{"community_id": ids[c], "share": round(w / k_i, 3)}
                        for c, w in spans]}


def community_rows(run_id: str, detection: Detection, partition: Partition, ranking: Ranking,
                   tight: list[dict[str, float]], q_parts: FloatArray,
                   topics: tuple[dict[int, Counter[str]], Counter[str]],
                   handles: dict[str, str | None]) -> list[dict[str, Any]]:
    """One :Community row per community (largest first), label from topics and leader."""
    comm_topics, global_topics = topics
    global_total = sum(global_topics.values())
    accounts, ids = detection.accounts, partition.ids
    rows = []
    for c in range(partition.k):
        top_topics, distinctive = analytics.topic_profile(comm_topics.get(c, Counter()),
                                                          global_topics, global_total)
        lead = [leader_json(i, accounts, ranking, handles) for i in ranking.leaders[c]]
        head = lead[0]["handle"] or lead[0]["id"] if lead else ""
        label = " ".join(f"#{t}" for t in distinctive[:2]) + (f" · {head}" if head else "")
        rows.append({
            "key": f"{run_id}:{ids[c]}", "runId": run_id, "id": ids[c], "rank": c,
            "size": tight[c]["size"], "label": label.strip(),
            "topTopics": top_topics, "distinctiveTopics": distinctive,
            "density": round(tight[c]["density"], 5),
            "conductance": round(tight[c]["conductance"], 5),
            "modularity": round(float(q_parts[c]), 6),
            "internalWeight": round(tight[c]["internal_weight"], 3),
            "leaders": jsontext.dumps(lead),
            "brokers": jsontext.dumps([broker_json(i, accounts, ranking, ids, handles)
                                   for i in ranking.brokers[c]]),
        })
    return rows


def member_rows(run_id: str, detection: Detection, partition: Partition,
                ranking: Ranking) -> Iterator[dict[str, Any]]:
    """One MEMBER_OF row per clustered account, with its leader scores."""
    comp, pr = ranking.components, detection.pagerank
    for c, idx in partition.members.items():
        key = f"{run_id}:{partition.ids[c]}"
        for i in idx:
            yield {
                "key": key, "account": detection.accounts[i], "node": int(detection.node_ids[i]),
                "leaderScore": round(float(comp["score"][i]), 5),
                "leaderRank": int(ranking.leader_rank[i]),
                "influence": round(float(comp["influence"][i]), 5),
                "communityShare": round(float(comp["community_share"][i]), 5),
                "reach": round(float(comp["reach"][i]), 5),
                "pagerank": round(float(pr[i]), 6),
                "participation": round(float(ranking.participation.coefficient[i]), 5),
            }


def level_rows(run_id: str, detection: Detection, partition: Partition,
               communities: list[dict[str, Any]], params: RefreshParams) -> list[dict[str, Any]]:
    """A :MapLevel row per level: 0 is the final (coarsest) partition, higher levels are
    finer intermediate ones (a level equal to the final partition is skipped). Each
    community carries its position in a seeded layout of the level's community graph, so
    the same run always draws the same map."""
    ids, edges = partition.ids, detection.edges
    maps: list[dict[str, Any]] = [{
        "communities": [{"id": c["id"], "size": c["size"], "label": c["label"],
                         "top_topics": c["topTopics"]} for c in communities],
        "links": [{"source": ids[x["source"]], "target": ids[x["target"]],
                   "weight": x["weight"]} for x in analytics.links(edges, partition.labels)],
    }]
    levels = detection.levels or []
    depth = len(levels[0]) if levels else 0
    for back in range(2, depth + 1):  # intermediate levels, coarse to fine
        raw = np.array([row[depth - back] for row in levels], dtype=np.int64)
        lab, kk = analytics.compact(raw, params.min_community_size)
        if kk == partition.k and np.array_equal(lab, partition.labels):
            continue
        maps.append(intermediate_map(len(maps), lab, kk, edges))
    return [{"key": f"{run_id}:{level}", "runId": run_id, "level": level,
             "communities": jsontext.dumps(layout.with_positions(m["communities"], m["links"],
                                                             params.random_seed)),
             "links": jsontext.dumps(m["links"])}
            for level, m in enumerate(maps)]


def intermediate_map(level: int, labels: IntArray, k: int, edges: Edges) -> dict[str, Any]:
    """An intermediate level's map: anonymous groups ``L<level>-<n>`` and their links."""
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    return {"communities": [{"id": f"L{level}-{c}", "size": int(sizes[c])} for c in range(k)],
            "links": [{"source": f"L{level}-{x['source']}", "target": f"L{level}-{x['target']}",
                       "weight": x["weight"]} for x in analytics.links(edges, labels)]}


def run_metrics(params: RefreshParams, detection: Detection, partition: Partition,
                levels: int) -> dict[str, Any]:
    """The run's community metrics: counts, modularity of the algorithm's partition, changes."""
    labels, identity = partition.labels, partition.identity
    raw, _ = analytics.compact(detection.communities, 1)
    unclustered = int((labels < 0).sum())
    n = len(labels)
    return {
        "algorithm": params.algorithm, "trials": detection.trials,
        "communities": partition.k, "accounts_analysed": n,
        "accounts_in_communities": n - unclustered, "unclustered": unclustered,
        "modularity": round(analytics.modularity(detection.edges, raw)[0], 6),
        "levels": levels,
        "changes": {"births": identity.births, "deaths": identity.deaths,
                    "merges": identity.merges, "splits": identity.splits,
                    "kept": partition.kept},
    }
