"""Reads under load: the real gunicorn server driven by 50 concurrent connections (wrk).

    python -m bench.load              # the 100k graph that `python -m bench.ingest` leaves
    python -m bench.load --env        # the Neo4j of the CM_NEO4J_* / NEO4J_URI environment
    python -m bench.load --no-cache   # the same server with the read cache off (CM_CACHE_MB=0)

Serves the API exactly as ``community-map serve`` does (gunicorn.conf.py: CM_WORKERS=2
workers x CM_THREADS=4 threads, access log on) on a free 127.0.0.1 port, against a Neo4j
holding a serving run (one full refresh first if none serves). Ids are picked from that
run: its largest communities, their leaders and some members. Each endpoint is then driven
by Debian's ``wrk`` (``make bench-load`` installs it) with 2 threads keeping 50 connections
busy (``-t2 -c50``): a 2-second warm-up, then ``--seconds`` seconds, every request's
latency measured by wrk (request written to response read). ``--max-requests`` caps the
requests as well (each wrk thread stops at its share; wrk still runs out its time, so a
capped row's req/s is only a lower bound and says so). Per endpoint: requests/s,
p50/p95/p99/max latency, and errors (non-2xx/3xx answers, socket errors, timeouts);
``/healthz`` on the same server is the baseline. The machine's load averages before and
after are printed with the table, which replaces the "Reads under load" section of
bench/RESULTS.md (``--no-cache``: its own section).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from service import neo4j_local
from service.api.serving import decoded
from service.db import Database
from service.keys import DEV_KEYS
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.refresh.runs import current_run
from service.settings import Settings, load_settings

from .instances import instance_settings
from .results import write_section

REPO = Path(__file__).resolve().parents[1]
CONNECTIONS, THREADS, WARM_UP_SECONDS = 50, 2, 2
KEY = DEV_KEYS["read"]  # the server runs without CM_API_KEYS, so the development keys work
LUA = """
local paths = {%(paths)s}
local headers = {["Authorization"] = "Bearer %(key)s"}
local cap, sent, answered = %(cap)d, 0, 0
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[(sent %% #paths) + 1], headers)
end
response = function(status, hdrs, body)
  answered = answered + 1
  if answered >= cap then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\n{"requests": %%d, "duration_us": %%d, "non_2xx_3xx": %%d, '
    .. '"socket_errors": %%d, "timeouts": %%d, "p50": %%d, "p95": %%d, "p99": %%d, '
    .. '"max": %%d}\\n', summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write, e.timeout, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def machine_load() -> str:
    """The 1/5/15-minute load averages and the number of cores."""
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return f"load average {one}, {five}, {fifteen} on {os.cpu_count()} cores"


def serving_run(database: Database) -> dict[str, Any]:
    """The serving run's record, after one full refresh if nothing serves yet."""
    run_id = current_run(database)["runId"]
    if not run_id:
        print("no serving run: refreshing once (full, with influence and seeds) ...")
        result = run_refresh(database, RefreshParams())
        if result.status != "succeeded":
            raise SystemExit(f"refresh {result.run_id} {result.status}: {result.error}")
        run_id = result.run_id
    run = dict(database.fetch("runs/get_run", runId=run_id)[0]["run"])
    run["params"], run["metrics"] = decoded(run["params"], {}), decoded(run["metrics"], {})
    return run


def pick_ids(database: Database, run_id: str) -> tuple[list[str], list[str]]:
    """Five of the run's largest communities; twenty accounts: their two best leaders and
    two members each from further down."""
    row = database.fetch("read/communities", runId=run_id, minSize=1, topic=None, sort="size",
                         offset=0, limit=5)[0]
    communities = [c["id"] for c in row["communities"]]
    if not communities:
        raise SystemExit(f"run {run_id} has no communities to read")
    accounts: list[str] = []
    for c in row["communities"]:
        accounts += [leader["id"] for leader in decoded(c["leaders"], [])[:2]]
        accounts += [m["id"] for m in database.fetch(
            "read/community_members", runId=run_id, id=c["id"], offset=c["size"] // 2,
            limit=2)]
    return communities, list(dict.fromkeys(accounts))


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    """GET with the read key: status and body (errors included)."""
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {KEY}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextmanager
def gunicorn(settings: Settings, cache_off: bool, log: Path) -> Iterator[str]:
    """The API under gunicorn as `community-map serve` runs it; yields its base URL."""
    bind = f"127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if k != "CM_API_KEYS"}
    env.update(CM_BIND=bind, CM_WORKERS="2", CM_THREADS="4", NEO4J_URI=settings.neo4j_uri,
               NEO4J_USER=settings.neo4j_user, NEO4J_PASSWORD=settings.neo4j_password)
    if cache_off:
        env["CM_CACHE_MB"] = "0"
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
           "service.wsgi:app"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://{bind}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(base + "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not become ready; see {log}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()  # the master stops its workers gracefully
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def drive(base: str, paths: list[str], seconds: int, max_requests: int,
          work: Path) -> dict[str, Any]:
    """One wrk run over ``paths`` (round robin): its counts and latencies (µs)."""
    script = work / "load.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "key": KEY,
                             "cap": max(1, -(-max_requests // THREADS))})
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
           "-s", str(script), base]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60,
                         check=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
    result["capped"] = result["requests"] >= max_requests
    return result


def targets(communities: list[str], accounts: list[str]) -> dict[str, list[str]]:
    """Each measured endpoint and the paths its connections cycle through."""
    return {"/healthz": ["/healthz"],
            "/v1/communities?limit=20": ["/v1/communities?limit=20"],
            "/v1/map": ["/v1/map"],
            f"/v1/communities/<id> ({len(communities)} ids)":
                [f"/v1/communities/{c}" for c in communities],
            f"/v1/accounts/<id> ({len(accounts)} ids)": [f"/v1/accounts/{a}" for a in accounts]}


def check_paths(base: str, paths: list[str], run_id: str) -> None:
    """Every path answers 200 (the ids exist) from the serving run, before any load."""
    for path in paths:
        status, body = get(base + path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {body[:200]!r}")
        if path.startswith("/v1/") and json.loads(body)["run_id"] != run_id:
            raise SystemExit(f"GET {path} did not answer from run {run_id}")


def measure(base: str, plan: dict[str, list[str]], seconds: int, max_requests: int
            ) -> list[str]:
    """Warm up and measure each endpoint; the table's rows."""
    rows = ["| request | req/s | p50 ms | p95 ms | p99 ms | max ms | requests | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        for name, paths in plan.items():
            drive(base, paths, WARM_UP_SECONDS, 2_000, Path(tmp))
            r = drive(base, paths, seconds, max_requests, Path(tmp))
            errors = r["non_2xx_3xx"] + r["socket_errors"] + r["timeouts"]
            rate = f"≥ {r['rate']:,.0f} (capped)" if r["capped"] else f"{r['rate']:,.0f}"
            row = (f"| `GET {name}` | {rate} | {r['p50'] / 1000:.1f} | "
                   f"{r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {r['max'] / 1000:.1f} | "
                   f"{r['requests']:,} | {errors} |")
            print(row, flush=True)
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    """Serve, drive, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--env", action="store_true",
                        help="use the Neo4j of the environment, not the bench-ingest instance")
    parser.add_argument("--no-cache", action="store_true", help="serve with CM_CACHE_MB=0")
    parser.add_argument("--seconds", type=int, default=10, help="per endpoint (max 60)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per endpoint")
    args = parser.parse_args(argv)
    seconds, cap = min(max(args.seconds, 1), 60), min(max(args.max_requests, 100), 1_000_000)
    settings = load_settings(os.environ) if args.env else instance_settings("bench-ingest")
    started = False if settings.external_neo4j else neo4j_local.start(settings.local)[0]
    database = Database(settings)
    try:
        run = serving_run(database)
        communities, accounts = pick_ids(database, run["id"])
    finally:
        database.close()
    before = machine_load()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "gunicorn.log"
        with gunicorn(settings, args.no_cache, log) as base:
            plan = targets(communities, accounts)
            check_paths(base, [p for paths in plan.values() for p in paths], run["id"])
            rows = measure(base, plan, seconds, cap)
        # a recycled worker (max_requests) stalls its connections and drops its cache
        restarts = log.read_text(errors="replace").count("Autorestarting worker")
    after = machine_load() + f"; gunicorn worker restarts during the run: {restarts}"
    if started:
        neo4j_local.stop(settings.local)
    report(run, args, rows, before, after, seconds, cap)


def report(run: dict[str, Any], args: argparse.Namespace, rows: list[str], before: str,
           after: str, seconds: int, cap: int) -> None:
    """Print the section and write it to bench/RESULTS.md."""
    m = run["metrics"]
    cache = "off (CM_CACHE_MB=0)" if args.no_cache else "on (default CM_CACHE_* settings)"
    body = "\n".join([
        f"Graph: {m.get('accounts_analysed', 0):,} accounts analysed, "
        f"{m.get('communities', '?')} communities; serving run `{run['id']}` "
        f"(influence {'on' if run['params'].get('influence', True) else 'off'}). Server: "
        "gunicorn as `community-map serve` runs it (gunicorn.conf.py, 2 workers x 4 "
        f"threads, access log on), read cache {cache}. Client: `wrk -t{THREADS} "
        f"-c{CONNECTIONS}` on the same machine, per endpoint a {WARM_UP_SECONDS} s warm-up "
        f"then up to {seconds} s / {cap:,} requests; errors = non-2xx/3xx answers + socket "
        f"errors + timeouts. Machine before: {before}; after: {after}. Command: "
        f"`python -m bench.load{' --env' if args.env else ''}"
        f"{' --no-cache' if args.no_cache else ''}`.", "", *rows])
    write_section("Reads under load" + (" (cache off)" if args.no_cache else ""), body)
    print(body)


if __name__ == "__main__":
    main()
