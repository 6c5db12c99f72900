"""``community-map serve``, ``demo`` and ``keys create``: the API, the main job, API keys."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from .. import bulk
from ..api.serving import decoded
from ..db import Database
from ..keys import DEV_KEYS, ROLES, new_key
from ..refresh.params import RefreshParams
from ..refresh.pipeline import run_refresh
from ..refresh.runs import RunResult, current_run
from ..settings import Settings
from .common import EXIT_FAILED, CliError, connected, get_settings
from .neo4j import ensure_neo4j

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
    """The main job: start Neo4j (provisioning it if needed), load the demo graph, serve."""
    from ..demo import PRESETS, generate

    settings = get_settings()
    ensure_neo4j(settings)
    data = REPO_ROOT / "var" / "demo"
    if not (data / "interactions.csv").exists():
        generate(PRESETS["demo"], data)
        click.echo(f"Generated the demo graph (seed {PRESETS['demo'].seed}) in {data}")
    with connected(settings) as database:
        database.apply_schema()
        click.echo("Schema applied. Loading the demo graph (idempotent) ...")
        report = bulk.load_all(database, bulk.find_files(data))
        for entity, res in report.results.items():
            click.echo(f"  {entity:<13} {res.received:>7,} rows  ({res.created:,} new)")
        click.echo("Refreshing the community map (skipped if nothing changed) ...")
        print_summary(database, run_refresh(database, RefreshParams(), if_changed=True))
    bind = bind or os.environ.get("CM_BIND", DEFAULT_BIND)
    if no_serve:
        print_urls(settings, bind)
        return
    click.get_current_context().invoke(serve, bind=bind, workers=None)
