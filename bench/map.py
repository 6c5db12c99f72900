"""Map page and export benchmark: the 100k-account run in headless chromium, and the exports.

    python -m bench.map [--influence]

Uses the "bench-ingest" instance that `python -m bench.ingest` leaves holding the imported
benchmark graph; runs one refresh (communities only unless --influence), serves the API
under gunicorn (one worker, so its memory is the worker's) on a free loopback port, then:

- opens /map in Debian's chromium (Playwright, executable_path) and times the overview
  (key submitted -> drawn and a frame painted) and the drill-down of the largest
  community (click -> drawn and painted; its ForceAtlas2 layout runs before the first
  frame), 3 times each (goals: < 2 s and < 3 s);
- downloads each export (GEXF, GraphML, memberships CSV; plain and gzip) and reports
  bytes, seconds, MB/s, and the worker's peak RSS (VmHWM) before and after each.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from service import neo4j_local
from service.auth import DEV_KEYS
from service.db import Database
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh

from .instances import instance_settings
from .results import write_section

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ("graph.gexf", "graph.graphml", "memberships.csv")
HEADERS = {"Authorization": f"Bearer {DEV_KEYS['read']}"}
PAINTED = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's children (its workers)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(c) for c in children]


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def serve(settings_env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """gunicorn with one worker (threads as configured) on 127.0.0.1:port; waits for it."""
    env = dict(settings_env, CM_BIND=f"127.0.0.1:{port}", CM_WORKERS="1")
    env.pop("CM_API_KEYS", None)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                             "service.wsgi:app"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def page_timings(base: str, rounds: int = 3) -> dict[str, list[float]]:
    """Seconds to an interactive overview and to the largest community's drill-down."""
    from tests.browser import chromium, chromium_path

    path = chromium_path()
    if path is None:
        raise SystemExit("chromium is not installed: run `make browser`")
    out: dict[str, list[float]] = {"overview": [], "drill_down": []}
    with chromium(path) as browser:
        for _ in range(rounds):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(base + "/map")
            page.fill("#key", DEV_KEYS["read"])
            started = time.perf_counter()
            page.click("#key-form button[type=submit]")
            page.wait_for_selector("body[data-view=overview]", state="attached")
            page.evaluate(PAINTED)
            out["overview"].append(time.perf_counter() - started)
            largest = page.evaluate("window.cmap.state.overview.communities[0].id")
            started = time.perf_counter()
            page.click(f"button[data-community='{largest}']")
            page.wait_for_selector("body[data-view=community]", state="attached")
            page.evaluate(PAINTED)
            out["drill_down"].append(time.perf_counter() - started)
            context.close()
    return out


def export_rates(base: str, worker: int) -> list[dict[str, Any]]:
    """Each export, plain and gzip: bytes, seconds, MB/s and the worker's peak RSS."""
    rows = []
    for name in EXPORTS:
        for encoding in ("identity", "gzip"):
            before = peak_rss_mb(worker)
            started = time.perf_counter()
            size = 0
            with requests.get(f"{base}/v1/export/{name}", stream=True, timeout=3600,
                              headers={**HEADERS, "Accept-Encoding": encoding}) as resp:
                resp.raise_for_status()
                for chunk in resp.raw.stream(1 << 16, decode_content=False):
                    size += len(chunk)
            seconds = time.perf_counter() - started
            rows.append({"export": name, "encoding": encoding, "bytes": size,
                         "seconds": seconds, "mb_s": size / 1e6 / seconds,
                         "rss_before": before, "rss_after": peak_rss_mb(worker)})
    return rows


def main() -> None:
    """Refresh, serve, time the page and the exports; rewrite the section of RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--influence", action="store_true", help="full refresh (seed sets too)")
    args = parser.parse_args()
    settings = instance_settings("bench-ingest")
    neo4j_local.start(settings.local)
    database = Database(settings)
    result = run_refresh(database, RefreshParams(influence=args.influence))
    database.close()
    env = dict(os.environ, CM_NEO4J_INSTANCE="bench-ingest",
               NEO4J_URI=settings.neo4j_uri, NEO4J_PASSWORD=settings.neo4j_password)
    port = free_port()
    server = serve(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        worker = worker_pids(server.pid)[0]
        idle = peak_rss_mb(worker)
        timings = page_timings(base)
        exports = export_rates(base, worker)
    finally:
        server.terminate()
        server.wait(timeout=30)
        neo4j_local.stop(settings.local)
    lines = [
        "Graph: the 100k-account benchmark graph imported by `python -m bench.ingest`; one "
        f"refresh ({'with' if args.influence else 'without'} influence: {result.status}, "
        f"{sum(result.timings.values()):.0f} s). API under gunicorn, 1 worker; Debian "
        "chromium headless (SwiftShader WebGL, no GPU). Command: `python -m bench.map`.", "",
        "| view (3 rounds) | median s | max s | goal |", "|---|---:|---:|---|",
        f"| overview: key submitted -> drawn and painted | "
        f"{statistics.median(timings['overview']):.2f} | {max(timings['overview']):.2f} | < 2 s |",
        f"| drill-down of the largest community | {statistics.median(timings['drill_down']):.2f}"
        f" | {max(timings['drill_down']):.2f} | < 3 s |",
        "",
        f"API worker peak RSS after the page views: {idle:.0f} MB before any export.", "",
        "| export | encoding | MB | seconds | MB/s | worker peak RSS before -> after (MB) |",
        "|---|---|---:|---:|---:|---:|",
        *[f"| `{r['export']}` | {r['encoding']} | {r['bytes'] / 1e6:.1f} | {r['seconds']:.1f} | "
          f"{r['mb_s']:.2f} | {r['rss_before']:.0f} -> {r['rss_after']:.0f} |" for r in exports],
    ]
    body = "\n".join(lines)
    write_section("Map page and exports", body)
    print(body)


if __name__ == "__main__":
    main()
