"""Read-latency benchmark: the read API on the 100k-account graph, served from a refresh.

    python -m bench.reads

Uses the "bench-ingest" instance that `python -m bench.ingest` leaves holding the imported
benchmark graph; runs one communities-only refresh, then times each read endpoint (warm,
30 calls, in-process Flask client, so HTTP parsing by gunicorn is not included).
"""

from __future__ import annotations

import statistics
import time

from service import create_app, neo4j_local
from service.db import Database
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh

from .instances import instance_settings
from .results import write_section

PATHS = ("/v1/communities?limit=50", "/v1/map", "/v1/communities/c1?members_limit=100",
         "/v1/accounts/a000001")


def main() -> None:
    """Refresh, time the reads, rewrite the "Read latency" section of bench/RESULTS.md."""
    settings = instance_settings("bench-ingest")
    neo4j_local.start(settings.local)
    database = Database(settings)
    started = time.perf_counter()
    result = run_refresh(database, RefreshParams(influence=False))
    refresh_s = time.perf_counter() - started
    client = create_app(settings=settings).test_client()
    headers = {"Authorization": "Bearer cm-dev-read-NOT-FOR-PRODUCTION"}
    rows = ["| request | status | median ms | p95 ms |", "|---|---:|---:|---:|"]
    for path in PATHS:
        client.get(path, headers=headers)
        times = []
        status = 0
        for _ in range(30):
            t = time.perf_counter()
            status = client.get(path, headers=headers).status_code
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        rows.append(f"| `GET {path}` | {status} | {statistics.median(times):.1f} | "
                    f"{times[28]:.1f} |")
    database.close()
    neo4j_local.stop(settings.local)
    body = "\n".join([
        "Graph: the 100k-account benchmark graph imported by `python -m bench.ingest`; one "
        f"communities-only refresh ({result.status}, {refresh_s:.0f} s) then 30 warm calls "
        "per request through the in-process Flask client. Command: `python -m bench.reads`.",
        "", *rows])
    write_section("Read latency", body)
    print(body)


if __name__ == "__main__":
    main()
