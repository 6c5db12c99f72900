"""Ranking benchmark: do influencer rankings name the leaders the generator planted?

    python -m bench.ranking [--seeds 42,11,123,4242,2718,99] [--no-bench] [--env-instance]
                            [--no-write]

For each graph (the demo preset with each seed; unless ``--no-bench`` also the bench
preset, seed 42), on the "bench-ranking" Neo4j instance (``--env-instance``: the one CM_NEO4J_*
name): generate it (cached under var/ranking/), wipe, load (``import`` for the bench
preset), refresh with ``RefreshParams()``, then rank the accounts five ways:

- **service**: ``GET /v1/influencers`` (Flask test client), overall and ``?topic=T``;
- **followers**: declared followers (else follower edges), the size-buys-reach baseline;
- **pagerank**: GDS PageRank on the engagement graph (interactions weighted by kind);
- **engagement rate**: raw interactions received / posts / followers.

For a topic T, the baselines rank the accounts about T (a post about T, or engagement
tagged T received). Figures, against truth.json: **topical** precision@k averaged over
topics (k = the planted leaders of the communities about T), **overall** precision of
the planted leaders in the top N (N = all planted leaders, at most 100: the API's
largest page), **inauthentic** accounts
(bought followers or engagement pods) in the overall top 50, and passive **giants** in it.
Rewrites the "Ranking" section of bench/RESULTS.md (unless ``--no-write``).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from service import bulk, create_app, neo4j_local
from service.auth import DEV_KEYS
from service.cypher import QueryLibrary
from service.db import Database
from service.demo import PRESETS, generate
from service.importer import run_import
from service.refresh.inputs import account_reach, per_account
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.settings import Settings, load_settings
from service.vocabulary import DEFAULT_KIND_WEIGHTS, ENTITIES

from .instances import instance_settings, wipe
from .results import write_section

ROOT = Path(__file__).resolve().parents[1]
QUERIES = QueryLibrary(Path(__file__).resolve().parent / "cypher")
OVERALL = ""  # the key of the overall ranking
TOP = 50
LIMIT = 100  # the most /v1/influencers answers at once: overall precision looks at most this deep
Ranking = dict[str, list[str]]  # OVERALL or topic -> account ids, best first


@dataclass(frozen=True)
class Truth:
    """What the generator planted, as the benchmark scores it."""

    leaders: frozenset[str]
    topic_leaders: dict[str, frozenset[str]]
    inauthentic: frozenset[str]  # bought followers or pod members
    giants: frozenset[str]

    @staticmethod
    def read(path: Path) -> Truth:
        """Read a generator's truth.json."""
        t = json.loads(path.read_text(encoding="utf-8"))
        pods = {m for pod in t["pods"] for m in pod}
        return Truth(frozenset(x for ls in t["leaders"].values() for x in ls),
                     {topic: frozenset(ls) for topic, ls in t["topic_leaders"].items()},
                     frozenset(t["inauthentic"]) | frozenset(pods), frozenset(t["giants"]))


@dataclass(frozen=True)
class Figures:
    """How one ranking did on one graph."""

    topical: float
    per_topic: dict[str, float]
    overall: float
    inauthentic: int
    giants: int


def overall_n(truth: Truth) -> int:
    """How deep the overall ranking is scored: all planted leaders, at most LIMIT."""
    return min(len(truth.leaders), LIMIT)


def figures(ranking: Ranking, truth: Truth) -> Figures:
    """Score a ranking against the planted truth."""
    per_topic = {t: len(set(ranking.get(t, [])[: len(ls)]) & ls) / len(ls)
                 for t, ls in truth.topic_leaders.items()}
    top, n = ranking[OVERALL], overall_n(truth)
    return Figures(
        topical=sum(per_topic.values()) / len(per_topic), per_topic=per_topic,
        overall=len(set(top[:n]) & truth.leaders) / n,
        inauthentic=len(set(top[:TOP]) & truth.inauthentic),
        giants=len(set(top[:TOP]) & truth.giants))


def top_by(scores: dict[str, float], truth: Truth, about: dict[str, set[str]]) -> Ranking:
    """Overall top 50 and, per topic, the top k among the accounts about it."""
    order = sorted(scores, key=lambda a: (-scores[a], a))
    out = {OVERALL: order[:max(TOP, overall_n(truth))]}
    for topic, leaders in truth.topic_leaders.items():
        members = about.get(topic, set())
        out[topic] = [a for a in order if a in members][: len(leaders)]
    return out


def service_ranking(settings: Settings, truth: Truth) -> Ranking:
    """The service's answers: GET /v1/influencers overall and per topic."""
    client = create_app(settings=settings).test_client()
    headers = {"Authorization": f"Bearer {DEV_KEYS['read']}"}

    def ids(args: dict[str, Any]) -> list[str]:
        resp = client.get(f"/v1/influencers?{urlencode(args)}", headers=headers)
        if resp.status_code != 200:
            raise RuntimeError(f"/v1/influencers?{urlencode(args)}: {resp.get_json()}")
        return [row["id"] for row in resp.get_json()["influencers"]]

    out = {OVERALL: ids({"limit": max(TOP, overall_n(truth))})}
    for topic, leaders in truth.topic_leaders.items():
        out[topic] = ids({"topic": topic, "limit": len(leaders)})
    return out


def bench_fetch(database: Database, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run one of bench/cypher's read queries (parameters checked like Database.fetch)."""
    q = QUERIES[name]
    if set(params) != q.params:
        raise TypeError(f"query {name!r} takes {sorted(q.params)}, got {sorted(params)}")
    with database.session() as session:
        return session.run(q.text, params).data()


def pagerank(database: Database) -> dict[str, float]:
    """GDS PageRank on the engagement graph (interactions weighted by kind, no follows)."""
    graph = "bench-ranking-pagerank"
    database.fetch("refresh/project_engagement", graph=graph, kindWeights=DEFAULT_KIND_WEIGHTS,
                   followWeight=0.0, since=None, influence=False)
    try:
        rows = bench_fetch(database, "pagerank_accounts", graph=graph, config={
            "relationshipWeightProperty": "engagement", "dampingFactor": 0.85})
    finally:
        database.fetch("refresh/drop_graph", graph=graph)
    return {r["id"]: float(r["score"]) for r in rows}


def topics_about(database: Database) -> dict[str, set[str]]:
    """Per topic, the accounts about it: a post about it or engagement tagged with it."""
    about: dict[str, set[str]] = {}
    for batch in per_account(database, "influence/post_topics", since=None)():
        for account, topic in zip(batch["accounts"], batch["topics"], strict=True):
            about.setdefault(topic, set()).add(account)
    for batch in per_account(database, "influence/topic_engagement", since=None,
                             kindWeights=DEFAULT_KIND_WEIGHTS)():
        for source, topics in zip(batch["s"], batch["topics"], strict=True):
            for topic in set(topics):
                about.setdefault(topic, set()).add(source)
    return about


def baselines(database: Database, truth: Truth, about: dict[str, set[str]]) -> dict[str, Ranking]:
    """Top-k by followers, by PageRank and by raw engagement rate."""
    reach = account_reach(database, None)()
    followers = {r["id"]: float(r["declared_followers"] or r["follower_edges"] or 0)
                 for r in reach}
    rate = {r["id"]: r["received"] / r["posts"] / followers[r["id"]] for r in reach
            if r["posts"] and followers[r["id"]]}
    return {"followers": top_by(followers, truth, about),
            "pagerank": top_by(pagerank(database), truth, about),
            "engagement rate": top_by(rate, truth, about)}


def prepare(settings: Settings, preset: str, seed: int) -> tuple[Path, float]:
    """Generate (or reuse) the graph, load it into an emptied database, refresh; returns
    the graph's folder and the refresh's seconds."""
    folder = ROOT / "var" / "ranking" / f"{preset}-{seed}"
    if not (folder / "truth.json").exists():
        generate(replace(PRESETS[preset], seed=seed), folder)
    if not settings.external_neo4j:
        neo4j_local.start(settings.local)
    if preset == "bench" and not settings.external_neo4j:
        run_import(settings, {e: folder / f"{e}.csv" for e in ENTITIES}, force=True)
    database = Database(settings)
    try:
        if preset != "bench" or settings.external_neo4j:
            wipe(database)
            database.apply_schema()
            bulk.load_all(database, bulk.find_files(folder))
        started = time.perf_counter()
        result = run_refresh(database, RefreshParams())
        if result.status != "succeeded":
            raise SystemExit(f"refresh failed: {result.error}")
        return folder, time.perf_counter() - started
    finally:
        database.close()


def run_graph(settings: Settings, preset: str,
              seed: int) -> tuple[dict[str, Figures], Truth, float]:
    """Every ranking's figures on one generated graph."""
    folder, refresh_s = prepare(settings, preset, seed)
    truth = Truth.read(folder / "truth.json")
    database = Database(settings)
    try:
        about = topics_about(database)
        rankings = {"service": service_ranking(settings, truth),
                    **baselines(database, truth, about)}
    finally:
        database.close()
    return {name: figures(r, truth) for name, r in rankings.items()}, truth, refresh_s


def table(results: Iterable[tuple[str, Truth, dict[str, Figures]]]) -> list[str]:
    """One row per (graph, ranking)."""
    lines = ["| graph | ranking | topical precision@k | overall precision@N "
             "| inauthentic in top 50 | giants in top 50 |", "|---|---|---:|---:|---:|---:|"]
    for graph, truth, figs in results:
        label = (f"{graph} ({len(truth.topic_leaders)} topics, N = {overall_n(truth)} of "
                 f"{len(truth.leaders)} leaders, "
                 f"{len(truth.inauthentic)} inauthentic, {len(truth.giants)} giants)")
        for name, f in figs.items():
            lines.append(f"| {label} | {name} | {f.topical:.2f} | {f.overall:.2f} "
                         f"| {f.inauthentic} | {f.giants} |")
            label = ""
    return lines


def per_topic(graph: str, truth: Truth, figs: dict[str, Figures]) -> list[str]:
    """Precision@k per topic of one graph, one column per ranking."""
    names = list(figs)
    lines = [f"{graph}: precision@k per topic", "",
             "| topic | k | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
    for topic, leaders in sorted(truth.topic_leaders.items()):
        cells = " | ".join(f"{figs[n].per_topic[topic]:.2f}" for n in names)
        lines.append(f"| {topic} | {len(leaders)} | {cells} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark; print the tables and (unless --no-write) record them."""
    parser = argparse.ArgumentParser(prog="python -m bench.ranking")
    parser.add_argument("--seeds", default="42,11,123,4242,2718,99", help="demo preset seeds")
    parser.add_argument("--no-bench", action="store_true",
                        help="skip the bench preset (100k accounts, seed 42)")
    parser.add_argument("--env-instance", action="store_true",
                        help="the Neo4j named by CM_NEO4J_* / NEO4J_URI, not bench-ranking")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    settings = load_settings(os.environ) if args.env_instance else instance_settings(
        "bench-ranking")
    graphs = [("demo", int(s)) for s in args.seeds.split(",")]
    graphs += [] if args.no_bench else [("bench", 42)]
    results, details = [], []
    try:
        for preset, seed in graphs:
            figs, truth, refresh_s = run_graph(settings, preset, seed)
            name = f"{preset} seed {seed}"
            print(f"{name}: refresh {refresh_s:.1f} s", flush=True)
            results.append((name, truth, figs))
            details += ["", *per_topic(name, truth, figs)]
            print("\n".join(table([results[-1]])), flush=True)
    finally:
        if not settings.external_neo4j and not args.env_instance:
            neo4j_local.stop(settings.local)
    body = "\n".join([
        "Graphs: `community-map generate --preset P --seed S` (planted communities, leaders, "
        "topics, 3 inauthentic accounts with bought followers, passive giants, engagement "
        "pods, tiny accounts; truth.json), loaded and refreshed with default parameters. "
        "Command: `python -m bench.ranking --seeds " + args.seeds
        + (" --no-bench" if args.no_bench else "") + "`.", "",
        "Topical precision@k: for each topic, the share of its planted leaders (leaders of "
        "the communities about it; k = their number) in the ranking's top k, averaged over "
        "topics. Overall: share of the top N that are planted leaders (N = all of them, at "
        "most 100, the API's largest page). Inauthentic = "
        "bought followers or pod members. Baselines rank, for a topic, the accounts about "
        "it (a post about it or engagement tagged with it).", "",
        *table(results), *details])
    print(body)
    if not args.no_write:
        write_section("Ranking", body)


if __name__ == "__main__":
    main()
