"""``community-map serve``, ``demo`` and ``keys create``: the API, the main job, API keys."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from .. import bulk
from ..api.serving import decoded
from ..db import Database
from ..keys import DEV_KEYS, ROLES, new_key
from ..refresh.params import RefreshParams
from ..refresh.runs import RefreshConflict, RunResult, current_run
from ..settings import Settings
from .common import EXIT_FAILED, CliError, connected, get_settings
from .neo4j import ensure_neo4j
from .refresh import queue_or_skip

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIND = "127.0.0.1:8000"


@click.group()
def keys() -> None:
    """API keys."""


@keys.command("create")
@click.option("--name", required=True, help="A label for logs, e.g. the client's name.")
@click.option("--role", type=click.Choice(ROLES), required=True)
def keys_create(name: str, role: str) -> None:
    """Print a new random key (shown once) and the CM_API_KEYS entry holding its hash."""
    secret, entry = new_key(name, role)
    click.echo(f"key (give it to the client; it is not stored): {secret}")
    click.echo(f"CM_API_KEYS entry (comma-separate several):  {entry}")


def print_urls(settings: Settings, bind: str) -> None:
    """Print where everything is, and the development keys when they are in use."""
    base = f"http://{bind}"
    click.echo("")
    click.echo(f"API:           {base}/v1/...   health {base}/healthz, {base}/readyz")
    click.echo(f"Map page:      {base}/map   (enter a read key)")
    click.echo(f"OpenAPI:       {base}/openapi.json   (Swagger UI {base}/docs)")
    if not settings.external_neo4j:
        click.echo(f"Neo4j Browser: {settings.local.browser_url}  "
                   f"(user {settings.neo4j_user}, password {settings.neo4j_password})")
    if settings.using_dev_keys:
        click.echo("API keys:      DEVELOPMENT KEYS - public, NOT FOR PRODUCTION "
                   "(set CM_API_KEYS; see `community-map keys create`)")
        for role, key in DEV_KEYS.items():
            click.echo(f"               {role:<6} {key}")
    click.echo("")


@click.command()
@click.option("--bind", default=None, help=f"host:port (default CM_BIND or {DEFAULT_BIND}).")
@click.option("--workers", type=int, default=None, help="gunicorn workers (default 2).")
def serve(bind: str | None, workers: int | None) -> None:
    """Serve the API under gunicorn (foreground)."""
    settings = get_settings()
    bind = bind or os.environ.get("CM_BIND", DEFAULT_BIND)
    print_urls(settings, bind)
    env = dict(os.environ, CM_BIND=bind)
    if workers:
        env["CM_WORKERS"] = str(workers)
    conf = REPO_ROOT / "gunicorn.conf.py"
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(conf), "service.wsgi:app"]
    raise SystemExit(subprocess.call(cmd, env=env))


def print_summary(database: Database, result: RunResult) -> None:
    """Number of communities and the three largest with their leaders."""
    if result.status == "failed":
        raise CliError(f"refresh {result.run_id} failed: {result.error}", EXIT_FAILED)
    cur = current_run(database)["runId"]
    row = database.fetch("read/communities", runId=cur, minSize=1, topic=None, sort="size",
                         offset=0, limit=3)[0]
    click.echo(f"Run {cur} ({result.status}): {row['total']} communities. Largest three:")
    for c in row["communities"]:
        leaders = ", ".join(f"{x['handle']} ({x['score']:.2f})"
                            for x in decoded(c["leaders"], [])[:3])
        click.echo(f"  {c['id']:<5} {c['size']:>5} members  {c['label']}")
        click.echo(f"        leaders: {leaders}")


@click.command()
@click.option("--bind", default=None, help=f"host:port for the API (default {DEFAULT_BIND}).")
@click.option("--no-serve", is_flag=True, help="Prepare everything, then exit instead of serving.")
def demo(bind: str | None, no_serve: bool) -> None:
    """The main job: start Neo4j (provisioning it if needed), load the demo graph, start a
    refresh worker, refresh through it, serve the API (the worker runs POST /v1/refresh)."""
    from ..demo import PRESETS, generate

    settings = get_settings()
    ensure_neo4j(settings)
    data = REPO_ROOT / "var" / "demo"
    if not (data / "interactions.csv").exists():
        generate(PRESETS["demo"], data)
        click.echo(f"Generated the demo graph (seed {PRESETS['demo'].seed}) in {data}")
    worker = None
    try:
        with connected(settings) as database:
            database.apply_schema()
            click.echo("Schema applied. Loading the demo graph (idempotent) ...")
            report = bulk.load_all(database, bulk.find_files(data))
            for entity, res in report.results.items():
                click.echo(f"  {entity:<13} {res.received:>7,} rows  ({res.created:,} new)")
            worker = start_worker()
            click.echo(f"Refresh worker started (pid {worker.pid}). Refreshing the community "
                       "map through it (skipped if nothing changed) ...")
            print_summary(database, refresh_through(database, worker))
        bind = bind or os.environ.get("CM_BIND", DEFAULT_BIND)
        if no_serve:
            print_urls(settings, bind)
            return
        click.echo(f"Refresh worker: pid {worker.pid}, runs POST /v1/refresh (stops with the "
                   "API)")
        click.get_current_context().invoke(serve, bind=bind, workers=None)
    finally:
        if worker is not None:
            stop_worker(worker)


def start_worker() -> subprocess.Popen[bytes]:
    """`community-map worker` as a child process (same environment, output inherited)."""
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "service.cli", "worker"], stdin=subprocess.DEVNULL)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """SIGTERM (finish the run), then SIGTERM again (stop it), then SIGKILL."""
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if worker.poll() is not None:
            return
        worker.send_signal(sig)
        try:
            worker.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue


def refresh_through(database: Database, worker: subprocess.Popen[bytes]) -> RunResult:
    """Queue a refresh (or find the one already queued or running) and wait for the worker."""
    try:
        result = queue_or_skip(database, RefreshParams())
    except RefreshConflict as exc:
        result = RunResult(exc.holder, "queued")
    while result.status in {"queued", "running"}:
        if worker.poll() is not None:
            raise CliError(f"the refresh worker exited (code {worker.returncode}) before run "
                           f"{result.run_id} finished", EXIT_FAILED)
        time.sleep(0.5)
        rows = database.fetch("runs/get_run", runId=result.run_id)
        run = rows[0]["run"] if rows else {"status": "failed", "error": "run record gone"}
        result = RunResult(result.run_id, str(run["status"]), error=run.get("error"))
    return result
