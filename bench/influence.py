"""Influence benchmark: the influence metrics and CELF seed sets on the 100k-account graph.

    python -m bench.influence

Uses the "bench-ingest" instance that `python -m bench.ingest` leaves holding the imported
benchmark graph. One full refresh (time per metric from the run's metrics), then CELF for
k = 5, 10, 20 on the same influence projection, each timed, with the expected spread of
its seeds next to top-k by followers and top-k by PageRank, all simulated by the same
independent-cascade model (service.influence.Cascade).
"""

from __future__ import annotations

import json
import time

from service import neo4j_local
from service.db import Database
from service.refresh.influence_evidence import followers as follower_count
from service.refresh.inputs import account_reach
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.refresh.runs import current_run
from service.refresh.seed_graphs import InfluenceGraph, celf_config
from service.refresh.seeds import celf, project_influence

from .instances import instance_settings
from .results import write_section

KS = (5, 10, 20)


def main() -> None:
    """Refresh, time CELF per k, rewrite the "Influence" section of bench/RESULTS.md."""
    settings = instance_settings("bench-ingest")
    neo4j_local.start(settings.local)
    database = Database(settings)
    params = RefreshParams()
    started = time.perf_counter()
    result = run_refresh(database, params)
    refresh_s = time.perf_counter() - started
    if result.status != "succeeded":
        raise SystemExit(f"refresh failed: {result.error}")
    infl, seeds = result.metrics["influence"], result.metrics["seeds"]
    lines = [
        "Graph: the 100k-account benchmark graph (`python -m bench.ingest`). Command: "
        "`python -m bench.influence`.",
        "",
        f"Full refresh {refresh_s:.0f} s; stage `influence` {result.timings['influence']:.1f} s "
        f"({infl['accounts']:,} accounts, {infl['items']} items, "
        f"{infl['calls_to_action']:,} calls to action), stage `seeds` "
        f"{result.timings['seeds']:.1f} s (all accounts k = {params.max_seeds}, the 20 "
        f"largest communities k = 5, the {len(seeds['topics'])} most-engaged topics k = 10, "
        f"{len(seeds.get('community_topics', []))} community top topics k = 5: "
        f"{seeds['seed_sets']} seed sets).",
        "",
        "Per metric: its queries' own durations (they run two at a time, from the end of "
        "the `edges` stage, beside the `metrics` and `write` stages) + its computation; so "
        "the column adds up to more than the stage's wall-clock time.",
        "",
        "| metric (inputs + computation) | seconds |", "|---|---:|",
        *[f"| {k} | {v:.1f} |" for k, v in infl["timings"].items()],
        "",
        "Seeds stage: `celf` = waiting for CELF (projection from arrays + CELF, two "
        "scopes at a time on the server), `baselines` = simulating CELF's seeds and the "
        "top-k baselines in Python meanwhile.",
        "",
        "| seeds stage part | seconds |", "|---|---:|",
        *[f"| {k} | {v:.1f} |" for k, v in seeds["timings"].items()],
        "",
        "Topic seed sets (CELF on each topic's own engagement graph; spreads over that "
        "graph, 10 seeds, baselines among the topic graph's accounts):",
        "",
        "| topic | accounts in topic graph | CELF spread | top-k by followers "
        "| top-k by PageRank |",
        "|---|---:|---:|---:|---:|",
        *topic_rows(database, result.run_id),
    ]
    # CELF per k on one influence projection
    pairs = [(r["s"], r["t"], r["w"]) for r in database.fetch(
        "influence/influence_pairs", kindWeights=params.kind_weights, since=None)]
    influence = InfluenceGraph.from_pairs(pairs)
    cascade = influence.cascade(params.propagation_probability)
    reach = account_reach(database, None)()
    followers = sorted(reach, key=lambda r: (-follower_count(r), r["id"]))
    run_id = current_run(database)["runId"]
    with database.session() as session:
        pr = session.run("MATCH (a:Account)-[m:MEMBER_OF {runId: $r}]->() "
                         "RETURN a.id AS id, m.pagerank AS pr ORDER BY pr DESC, id LIMIT 20",
                         r=run_id).data()
    graph = "bench-influence"
    nodes_projected = project_influence(database, graph, influence)
    config = celf_config(params, len(reach))
    sims = config["monteCarloSimulations"]
    rows = ["", f"CELF: {sims} Monte Carlo simulations (budgeted above 20k accounts), "
            "concurrency 4, p = 0.02 per unit of engagement; spreads re-simulated with 100 "
            "runs of the same cascade for every seed set.", "",
            "| k | CELF seconds | CELF spread | top-k by followers | top-k by PageRank |",
            "|---:|---:|---:|---:|---:|"]
    try:
        for k in KS:
            t = time.perf_counter()
            found = celf(database, graph, config, min(k, nodes_projected - 1))
            secs = time.perf_counter() - t
            spread = cascade.spread([influence.names[node] for node, _ in found])
            top_f = cascade.spread([r["id"] for r in followers[:k]])
            top_p = cascade.spread([r["id"] for r in pr[:k]])
            rows.append(f"| {k} | {secs:.1f} | {spread:.1f} | {top_f:.1f} | {top_p:.1f} |")
            print(rows[-1], flush=True)
    finally:
        database.fetch("refresh/drop_graph", graph=graph)
        database.close()
        neo4j_local.stop(settings.local)
    body = "\n".join(lines + rows)
    write_section("Influence", body)
    print(body)


def topic_rows(database: Database, run_id: str) -> list[str]:
    """One table row per topic seed set of the run (largest k computed)."""
    rows = []
    with database.session() as session:
        found = session.run("MATCH (s:SeedSet {runId: $r}) WHERE s.scope STARTS WITH 'topic:' "
                            "RETURN s.scope AS scope, s.baselines AS b, s.members AS members "
                            "ORDER BY scope", r=run_id).data()
    for r in found:
        b = json.loads(r["b"])
        k = max(b["celf"], key=int)
        rows.append(f"| {r['scope'][len('topic:'):]} | {r['members'] or 0:,} | "
                    f"{b['celf'][k]:.1f} | {b['top_followers'][k]:.1f} | "
                    f"{b['top_pagerank'][k]:.1f} |")
    return rows


if __name__ == "__main__":
    main()
