"""Ingest benchmark: online `load` against the server's own write ceiling, one API request,
`import` against `load`, and the memory of import's preparation.

    python -m bench.ingest [--preset bench] [--env-instance] [--no-write]

On its own local Neo4j instance ("bench-ingest", ports 27688/27475; ``--env-instance``: the
one CM_NEO4J_* name) so demo, test and other benchmark data are untouched. In one run on
one server: the online load of the preset (rows/s per entity); the *ceiling*: the same
prepared interaction rows written by a bare ``UNWIND ... CREATE`` in batches of the size
`load` uses (key constraint on, no dedupe), and the service's own write query alone; one
row per transaction; one 10,000-interaction ``POST /v1/interactions`` through the app; the
import of the same files (wall clock and stages); and, in a fresh process each, the peak
resident memory of import's preparation of the demo and the bench presets. Rewrites the
"Ingest" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service import create_app, neo4j_local
from service.bulk import LoadReport, find_files, load_file, validated
from service.db import Database, run_in
from service.demo import PRESETS, generate
from service.import_files import prepare_import, workers
from service.importer import run_import
from service.loading import ENTITIES, write_batch
from service.settings import Settings, load_settings

from .instances import instance_settings, wipe
from .results import write_section

ROOT = Path(__file__).resolve().parents[1]
BATCH = 10_000  # `load`'s default --batch-size
CEILING_ROWS = 200_000


def interaction_rows(path: Path, n: int, tag: str) -> list[dict[str, Any]]:
    """``n`` prepared interaction rows of a file, under new keys (not already stored)."""
    rows = []
    for row, _ in itertools.islice(validated("interactions", path), n):
        if row is not None:
            row["key"] = f"{tag}:{row['key']}"
            rows.append(row)
    return rows


class Meter:
    """Wall clock, this process's CPU (all its threads) and the server JVM's CPU over a block:
    where the time of a write goes."""

    def __init__(self, settings: Settings) -> None:
        self.pid = neo4j_local.read_pid(settings.local)
        self.wall = self.python = self.server = 0.0

    def _server_cpu(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> Meter:
        self._start = (time.perf_counter(), time.process_time(), self._server_cpu())
        return self

    def __exit__(self, *_: object) -> None:
        wall, python, server = self._start
        self.wall = time.perf_counter() - wall
        self.python = time.process_time() - python
        self.server = self._server_cpu() - server

    def per_row(self, rows: int) -> str:
        """Microseconds per row: wall clock, Python CPU, server CPU."""
        return (f"{1e6 * self.wall / rows:.0f} µs wall, {1e6 * self.python / rows:.0f} µs "
                f"Python CPU, {1e6 * self.server / rows:.0f} µs server CPU")


def write_time(settings: Settings, rows: list[dict[str, Any]],
               write: Callable[[list[dict[str, Any]]], Any]) -> tuple[int, Meter]:
    """Write prepared rows in batches of BATCH; only the writes are measured."""
    with Meter(settings) as meter:
        for start in range(0, len(rows), BATCH):
            write(rows[start:start + BATCH])
    return len(rows), meter


def bare_create(database: Database) -> Callable[[list[dict[str, Any]]], None]:
    """One batch through cypher/bench/create_interactions (the ceiling)."""
    def write(rows: list[dict[str, Any]]) -> None:
        database.write(lambda tx: run_in(tx, "bench/create_interactions", rows=rows).consume())
    return write


def naive(database: Database, path: Path, n: int) -> float:
    """Rows/s writing ``n`` interactions one row per transaction (same query, same checks)."""
    rows = interaction_rows(path, n, "naive")
    started = time.perf_counter()
    for row in rows:
        write_batch(database, "interactions", [row])
    return n / (time.perf_counter() - started)


def api_request(settings: Settings, path: Path) -> tuple[float, int]:
    """Seconds for one 10,000-interaction POST through the Flask app (validation included)."""
    app = create_app(settings=settings)
    client = app.test_client()
    rows: list[dict[str, Any]] = []
    with path.open() as handle:
        for rec in csv.DictReader(handle):
            row: dict[str, Any] = {k: v for k, v in rec.items() if v}
            row["topics"] = rec["topics"].split("|") if rec["topics"] else []
            row["at"] = rec["at"].replace("+00:00", "+02:00")  # a new event: not yet stored
            rows.append(row)
            if len(rows) == 10_000:
                break
    started = time.perf_counter()
    resp = client.post("/v1/interactions", json={"interactions": rows},
                       headers={"Authorization": "Bearer cm-dev-write-NOT-FOR-PRODUCTION"})
    return time.perf_counter() - started, resp.status_code


def prepare_only(data: Path) -> None:
    """Run import's preparation of a data set in this (fresh) process; print its peak RSS."""
    files = find_files(data)
    with tempfile.TemporaryDirectory(prefix="cm-prepare-") as folder:
        started = time.perf_counter()
        prepared = prepare_import(files, Path(folder))
        seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds, "rows": sum(prepared.counts.values()),
        "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }))


def prepare_rss(data: Path) -> dict[str, float]:
    """Peak RSS (MB) of import's preparation of ``data``: the main process and its largest
    worker, measured in a new process so nothing else this benchmark did counts."""
    out = subprocess.run([sys.executable, "-m", "bench.ingest", "--prepare-only", str(data)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def preset_files(preset: str) -> tuple[Path, dict[str, Path]]:
    """The generated files of a preset (generated once, under var/)."""
    data = ROOT / "var" / preset
    if not (data / "interactions.csv").exists():
        generate(PRESETS[preset], data)
    return data, {e: data / f"{e}.csv" for e in ENTITIES}


def measure(settings: Settings, preset: str) -> dict[str, Any]:
    """Every measurement of the benchmark, on one server, in one run."""
    data, files = preset_files(preset)
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    neo4j_local.start(settings.local)
    database = Database(settings)
    wipe(database)
    database.apply_schema()
    print("online load ...", flush=True)
    report, results["meters"] = LoadReport(), {}
    started = time.perf_counter()
    for entity in ENTITIES:  # as load_all does, each entity measured
        with Meter(settings) as results["meters"][entity]:
            load_file(database, entity, files[entity], report, BATCH)
    results["online"], results["report"] = time.perf_counter() - started, report
    print("write ceiling ...", flush=True)
    path = files["interactions"]
    results["ceiling"] = write_time(settings, interaction_rows(path, CEILING_ROWS, "ceiling"),
                                    bare_create(database))
    results["query"] = write_time(settings, interaction_rows(path, CEILING_ROWS, "query"),
                                  lambda rows: write_batch(database, "interactions", rows))
    print("naive baseline ...", flush=True)
    results["naive"] = naive(database, path, 10_000)
    print("api request ...", flush=True)
    results["api"] = api_request(settings, path)
    database.close()
    print("import path ...", flush=True)
    started = time.perf_counter()
    _, _, results["import_stages"] = run_import(settings, files, force=True)
    results["import"] = time.perf_counter() - started
    neo4j_local.stop(settings.local)
    print("prepare memory ...", flush=True)
    results["rss"] = {p: prepare_rss(preset_files(p)[0]) for p in ("demo", preset)}
    results["load_after"] = os.getloadavg()
    return results


def table(preset: str, settings: Settings, r: dict[str, Any]) -> list[str]:
    """The results as the markdown of the RESULTS.md section."""
    report: LoadReport = r["report"]
    rows = sum(x.received for x in report.results.values())
    inter = report.rows_per_second("interactions")
    ceiling, query = (r[k][0] / r[k][1].wall for k in ("ceiling", "query"))
    received = report.results["interactions"].received
    lines = [
        f"Data: `community-map generate --preset {preset}` (seed 42): "
        + ", ".join(f"{report.results[e].received:,} {e}" for e in ENTITIES)
        + f". Machine: {os.cpu_count()} cores, Python {platform.python_version()}, Neo4j "
        f"{neo4j_local.NEO4J_VERSION} (heap {settings.local.heap}, page cache "
        f"{settings.local.pagecache}); import prepares with {workers()} worker processes. "
        "Command: `make bench-ingest`.",
        "",
        "| path | entity | rows | seconds | rows/s |",
        "|---|---|---:|---:|---:|",
    ]
    for e in ENTITIES:
        res = report.results[e]
        lines.append(f"| online (`community-map load`) | {e} | {res.received:,} | "
                     f"{report.seconds[e]:.1f} | {report.rows_per_second(e):,.0f} |")
    lines += [
        f"| online (`community-map load`) | **all** | {rows:,} | {r['online']:.1f} | "
        f"{rows / r['online']:,.0f} |",
        f"| ceiling: bare `UNWIND ... CREATE`, batches of {BATCH:,}, key constraint on, no "
        f"dedupe | interactions | {r['ceiling'][0]:,} | {r['ceiling'][1].wall:.1f} | "
        f"{ceiling:,.0f} |",
        f"| the service's write alone (placeholders, dedupe on key, data version; rows "
        f"prepared) | interactions | {r['query'][0]:,} | {r['query'][1].wall:.1f} | "
        f"{query:,.0f} |",
        f"| import (`community-map import --force`, wall clock) | **all** | {rows:,} | "
        f"{r['import']:.1f} | {rows / r['import']:,.0f} |",
        f"| naive baseline: one row per transaction | interactions | 10,000 | "
        f"{10_000 / r['naive']:.1f} | {r['naive']:,.0f} |",
        "",
        f"- `load` writes interactions at **{inter / ceiling:.2f}x** the bare-CREATE "
        f"ceiling measured on the same server in this run ({inter:,.0f} vs {ceiling:,.0f} "
        f"rows/s; the service's write alone, rows prepared: {query / ceiling:.2f}x). Per "
        f"interaction: `load` {r['meters']['interactions'].per_row(received)}; "
        f"ceiling {r['ceiling'][1].per_row(r['ceiling'][0])}; the service's write alone "
        f"{r['query'][1].per_row(r['query'][0])} (Python CPU counts every thread of this "
        "process: reading, validating and preparing rows, and the driver's packing).",
        f"- Import vs online: **{r['online'] / r['import']:.1f}x** faster, preparation "
        f"included (import stages: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in r["import_stages"].items()) + ").",
        f"- API: one 10,000-interaction `POST /v1/interactions` took **{r['api'][0]:.2f} s** "
        f"(status {r['api'][1]}; in-process Flask client, validation included).",
        "- Peak resident memory of import's preparation (a fresh process; its largest worker "
        "process): " + "; ".join(
            f"{p} preset ({m['rows']:,.0f} rows) {m['self_mb']:.0f} MB, worker "
            f"{m['worker_mb']:.0f} MB, {m['seconds']:.1f} s" for p, m in r["rss"].items())
        + ". Rows stream through partition files on disk, so memory does not grow with the "
        "data.",
        f"- Online vs naive (interactions): **{inter / r['naive']:.0f}x**.",
        "- Machine load (1/5/15-minute load averages) before: "
        + "/".join(f"{x:.1f}" for x in r["load_before"]) + ", after: "
        + "/".join(f"{x:.1f}" for x in r["load_after"]) + ".",
    ]
    return lines


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and rewrite its section of bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="bench", choices=sorted(PRESETS))
    parser.add_argument("--env-instance", action="store_true",
                        help="the Neo4j named by CM_NEO4J_*, not bench-ingest")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--prepare-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare_only:
        prepare_only(args.prepare_only)
        return
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    settings = load_settings(env) if args.env_instance else instance_settings("bench-ingest")
    lines = table(args.preset, settings, measure(settings, args.preset))
    if not args.no_write:
        write_section("Ingest", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
