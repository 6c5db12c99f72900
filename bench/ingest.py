"""Ingest benchmark: online CLI path vs neo4j-admin import vs one-row-per-transaction.

    python -m bench.ingest [--preset bench]

Runs on its own local Neo4j instance ("bench-ingest", ports 27688/27475) so demo, test
and other benchmark data are untouched, and rewrites the "Ingest" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import time
from pathlib import Path
from typing import Any

from service import create_app, neo4j_local
from service.bulk import LoadReport, load_all, validated
from service.db import Database
from service.demo import PRESETS, generate
from service.importer import run_import
from service.loading import ENTITIES, write_batch
from service.settings import Settings

from .instances import instance_settings, wipe
from .results import write_section

ROOT = Path(__file__).resolve().parents[1]


def bench_settings() -> Settings:
    """Settings for this benchmark's own instance."""
    return instance_settings("bench-ingest")


def naive(database: Database, path: Path, n: int) -> float:
    """Rows/s writing ``n`` interactions one row per transaction (same query, same checks)."""
    rows = []
    for row, _ in validated("interactions", path):
        if row is not None:
            row["key"] = "naive:" + row["key"]  # new events, not already-stored ones
            rows.append(row)
        if len(rows) >= n:
            break
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


def main() -> None:
    """Run the benchmark and rewrite its section of bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="bench", choices=sorted(PRESETS))
    args = parser.parse_args()
    data = ROOT / "var" / args.preset
    if not (data / "interactions.csv").exists():
        generate(PRESETS[args.preset], data)
    files = {e: data / f"{e}.csv" for e in ENTITIES}
    settings = bench_settings()
    neo4j_local.start(settings.local)
    database = Database(settings)
    wipe(database)
    database.apply_schema()

    print("online load ...", flush=True)
    started = time.perf_counter()
    report: LoadReport = load_all(database, files)
    online_total = time.perf_counter() - started
    online_rows = sum(r.received for r in report.results.values())

    print("naive baseline ...", flush=True)
    naive_rate = naive(database, data / "interactions.csv", 10_000)
    print("api request ...", flush=True)
    api_seconds, api_status = api_request(settings, data / "interactions.csv")
    database.close()

    print("import path ...", flush=True)
    counts, _, timings = run_import(settings, files, force=True)
    import_total = sum(timings.values())
    neo4j_local.stop(settings.local)

    lines = [
        f"Data: `community-map generate --preset {args.preset}` (seed 42): "
        + ", ".join(f"{report.results[e].received:,} {e}" for e in ENTITIES)
        + f". Machine: {os.cpu_count()} cores, {platform.python_version()}, Neo4j "
        f"{neo4j_local.NEO4J_VERSION} (heap {settings.local.heap}, page cache "
        f"{settings.local.pagecache}). Command: `make bench-ingest`.",
        "",
        "| path | entity | rows | seconds | rows/s |",
        "|---|---|---:|---:|---:|",
    ]
    for e in ENTITIES:
        r = report.results[e]
        lines.append(f"| online (`community-map load`) | {e} | {r.received:,} | "
                     f"{report.seconds[e]:.1f} | {report.rows_per_second(e):,.0f} |")
    lines.append(f"| online (`community-map load`) | **all** | {online_rows:,} | "
                 f"{online_total:.1f} | {online_rows / online_total:,.0f} |")
    lines.append(f"| import (`community-map import`, incl. stop/start/schema) | **all** | "
                 f"{online_rows:,} | {import_total:.1f} | {online_rows / import_total:,.0f} |")
    lines.append(f"| naive baseline: one row per transaction | interactions | 10,000 | "
                 f"{10_000 / naive_rate:.1f} | {naive_rate:,.0f} |")
    lines += [
        "",
        f"- Import vs online: **{online_total / import_total:.1f}x** faster "
        f"(import stages: {', '.join(f'{k} {v:.1f}s' for k, v in timings.items())}).",
        f"- Online vs naive (interactions): "
        f"**{report.rows_per_second('interactions') / naive_rate:.0f}x**.",
        f"- API: one 10,000-interaction `POST /v1/interactions` took **{api_seconds:.2f} s** "
        f"(status {api_status}; in-process Flask client, validation included).",
    ]
    write_section("Ingest", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
