"""The refresh job: GDS projection → communities → metrics → a new, versioned run.

A run goes queued → running → succeeded | failed (or skipped, with ``--if-changed`` when
nothing changed). Results are written under the run's id and the serving pointer
(:CurrentRun) switches only in the transaction that marks the run succeeded, so readers
never see half a run and a failed run leaves the previous one serving. A lock node held
in Neo4j (renewed between stages, expiring after ``LOCK_TTL`` seconds) keeps two refreshes
from overlapping, even across processes and machines; a crashed run's lock simply expires.
The projection is always dropped, even when a stage fails.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from . import analytics, layout, seeding
from .cypher import query
from .db import Database
from .timing import Clock

log = logging.getLogger(__name__)

ALGORITHMS = ("leiden", "louvain", "label_propagation")
DEFAULT_KIND_WEIGHTS = {"like": 1.0, "comment": 3.0, "reply": 3.0, "share": 4.0, "mention": 2.0}
LOCK_TTL = 600
WRITE_BATCH = 10_000


class RefreshConflict(RuntimeError):
    """Another refresh holds the lock (HTTP 409, CLI exit 5)."""

    def __init__(self, holder: str):
        super().__init__(f"refresh run {holder} is already running")
        self.holder = holder


@dataclass(frozen=True)
class RefreshParams:
    """Everything that shapes a refresh; stored with the run."""

    algorithm: str = "leiden"
    resolution: float = 1.0
    min_community_size: int = 5
    window_days: int | None = None
    kind_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_KIND_WEIGHTS))
    follow_weight: float = 0.5
    random_seed: int = 42
    concurrency: int = 1  # 1 makes Leiden/Louvain deterministic for a given seed
    retention: int = 3  # succeeded runs whose results are kept (older ones are pruned)
    max_levels: int = 10
    mobilisation_hours: int = 48  # a response to a call to action counts within this window
    propagation_probability: float = 0.02  # per unit of kind-weighted engagement (CELF)
    max_seeds: int = 20
    seed_simulations: int = 100
    seed_topics: int = 10  # topics (most engagement first) that get a seed set of their own
    influence: bool = True  # False: communities and leaders only (no influence/seed stages)

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}")
        if not 0 < self.resolution <= 100:
            raise ValueError("resolution must be in (0, 100]")
        if self.min_community_size < 2:
            raise ValueError("min_community_size must be at least 2")
        if self.window_days is not None and self.window_days < 1:
            raise ValueError("window_days must be at least 1")
        if not 1 <= self.concurrency <= 4:
            raise ValueError("concurrency must be 1..4 (open-source GDS caps it at 4)")
        if self.retention < 1:
            raise ValueError("retention must be at least 1")
        if not 0 < self.propagation_probability < 1:
            raise ValueError("propagation_probability must be in (0, 1)")
        if not 0 <= self.random_seed <= 2**31 - 1:
            raise ValueError("random_seed must be in 0..2147483647")
        if not 1 <= self.max_seeds <= 100:
            raise ValueError("max_seeds must be 1..100")
        if not 0 <= self.seed_topics <= 50:
            raise ValueError("seed_topics must be 0..50")

    def to_json(self) -> str:
        """Canonical JSON (stored on the run; equal params → equal strings)."""
        return json.dumps(asdict(self), sort_keys=True)


@dataclass
class RunResult:
    """What a refresh did."""

    run_id: str
    status: str
    timings: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def new_run_id() -> str:
    """Sortable, unique run id: r<UTC timestamp>-<random>."""
    return "r" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


# ---------------------------------------------------------------------------- runs & lock


def acquire_lock(database: Database, run_id: str) -> None:
    """Take the refresh lock for run_id or raise RefreshConflict."""
    row = database.write(_single, "runs/acquire_lock", {"runId": run_id, "ttl": LOCK_TTL})
    if not row["acquired"]:
        raise RefreshConflict(row["holder"])


def _single(tx: Any, name: str, params: dict[str, Any]) -> dict[str, Any]:
    record = tx.run(query(name).text, params).single()
    return record.data() if record else {}


def release_lock(database: Database, run_id: str) -> None:
    """Release the lock if run_id holds it."""
    database.execute("runs/release_lock", runId=run_id)


def data_version(database: Database) -> int:
    """The current data version (bumped by every write that changed data)."""
    return int(database.fetch("runs/data_version")[0]["version"])


def current_run(database: Database) -> dict[str, Any]:
    """The serving run's id, data version and params (all None before the first run)."""
    return database.fetch("runs/current_run")[0]


def create_run(database: Database, run_id: str, status: str, params: RefreshParams,
               version: int) -> None:
    """Record a run."""
    database.execute("runs/create_run", runId=run_id, status=status, params=params.to_json(),
                     dataVersion=version)


def queued_params(database: Database, run_id: str) -> RefreshParams:
    """The parameters recorded with a queued run."""
    rows = database.fetch("runs/get_run", runId=run_id)
    if not rows:
        raise KeyError(f"no refresh run {run_id!r}")
    return RefreshParams(**json.loads(rows[0]["run"]["params"]))


def enqueue_refresh(database: Database, params: RefreshParams) -> str:
    """Lock and record a queued run for a worker process to pick up (the API's path)."""
    run_id = new_run_id()
    acquire_lock(database, run_id)
    try:
        create_run(database, run_id, "queued", params, data_version(database))
    except Exception:
        release_lock(database, run_id)
        raise
    return run_id


# ---------------------------------------------------------------------------- the pipeline


@contextmanager
def projection(database: Database, name: str, params: RefreshParams,
               since: str | None) -> Iterator[dict[str, Any]]:
    """Project the engagement graph; always drop it afterwards."""
    try:
        info = database.fetch("refresh/project_engagement", graph=name,
                              kindWeights=params.kind_weights,
                              followWeight=params.follow_weight, since=since)
        yield {"since": since, **(info[0] if info else {"nodes": 0, "relationships": 0})}
    finally:
        try:
            database.fetch("refresh/drop_graph", graph=name)
        except Exception:  # noqa: BLE001 - never mask the stage's own error
            log.exception("could not drop projection %s", name)


def run_refresh(database: Database, params: RefreshParams, run_id: str | None = None,
                if_changed: bool = False) -> RunResult:
    """Run a whole refresh; returns its result (also recorded as a RefreshRun)."""
    queued = run_id is not None
    run_id = run_id or new_run_id()
    version = data_version(database)
    if if_changed and not queued:
        cur = current_run(database)
        if cur["runId"] and cur["dataVersion"] == version and cur["params"] == params.to_json():
            create_run(database, run_id, "skipped", params, version)
            return RunResult(run_id, "skipped",
                             metrics={"reason": f"no data changed since run {cur['runId']}"})
    if queued:
        acquire_lock(database, run_id)  # re-entrant for the run that enqueued it
        database.execute("runs/start_run", runId=run_id)
    else:
        acquire_lock(database, run_id)
        create_run(database, run_id, "running", params, version)
    result = RunResult(run_id, "running")
    heartbeat = _Heartbeat(database, run_id)
    heartbeat.start()
    try:
        result.metrics = _pipeline(database, params, run_id, result.timings)
        t = time.perf_counter()
        database.execute("runs/finish_run", runId=run_id, timings=json.dumps(result.timings),
                         metrics=json.dumps(result.metrics))
        result.timings["switch"] = time.perf_counter() - t
        result.status = "succeeded"
        try:
            prune(database, params.retention)
        except Exception:  # noqa: BLE001 - pruning is housekeeping; the run stands
            log.exception("pruning old runs failed")
    except Exception as exc:
        log.exception("refresh %s failed", run_id)
        result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"
        try:
            delete_results(database, run_id)
            database.execute("runs/fail_run", runId=run_id, error=result.error,
                             timings=json.dumps(result.timings))
        except Exception:  # noqa: BLE001 - the database may be the thing that failed
            log.exception("could not record failure of %s", run_id)
    finally:
        heartbeat.stop()
        try:
            release_lock(database, run_id)
        except Exception:  # noqa: BLE001 - the lock expires on its own
            log.exception("could not release the refresh lock")
    return result


def delete_results(database: Database, run_id: str) -> None:
    """Delete one run's communities, memberships and maps (batched, auto-commit)."""
    with database.session() as session:
        session.run(query("refresh/delete_run_results").text, runId=run_id).consume()


def prune(database: Database, keep: int) -> list[str]:
    """Delete the results of succeeded runs beyond the newest ``keep``."""
    pruned = []
    for row in database.fetch("runs/prunable_runs", keep=keep):
        delete_results(database, row["runId"])
        database.execute("runs/mark_pruned", runId=row["runId"])
        pruned.append(row["runId"])
    return pruned


class _Heartbeat:
    """Renews the run's lock every minute while it runs (long GDS calls included)."""

    def __init__(self, database: Database, run_id: str, every: float = 60.0):
        self.database, self.run_id, self.every = database, run_id, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True,
                                        name=f"lock-{run_id}")

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.database.execute("runs/renew_lock", runId=self.run_id, ttl=LOCK_TTL)
            except Exception:  # noqa: BLE001 - the stage check reports a lost lock
                log.warning("could not renew the refresh lock of %s", self.run_id)

    def start(self) -> None:
        """Start beating."""
        self._thread.start()

    def stop(self) -> None:
        """Stop beating (the lock is released separately)."""
        self._stop.set()
        self._thread.join(timeout=5)


class _Stage:
    def __init__(self, database: Database, run_id: str, timings: dict[str, float]):
        self.database, self.run_id, self.timings = database, run_id, timings

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - started, 3)
        renewed = self.database.execute("runs/renew_lock", runId=self.run_id, ttl=LOCK_TTL)
        if not renewed.get("renewed"):
            # our lock expired (a stage ran longer than LOCK_TTL) and may now be someone
            # else's: stop rather than race another run to the switch
            raise RefreshConflict("(lock lost: a stage outlived LOCK_TTL)")


def _algorithm_config(params: RefreshParams) -> dict[str, Any]:
    config: dict[str, Any] = {"relationshipTypes": ["ENGAGES_U"],
                              "relationshipWeightProperty": "weight",
                              "concurrency": params.concurrency}
    if params.algorithm == "leiden":
        config.update(gamma=params.resolution, randomSeed=params.random_seed,
                      includeIntermediateCommunities=True, maxLevels=params.max_levels)
    elif params.algorithm == "louvain":
        config.update(includeIntermediateCommunities=True, maxLevels=params.max_levels)
    else:
        config.update(maxIterations=20)
    return config


def _pipeline(database: Database, params: RefreshParams, run_id: str,
              timings: dict[str, float]) -> dict[str, Any]:
    stage = _Stage(database, run_id, timings)
    graph = f"cm-{run_id}"
    since = None
    if params.window_days:
        since = (datetime.now(UTC) - timedelta(days=params.window_days)).isoformat()
    started = time.perf_counter()
    with projection(database, graph, params, since) as info:
        timings["project"] = round(time.perf_counter() - started, 3)
        if not info.get("nodes"):
            raise RuntimeError("no engagement to analyse: load interactions or follows first")
        with stage("undirected"):
            database.fetch("refresh/to_undirected", graph=graph)
        with stage("communities"):
            found = database.frame(f"refresh/{params.algorithm}", graph=graph,
                                   config=_algorithm_config(params))
        with stage("pagerank"):
            # engagement only: follows shape communities but must not make leaders
            ranks = database.frame("refresh/pagerank", graph=graph, config={
                "relationshipTypes": ["ENGAGES"], "relationshipWeightProperty": "engagement",
                "dampingFactor": 0.85, "concurrency": params.concurrency})
        with stage("edges"):
            edge_rows = stream_edges(database, graph)
    # the influence stage's inputs are raw data: their queries start now and run on the
    # server while metrics are computed and results written (started before the
    # projection they slowed it more than they saved)
    inputs = influence_inputs(database, params, since) if params.influence else None
    try:
        with stage("metrics"):
            built = build_results(database, params, run_id, found, ranks, edge_rows, info)
        with stage("write"):
            write_results(database, run_id, built)
        if inputs is not None:
            with stage("influence"):
                built["metrics"]["influence"] = influence_stage(database, params, run_id,
                                                                built["ctx"], inputs)
            with stage("seeds"):
                built["metrics"]["seeds"] = seeding.seeds_stage(database, params, run_id,
                                                                built["ctx"])
    finally:
        if inputs is not None:
            inputs.close()
    metrics = built["metrics"]
    metrics["projection"] = {"nodes": info.get("nodes"), "relationships": info.get("relationships"),
                             "since": info.get("since")}
    return metrics


def stream_edges(database: Database, graph: str) -> pd.DataFrame:
    """The projection's directed edges as a frame (s, t, w = weight, e = engagement).

    The query sends one row per source with parallel lists; the (s, t) pairs are unique
    (the projection aggregates per pair), so sorting each property's rows by (s, t)
    aligns them without trusting the stream's order."""
    rows = database.fetch("refresh/stream_edges", graph=graph)
    lengths = np.fromiter((len(r["ts"]) for r in rows), dtype=np.int64, count=len(rows))
    src = np.repeat(np.fromiter((r["s"] for r in rows), dtype=np.int64, count=len(rows)),
                    lengths)
    dst = np.fromiter(chain.from_iterable(r["ts"] for r in rows), dtype=np.int64,
                      count=int(lengths.sum()))
    is_w = np.fromiter(chain.from_iterable(r["isWeight"] for r in rows), dtype=bool,
                       count=len(dst))
    val = np.fromiter(chain.from_iterable(r["vs"] for r in rows), dtype=np.float64,
                      count=len(dst))
    cols = {}
    for name, mask in (("w", is_w), ("e", ~is_w)):
        order = np.lexsort((dst[mask], src[mask]))
        cols[name] = (src[mask][order], dst[mask][order], val[mask][order])
    (ws, wt, w), (es, et, e) = cols["w"], cols["e"]
    if not (np.array_equal(ws, es) and np.array_equal(wt, et)):
        raise RuntimeError("edge stream: weight and engagement rows do not pair up")
    return pd.DataFrame({"s": ws, "t": wt, "w": w, "e": e})


def build_results(database: Database, params: RefreshParams, run_id: str, found: Any,
                  ranks: Any, edge_rows: Any, info: dict[str, Any]) -> dict[str, Any]:
    """Turn GDS output into community, member and map rows (pure but for two lookups)."""
    found = found.sort_values("nodeId").reset_index(drop=True)
    node_ids = found["nodeId"].to_numpy(dtype=np.int64)
    accounts: list[str] = found["account"].tolist()
    n = len(accounts)
    labels, k = analytics.compact(found["community"].to_numpy(), params.min_community_size)
    raw, _ = analytics.compact(found["community"].to_numpy(), 1)
    edges = analytics.Edges(
        src=np.searchsorted(node_ids, edge_rows["s"].to_numpy(dtype=np.int64)),
        dst=np.searchsorted(node_ids, edge_rows["t"].to_numpy(dtype=np.int64)),
        w=edge_rows["w"].to_numpy(dtype=np.float64),
    )
    pr = np.zeros(n)
    pr[np.searchsorted(node_ids, ranks["nodeId"].to_numpy(dtype=np.int64))] = ranks["score"]
    engaged = edge_rows["e"].to_numpy(dtype=np.float64) > 0
    engagement_edges = analytics.Edges(src=edges.src[engaged], dst=edges.dst[engaged],
                                       w=edge_rows["e"].to_numpy(dtype=np.float64)[engaged])
    q_all, _ = analytics.modularity(edges, raw)
    _, q_parts = analytics.modularity(edges, np.where(labels >= 0, labels, k + np.arange(n)))
    tight = analytics.tightness(edges, labels, k)
    comp = analytics.leader_components(engagement_edges, labels, pr)
    part, k_i, by_comm = analytics.participation(edges, labels)

    members: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(labels >= 0).tolist():
        members[int(labels[i])].append(i)

    # stable ids
    cur = current_run(database)
    old: dict[str, set[str]] = defaultdict(set)
    if cur["runId"]:
        for row in database.fetch("refresh/previous_membership", runId=cur["runId"]):
            old[row["community"]].add(row["account"])
    new_sets = {c: {accounts[i] for i in idx} for c, idx in members.items()}
    first = database.execute("refresh/next_community_ids", n=k)["first"] if k else 0
    fresh = [f"c{first + j + 1}" for j in range(k)]
    identity = analytics.match_identities(new_sets, dict(old), fresh)

    # topics
    ranks = {accounts[i]: int(labels[i]) for i in np.flatnonzero(labels >= 0).tolist()}
    topic_rows = database.fetch("refresh/account_topics", since=info.get("since"), ranks=ranks)
    global_topics: Counter[str] = Counter()
    comm_topics: dict[int, Counter[str]] = defaultdict(Counter)
    for row in topic_rows:
        global_topics[row["topic"]] += row["n"]
        if row["community"] >= 0:
            comm_topics[row["community"]][row["topic"]] += row["n"]
    global_total = sum(global_topics.values())

    # leaders and brokers
    leader_rank = np.zeros(n, dtype=np.int64)
    leaders: dict[int, list[int]] = {}
    brokers: dict[int, list[int]] = {}
    for c, idx in members.items():
        order = sorted(idx, key=lambda i: (-comp["score"][i], accounts[i]))
        for rank, i in enumerate(order, start=1):
            leader_rank[i] = rank
        leaders[c] = order[: analytics.LEADERS_PER_COMMUNITY]
        bridging = [i for i in idx if part[i] > 0 and len(by_comm[i]) > 1]
        bridging.sort(key=lambda i: (-part[i] * np.log1p(k_i[i]), accounts[i]))
        brokers[c] = bridging[: analytics.BROKERS_PER_COMMUNITY]
    wanted = {accounts[i] for c in members for i in leaders[c] + brokers[c]}
    handles = {r["id"]: r["handle"] for r in
               database.fetch("refresh/account_profiles", ids=sorted(wanted))}

    def person(i: int) -> dict[str, Any]:
        return {"id": accounts[i], "handle": handles.get(accounts[i]),
                "score": round(float(comp["score"][i]), 4),
                "components": {key: round(float(comp[key][i]), 4)
                               for key in analytics.LEADER_WEIGHTS},
                "engagers_in_community": int(comp["engagers"][i]),
                "engagement_received": round(float(comp["in_weight"][i]), 2)}

    def broker(i: int) -> dict[str, Any]:
        spans = sorted(by_comm[i].items(), key=lambda x: -x[1])[:3]
        return {"id": accounts[i], "handle": handles.get(accounts[i]),
                "participation": round(float(part[i]), 4),
                "engagement_weight": round(float(k_i[i]), 2),
                "bridges": [{"community_id": identity.ids[c],
                             "share": round(w / float(k_i[i]), 3)} for c, w in spans]}

    communities = []
    for c in range(k):
        top_topics, distinctive = analytics.topic_profile(comm_topics[c], global_topics,
                                                          global_total)
        lead = [person(i) for i in leaders[c]]
        head = lead[0]["handle"] or lead[0]["id"] if lead else ""
        label = " ".join(f"#{t}" for t in distinctive[:2]) + (f" · {head}" if head else "")
        communities.append({
            "key": f"{run_id}:{identity.ids[c]}", "runId": run_id, "id": identity.ids[c],
            "rank": c, "size": tight[c]["size"], "label": label.strip(),
            "topTopics": top_topics, "distinctiveTopics": distinctive,
            "density": round(tight[c]["density"], 5),
            "conductance": round(tight[c]["conductance"], 5),
            "modularity": round(float(q_parts[c]), 6),
            "internalWeight": round(tight[c]["internal_weight"], 3),
            "leaders": json.dumps(lead), "brokers": json.dumps([broker(i) for i in brokers[c]]),
        })

    member_rows = []
    for c, idx in members.items():
        for i in idx:
            member_rows.append({"account": accounts[i], "key": f"{run_id}:{identity.ids[c]}",
                                "props": {
                                    "leaderScore": round(float(comp["score"][i]), 5),
                                    "leaderRank": int(leader_rank[i]),
                                    "influence": round(float(comp["influence"][i]), 5),
                                    "communityShare": round(float(comp["community_share"][i]), 5),
                                    "reach": round(float(comp["reach"][i]), 5),
                                    "pagerank": round(float(pr[i]), 6),
                                    "participation": round(float(part[i]), 5),
                                }})

    levels = _level_maps(found, labels, k, identity, tight, communities, edges, params, run_id)
    unclustered = int((labels < 0).sum())
    metrics = {
        "algorithm": params.algorithm, "communities": k, "accounts_analysed": n,
        "accounts_in_communities": n - unclustered, "unclustered": unclustered,
        "modularity": round(q_all, 6), "levels": len(levels),
        "changes": {"births": identity.births, "deaths": identity.deaths,
                    "merges": identity.merges, "splits": identity.splits,
                    "kept": sum(1 for c in range(k) if identity.ids[c] in old)},
    }
    ctx = {"accounts": accounts, "labels": labels, "ids": identity.ids, "comp": comp, "pr": pr,
           "edges": edges, "engagement": engagement_edges, "leader_rank": leader_rank,
           "sizes": [t["size"] for t in tight], "community_topics": dict(comm_topics)}
    return {"communities": communities, "members": member_rows, "levels": levels,
            "metrics": metrics, "ctx": ctx}


def _level_maps(found: Any, labels: Any, k: int, identity: analytics.Identity,
                tight: list[dict[str, float]], communities: list[dict[str, Any]],
                edges: analytics.Edges, params: RefreshParams,
                run_id: str) -> list[dict[str, Any]]:
    """Map of each level: 0 is the final (coarsest) partition, higher levels are finer."""
    level0 = {
        "communities": [{"id": c["id"], "size": c["size"], "label": c["label"],
                         "top_topics": c["topTopics"]} for c in communities],
        "links": [{"source": identity.ids[link["source"]], "target": identity.ids[link["target"]],
                   "weight": link["weight"]} for link in analytics.links(edges, labels)],
    }
    maps = [level0]
    lv = found["levels"].tolist()
    if lv and isinstance(lv[0], list) and len(lv[0]) > 1:
        depth = len(lv[0])
        for back in range(2, depth + 1):  # intermediate levels, coarse to fine
            raw = np.array([row[depth - back] for row in lv], dtype=np.int64)
            lab, kk = analytics.compact(raw, params.min_community_size)
            if kk == k and np.array_equal(lab, labels):
                continue
            sizes = np.bincount(lab[lab >= 0], minlength=kk)
            maps.append({
                "communities": [{"id": f"L{len(maps)}-{c}", "size": int(sizes[c])}
                                for c in range(kk)],
                "links": [{"source": f"L{len(maps)}-{link['source']}",
                           "target": f"L{len(maps)}-{link['target']}",
                           "weight": link["weight"]} for link in analytics.links(edges, lab)],
            })
    # issue 12: each level's positions are laid out here, once, and stored with the run
    return [{"key": f"{run_id}:{level}", "runId": run_id, "level": level,
             "communities": json.dumps(layout.with_positions(m["communities"], m["links"],
                                                             params.random_seed)),
             "links": json.dumps(m["links"])}
            for level, m in enumerate(maps)]


def write_results(database: Database, run_id: str, built: dict[str, Any]) -> None:
    """Write communities, memberships and maps in batches (invisible until the switch)."""
    database.execute("refresh/write_communities", rows=built["communities"])
    rows = built["members"]
    for start in range(0, len(rows), WRITE_BATCH):
        database.execute("refresh/write_members", rows=rows[start:start + WRITE_BATCH],
                         runId=run_id)
    database.execute("refresh/write_map_levels", rows=built["levels"])


# ---------------------------------------------------------------------------- influence


def _reciprocal_share(edges: analytics.Edges, n: int) -> Any:
    """Per node: share of received weight coming from accounts it also engages with."""
    forward = edges.src * n + edges.dst
    reverse = edges.dst * n + edges.src
    mutual = np.isin(reverse, forward)
    received = np.bincount(edges.dst, weights=edges.w, minlength=n)
    from_mutual = np.bincount(edges.dst[mutual], weights=edges.w[mutual], minlength=n)
    return np.divide(from_mutual, received, out=np.zeros(n), where=received > 0)


class Prefetch:
    """Named ``influence/`` read queries started at once, ``workers`` at a time, each taken
    once with the seconds it took in its own thread (a failure re-raises on take)."""

    def __init__(self, database: Database, workers: int = 2):
        self.database = database
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prefetch")
        self.futures: dict[str, Future[tuple[list[dict[str, Any]], float]]] = {}

    def start(self, name: str, **params: Any) -> None:
        self.futures[name] = self.pool.submit(self._run, name, params)

    def _run(self, name: str, params: dict[str, Any]) -> tuple[list[dict[str, Any]], float]:
        started = time.perf_counter()
        rows = self.database.fetch(f"influence/{name}", **params)
        return rows, time.perf_counter() - started

    def take(self, name: str) -> tuple[list[dict[str, Any]], float]:
        rows, seconds = self.futures.pop(name).result()
        if not self.futures:
            self.pool.shutdown(wait=False)
        return rows, seconds

    def close(self) -> None:
        """Cancel what has not started; wait for what has."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def influence_inputs(database: Database, params: RefreshParams, since: str | None) -> Prefetch:
    """Start the influence stage's independent reads (two at a time on the server)."""
    prefetch = Prefetch(database)
    prefetch.start("account_reach", since=since)
    prefetch.start("topic_engagement", since=since, kindWeights=params.kind_weights)
    prefetch.start("audience", since=since)
    prefetch.start("follow_bursts")
    prefetch.start("calls_to_action", since=since, hours=params.mobilisation_hours)
    prefetch.start("post_topics", since=since)
    prefetch.start("adoptions")
    return prefetch


def influence_stage(database: Database, params: RefreshParams, run_id: str,
                    ctx: dict[str, Any], inputs: Prefetch) -> dict[str, Any]:
    """Engagement rate, audience quality, mobilisation, topic affinity, adopter categories
    and the influencer score of every account with activity; item adoption curves.

    Seconds per metric = its queries' own durations (in their threads) + its computation
    here; waiting is not counted (bench/influence reports them)."""
    from . import influence as inf

    accounts: list[str] = ctx["accounts"]
    index = {a: i for i, a in enumerate(accounts)}
    labels, ids, comp = ctx["labels"], ctx["ids"], ctx["comp"]
    sizes = ctx["sizes"]

    def community_of(account: str) -> int:
        i = index.get(account)
        return int(labels[i]) if i is not None else -1

    recip = _reciprocal_share(ctx["edges"], len(accounts))
    clock = Clock()
    lap = clock.lap

    def take(name: str, metric: str) -> list[dict[str, Any]]:
        rows, seconds = inputs.take(name)
        clock.add(metric, seconds)
        clock.restart()  # waiting for a query is not counted
        return rows

    reach = {r["id"]: r for r in take("account_reach", "engagement_rate")}
    ctx["reach"] = reach  # the seeds stage ranks its follower baseline from the same rows
    lap("engagement_rate")
    audience = {r["id"]: r for r in take("audience", "audience_quality")}
    bursts = {r["id"]: r["burst_peak"] for r in take("follow_bursts", "audience_quality")}
    lap("audience_quality")

    # mobilisation: per author, the mean share of its community / followers answering
    calls = take("calls_to_action", "mobilisation")
    authors = sorted({c["author"] for c in calls})
    followers_of = {r["id"]: set(r["followers"])
                    for r in database.fetch("influence/followers_of", ids=authors)}
    mob: dict[str, list[tuple[float | None, float | None]]] = defaultdict(list)
    for call in calls:
        author, responders = call["author"], set(call["responders"])
        c = community_of(author)
        share_c = None
        if c >= 0 and sizes[c] > 1:
            share_c = sum(1 for x in responders if community_of(x) == c) / (sizes[c] - 1)
        fol = followers_of.get(author, set())
        share_f = len(responders & fol) / len(fol) if fol else None
        mob[author].append((share_c, share_f))

    posts_t: dict[str, dict[str, int]] = defaultdict(dict)
    received_t: dict[str, dict[str, int]] = defaultdict(dict)
    lap("mobilisation")
    for r in take("post_topics", "topic_affinity"):
        posts_t[r["account"]][r["topic"]] = r["n"]
    # one scan of topic-tagged engagement serves topic affinity here and the topic seed
    # sets in the seeds stage: per engaged-with account, (topic, engager, count, weight)
    topic_engagement: Counter[str] = Counter()
    topic_pairs: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for r in take("topic_engagement", "topic_affinity"):
        source, received = r["s"], received_t[r["s"]]
        for topic, engager, n, w in zip(r["topics"], r["engagers"], r["ns"], r["ws"],
                                        strict=True):
            received[topic] = received.get(topic, 0) + n
            topic_engagement[topic] += n
            topic_pairs[topic].append((source, engager, w))
    ctx["topic_engagement"] = dict(topic_engagement)  # the seeds stage picks its topics
    ctx["topic_pairs"] = topic_pairs

    # Rogers categories per item, overall and within each community
    by_item: dict[str, list[tuple[str, float]]] = defaultdict(list)
    lap("topic_affinity")
    for r in take("adoptions", "adopter_categories"):
        by_item[r["item"]].append((r["account"], float(r["at"])))
    account_categories: dict[str, dict[str, dict[str, str | None]]] = defaultdict(dict)
    item_rows = []
    for item, rows in by_item.items():
        overall = inf.adopter_categories([t for _, t in rows])
        per_comm: dict[int, list[int]] = defaultdict(list)
        for j, (acc, _) in enumerate(rows):
            per_comm[community_of(acc)].append(j)
        within: dict[int, str] = {}
        community_counts = {}
        leaders = []
        for c, js in per_comm.items():
            if c < 0:
                continue
            cats = inf.adopter_categories([rows[j][1] for j in js])
            community_counts[ids[c]] = inf.category_counts(cats)
            for j, cat in zip(js, cats, strict=True):
                within[j] = cat
            for j in js:  # early-adopter leaders: early overall, followed by their community
                if overall[j] in ("innovator", "early_adopter"):
                    later = sum(1 for j2 in js if rows[j2][1] > rows[j][1])
                    if later >= max(3, 0.2 * len(js)):
                        i = index.get(rows[j][0])
                        leaders.append({"id": rows[j][0], "community_id": ids[c],
                                        "category": overall[j],
                                        "community_adopters_after": later,
                                        "leader_score": round(float(comp["score"][i]), 4)
                                        if i is not None else None})
        for j, (acc, _) in enumerate(rows):
            account_categories[acc][item] = {"overall": overall[j], "community": within.get(j)}
        leaders.sort(key=lambda x: (-x["community_adopters_after"], x["id"]))
        item_rows.append({"key": f"{run_id}:{item}", "runId": run_id, "item": item,
                          "adopters": len(rows),
                          "counts": json.dumps(inf.category_counts(overall)),
                          "communities": json.dumps(community_counts),
                          "earlyAdopterLeaders": json.dumps(leaders[:20])})

    lap("adopter_categories")
    # per account
    everyone = set(accounts) | set(reach) | set(account_categories)
    raw_er: dict[str, float | None] = {}
    for acc in everyone:
        r = reach.get(acc, {})
        followers = r.get("declared_followers") or r.get("follower_edges") or 0
        raw_er[acc] = inf.engagement_rate(r.get("received", 0), r.get("posts", 0), followers)
    known = [v for v in raw_er.values() if v is not None]
    er_ref = float(np.percentile(known, 95)) if known else 0.0
    rows_out = []
    for acc in everyone:
        i = index.get(acc)
        c = community_of(acc)
        aud = audience.get(acc, {})
        quality, evidence = inf.audience_quality(inf.Audience(
            followers=aud.get("followers", 0), engaged=aud.get("engaged", 0),
            passive=aud.get("passive", 0), burst_peak=bursts.get(acc, 0),
            reciprocal_share=float(recip[i]) if i is not None else 0.0))
        calls_here = mob.get(acc, [])
        shares_c = [x for x, _ in calls_here if x is not None]
        shares_f = [y for _, y in calls_here if y is not None]
        mobilisation = {
            "calls": len(calls_here),
            "community_share": round(sum(shares_c) / len(shares_c), 4) if shares_c else None,
            "follower_share": round(sum(shares_f) / len(shares_f), 4) if shares_f else None,
        }
        er = raw_er[acc]
        components = {
            "community_leadership": round(float(comp["score"][i]), 4) if c >= 0 else 0.0,
            "engagement_rate": None if er is None else
            round(inf.clamp01(er / er_ref), 4) if er_ref > 0 else 0.0,
            "audience_quality": round(quality / 100, 4) if quality is not None else None,
            "mobilisation": mobilisation["community_share"],
        }
        affinity = inf.topic_affinity(posts_t.get(acc, {}), received_t.get(acc, {}))
        rows_out.append({
            "key": f"{run_id}:{acc}", "runId": run_id, "accountId": acc,
            "communityId": ids[c] if c >= 0 else None,
            "leaderRank": int(ctx["leader_rank"][i]) if c >= 0 else None,
            "communitySize": sizes[c] if c >= 0 else None,
            "engagementRate": er, "audienceQuality": quality,
            "audience": json.dumps(evidence), "mobilisation": json.dumps(mobilisation),
            "topicAffinity": json.dumps(affinity),
            "topics": sorted(t for t, v in affinity.items() if v >= 0.05),
            "adopterCategories": json.dumps(account_categories.get(acc, {})),
            "components": json.dumps(components),
            "influencerScore": round(inf.influencer_score(components), 5),
        })
    lap("scores")
    database.execute("influence/write_items", rows=item_rows)
    for start in range(0, len(rows_out), WRITE_BATCH):
        database.execute("influence/write_account_metrics",
                         rows=rows_out[start:start + WRITE_BATCH])
    lap("write")
    return {"accounts": len(rows_out), "items": len(item_rows), "calls_to_action": len(calls),
            "timings": clock.timings,
            "engagement_rate_p95": er_ref}
