"""Small-graph benchmark: the service's modularity on classic graphs vs igraph's best Leiden.

    python -m bench.small_graphs [--no-write]

For Zachary's karate club, Lusseau's dolphins, Girvan and Newman's college football and
Krebs' political books, each loaded alone into the dedicated "bench-small" Neo4j instance
(ports 27691/27478, heap 1g, page cache 256m) as mutual follows plus mutual replies (every
edge: a follow and a ``reply`` each way, so every pair weighs the same and the service's
weighted graph is the unweighted one), a default refresh (``RefreshParams()``: best-of-N
Leiden trials, the highest-modularity partition kept, min community size 5) is compared
with python-igraph's Leiden (objective modularity, iterated until stable) best of 20 seeds,
both scored by igraph's modularity on the same unweighted undirected graph. Accounts left
outside a kept community count as singletons. The instance is stopped at the end.

Data: karate is ``networkx.karate_club_graph()`` (weights dropped); dolphins, football and
polbooks are the ``graph_tool/collection/<name>.gt.gz`` files of Debian's
``python3-graph-tool`` package (pinned version), fetched with ``apt-get download`` into
var/small-graphs/ (git-ignored) on the first run and read with the small parser of the
documented gt format below (graph-tool itself is not needed). Rewrites the "Small graphs"
section of bench/RESULTS.md unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import platform
import random
import struct
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx

from service import neo4j_local
from service.db import Database
from service.loading import prepare_row, write_batch
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh

from .instances import instance_settings, wipe
from .results import write_section

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "var" / "small-graphs"
INSTANCE = "bench-small"
# Debian 12 (bookworm) ships graph-tool's collection of classic networks inside the package
DEB_PACKAGE, DEB_VERSION = "python3-graph-tool", "2.45+ds-10"
COLLECTION = "usr/lib/python3/dist-packages/graph_tool/collection/"
GRAPHS = ("karate", "dolphins", "football", "polbooks")
FROM_DEB = ("dolphins", "football", "polbooks")
IGRAPH_SEEDS = 20
GOAL_GAP = 0.005
GT_MAGIC = "\u26fe gt".encode()
BATCH = 5_000
MEMBERSHIP = (
    "MATCH (a:Account)-[:MEMBER_OF {runId: $run}]->(c:Community) "
    "RETURN a.id AS account, c.id AS community"
)


@dataclass(frozen=True)
class Graph:
    """An undirected simple graph on nodes 0..n-1 (edges u < v, no loops or repeats)."""

    name: str
    n: int
    edges: list[tuple[int, int]]

    def account(self, node: int) -> str:
        return f"{self.name}-{node:03d}"


def simple(name: str, n: int, pairs: Iterator[tuple[int, int]]) -> Graph:
    """The simple undirected graph of the pairs (loops and repeated pairs dropped)."""
    edges = sorted({(min(u, v), max(u, v)) for u, v in pairs if u != v})
    return Graph(name, n, edges)


# --- data: Debian's python3-graph-tool, fetched with apt-get -------------------------------

def deb_file() -> Path | None:
    """The pinned package file in DATA, if it is there."""
    found = sorted(DATA.glob(f"{DEB_PACKAGE}_{DEB_VERSION}_*.deb"))
    return found[0] if found else None


def apt_download() -> subprocess.CompletedProcess[str]:
    return subprocess.run(["apt-get", "download", f"{DEB_PACKAGE}={DEB_VERSION}"], cwd=DATA,
                          capture_output=True, text=True, check=False)


def fetch_deb() -> Path:
    """Download the pinned package with apt-get (once; apt checks it against the signed
    archive index). Without package lists (a fresh machine) runs ``apt-get update`` first."""
    DATA.mkdir(parents=True, exist_ok=True)
    have = deb_file()
    if have is not None:
        return have
    print(f"apt-get download {DEB_PACKAGE}={DEB_VERSION} ...", flush=True)
    done = apt_download()
    if done.returncode != 0:
        print("  failed; apt-get update, then once more ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        done = apt_download()
    have = deb_file()
    if done.returncode != 0 or have is None:
        raise SystemExit(f"apt-get download {DEB_PACKAGE}={DEB_VERSION} failed "
                         f"({done.returncode}): {done.stderr.strip()}")
    return have


def extract(deb: Path, names: tuple[str, ...]) -> dict[str, Path]:
    """Copy ``<name>.gt.gz`` of the package's collection into DATA (streamed out of the
    package's data archive, nothing else unpacked)."""
    out = {name: DATA / f"{name}.gt.gz" for name in names}
    if all(p.exists() for p in out.values()):
        return out
    wanted = {f"./{COLLECTION}{name}.gt.gz": name for name in names}
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                          stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
            for member in archive:
                name = wanted.get(member.name)
                if name is None or not member.isfile():
                    continue
                source = archive.extractfile(member)
                assert source is not None
                out[name].write_bytes(source.read())
        proc.stdout.close()
    missing = [name for name, p in out.items() if not p.exists()]
    if missing:
        raise SystemExit(f"{deb.name} has no {', '.join(missing)} under {COLLECTION}")
    return out


def read_gt(name: str, path: Path) -> Graph:
    """The graph in a gzipped graph-tool binary (gt) file; property maps are not read.

    Layout: magic, version byte (1), endianness byte, comment (uint64 length + bytes),
    directed byte, N (uint64), then per vertex its out-degree (uint64) and neighbour indices
    of the smallest unsigned width that holds N (1, 2, 4 or 8 bytes)."""
    data = gzip.decompress(path.read_bytes())
    if data[:6] != GT_MAGIC or data[6] != 1:
        raise ValueError(f"{path}: not a version 1 gt file")
    order = ">" if data[7] else "<"
    (comment,) = struct.unpack_from(order + "Q", data, 8)
    at = 16 + comment + 1  # past the comment and the directed flag
    (n,) = struct.unpack_from(order + "Q", data, at)
    at += 8
    width, code = next((w, c) for w, c in ((1, "B"), (2, "H"), (4, "I"), (8, "Q"))
                       if n < 1 << (8 * w))
    pairs: list[tuple[int, int]] = []
    for u in range(n):
        (degree,) = struct.unpack_from(order + "Q", data, at)
        at += 8
        pairs += [(u, v) for v in struct.unpack_from(order + code * degree, data, at)]
        at += width * degree
    return simple(name, n, iter(pairs))


def karate() -> Graph:
    club = nx.karate_club_graph()
    return simple("karate", club.number_of_nodes(), iter(club.edges()))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- igraph: Leiden best of 20 seeds --------------------------------------------------------

def igraph_of(g: Graph) -> ig.Graph:
    return ig.Graph(n=g.n, edges=g.edges, directed=False)


def igraph_best(g: Graph) -> tuple[float, float, int]:
    """Best and worst modularity of igraph's Leiden (objective modularity, until stable)
    over seeds 0..19 (Python's ``random``, igraph's default generator), and the best's
    community count."""
    graph = igraph_of(g)
    found = []
    for seed in range(IGRAPH_SEEDS):
        random.seed(seed)
        part = graph.community_leiden(objective_function="modularity", n_iterations=-1)
        found.append((graph.modularity(part.membership), len(part)))
    best = max(found)
    return best[0], min(q for q, _ in found), best[1]


# --- the service ----------------------------------------------------------------------------

def batches(rows: list[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def load(database: Database, g: Graph) -> float:
    """Wipe the database and load g as accounts, mutual follows and mutual replies; seconds."""
    started = time.perf_counter()
    wipe(database)
    ids = [g.account(i) for i in range(g.n)]
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    rows = {
        "accounts": [prepare_row("accounts", {"id": i}) for i in ids],
        "follows": [prepare_row("follows", {"follower": ids[a], "followee": ids[b]})
                    for u, v in g.edges for a, b in ((u, v), (v, u))],
        "interactions": [prepare_row("interactions", {"actor": ids[a], "target": ids[b],
                                                      "kind": "reply", "at": at})
                         for u, v in g.edges for a, b in ((u, v), (v, u))],
    }
    for entity, prepared in rows.items():
        for chunk in batches(prepared):
            write_batch(database, entity, chunk)
    return time.perf_counter() - started


@dataclass
class Service:
    """One default refresh on one graph, scored."""

    modularity: float
    communities: int
    unclustered: int
    trials: int
    best_trial: float  # GDS's modularity of the chosen trial (before the min size cut)
    tried: list[float]  # every trial's modularity (GDS), in seed order
    seconds: float
    run_modularity: float  # the run's own metric (the algorithm's partition)


def labels_of(database: Database, run_id: str, g: Graph) -> tuple[list[int], int, int]:
    """Community per node (unclustered accounts as singletons), communities, unclustered."""
    with database.session() as session:
        records = session.run(MEMBERSHIP, run=run_id).data()
    node = {g.account(i): i for i in range(g.n)}
    codes: dict[Any, int] = {}
    labels = [-1] * g.n
    for record in records:
        labels[node[record["account"]]] = codes.setdefault(record["community"], len(codes))
    communities = len(codes)
    unclustered = 0
    for i, label in enumerate(labels):
        if label < 0:
            labels[i] = communities + unclustered
            unclustered += 1
    return labels, communities, unclustered


def service_run(database: Database, g: Graph) -> Service:
    """A default refresh (``RefreshParams()``) and the modularity of what it kept."""
    started = time.perf_counter()
    result = run_refresh(database, RefreshParams())
    seconds = time.perf_counter() - started
    if result.status != "succeeded":
        raise RuntimeError(f"refresh of {g.name} {result.run_id}: {result.status}: "
                           f"{result.error or result.metrics}")
    labels, communities, unclustered = labels_of(database, result.run_id, g)
    trials = result.metrics.get("trials") or {}
    tried = trials.get("modularities") or [float("nan")]
    return Service(modularity=igraph_of(g).modularity(labels), communities=communities,
                   unclustered=unclustered, trials=int(trials.get("count", 0)),
                   best_trial=max(tried), tried=list(tried), seconds=seconds,
                   run_modularity=float(result.metrics.get("modularity", float("nan"))))


# --- report ---------------------------------------------------------------------------------

@dataclass
class Row:
    graph: Graph
    service: Service
    igraph: tuple[float, float, int]

    @property
    def gap(self) -> float:
        """igraph's best minus the service's (positive: the service is behind)."""
        return self.igraph[0] - self.service.modularity


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| graph | nodes | edges | service modularity | service communities (unclustered) "
        "| Leiden trials | best trial (GDS, before min size) | igraph best of 20 "
        "(communities) | igraph worst of 20 | igraph best − service | within 0.005 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        s, (best, worst, k) = r.service, r.igraph
        lines.append(
            f"| {r.graph.name} | {r.graph.n} | {len(r.graph.edges)} | {s.modularity:.4f} "
            f"| {s.communities} ({s.unclustered}) | {s.trials} | {s.best_trial:.4f} "
            f"| {best:.4f} ({k}) | {worst:.4f} | {r.gap:+.4f} "
            f"| {'yes' if r.gap <= GOAL_GAP else '**no**'} |")
    return lines


def goal(rows: list[Row]) -> str:
    missed = [r for r in rows if r.gap > GOAL_GAP]
    head = (f"Goal: service modularity within {GOAL_GAP} of igraph's best of "
            f"{IGRAPH_SEEDS} on every graph: ")
    if not missed:
        worst = max(rows, key=lambda r: r.gap)
        return head + f"**met** (largest shortfall {worst.gap:+.4f}, {worst.graph.name})."
    return head + "**not met** (" + ", ".join(
        f"{r.graph.name} behind by {r.gap:.4f}" for r in missed) + ")."


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark; print the table and (unless --no-write) record it."""
    parser = argparse.ArgumentParser(prog="python -m bench.small_graphs")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    began = time.perf_counter()

    deb = fetch_deb()
    files = extract(deb, FROM_DEB)
    graphs = [karate()] + [read_gt(name, files[name]) for name in FROM_DEB]
    graphs.sort(key=lambda g: GRAPHS.index(g.name))

    settings = instance_settings(INSTANCE)
    started_now = neo4j_local.start(settings.local)[0]
    rows: list[Row] = []
    try:
        database = Database(settings)
        try:
            database.apply_schema()
            for g in graphs:
                load_s = load(database, g)
                service = service_run(database, g)
                rows.append(Row(g, service, igraph_best(g)))
                print(f"{g.name}: {g.n} nodes, {len(g.edges)} edges, loaded in {load_s:.1f} s, "
                      f"refresh {service.seconds:.1f} s; service {service.modularity:.4f} "
                      f"({service.trials} trials), igraph best {rows[-1].igraph[0]:.4f}",
                      flush=True)
            wipe(database)
        finally:
            database.close()
    finally:
        neo4j_local.stop(settings.local)
    total = time.perf_counter() - began

    refresh_s = sum(r.service.seconds for r in rows)
    body = "\n".join([
        "Graphs: Zachary's karate club (`networkx.karate_club_graph()`, networkx "
        f"{nx.__version__}, weights dropped); Lusseau's dolphins, Girvan and Newman's college "
        "football and Krebs' political books from `graph_tool/collection/<name>.gt.gz` in "
        f"Debian's `{DEB_PACKAGE}` {DEB_VERSION} (bookworm), fetched by the benchmark with "
        f"`apt-get download {DEB_PACKAGE}={DEB_VERSION}` into var/small-graphs/ (never "
        f"committed; `{deb.name}` sha256 `{sha256(deb)[:16]}…`) and read with the "
        "benchmark's own parser of the gt format; self-loops and repeated pairs dropped. "
        "Each graph alone is loaded into the \"bench-small\" instance as mutual follows plus "
        "mutual `reply` interactions (the same weight on every pair: the weighted graph the "
        "service clusters is the unweighted one) and refreshed with `RefreshParams()` "
        "(defaults: Leiden, resolution 1.0, best-of-N trials from seed 42, min community "
        "size 5, concurrency 1). Baseline: python-igraph "
        f"{ig.__version__} `community_leiden(objective_function=\"modularity\", "
        f"n_iterations=-1)`, seeds 0..{IGRAPH_SEEDS - 1} (`random.seed`), the best kept. "
        "Both partitions are scored by igraph's `Graph.modularity` on the same unweighted "
        "undirected graph; accounts outside a kept community (the service's unclustered) "
        f"count as singletons. Machine: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, Neo4j {neo4j_local.NEO4J_VERSION}, GDS "
        f"{neo4j_local.GDS_VERSION} (heap {settings.local.heap}, page cache "
        f"{settings.local.pagecache}). Command: `python -m bench.small_graphs`.",
        "",
        *table(rows),
        "",
        f"- {goal(rows)}",
        "- Leiden trials: the count the run's metrics record (`trials.count`); best trial: "
        "the highest modularity among them as GDS reports it, on the partition before "
        "communities smaller than 5 are dropped (the refresh's `modularity` metric: "
        + ", ".join(f"{r.graph.name} {r.service.run_modularity:.4f}" for r in rows) + ").",
        "- Spread of the service's trials (GDS modularity over seeds 42, 43, ...: lowest – "
        "highest, distinct values): " + "; ".join(
            f"{r.graph.name} {min(r.service.tried):.4f} – {max(r.service.tried):.4f}, "
            f"{len(set(r.service.tried))} distinct" for r in rows) + ".",
        f"- The four refreshes took {refresh_s:.0f} s in all (every stage, influence and "
        f"seed sets included); the whole benchmark {total / 60:.1f} min"
        + ("" if started_now else " (the instance was already running)") + ".",
    ])
    print(body)
    if not args.no_write:
        write_section("Small graphs", body)


if __name__ == "__main__":
    main()
