"""The ``community-map`` command line: local Neo4j, schema, keys, serving and the demo.

Exit codes: 0 success; 1 the operation failed; 2 bad usage or configuration;
3 Neo4j not running (``neo4j status``) or unreachable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import neo4j_local
from .auth import DEV_KEYS, new_key
from .settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from .bulk import LoadReport
    from .db import Database
    from .jobs import RefreshParams

F = TypeVar("F", bound=Callable[..., Any])
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_RUNNING = 3


def get_settings(instance: str | None = None) -> Settings:
    """Settings from the process environment; a bad configuration exits with code 2."""
    try:
        return load_settings(os.environ, instance)
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(EXIT_USAGE) from exc


def ensure_neo4j(settings: Settings) -> None:
    """Start the local Neo4j unless NEO4J_URI points elsewhere; print what happened."""
    if settings.external_neo4j:
        click.echo(f"Using Neo4j at {settings.neo4j_uri} (NEO4J_URI); nothing provisioned.")
        return
    local = settings.local
    click.echo(f"Starting local Neo4j ({local.instance}) from {local.home} ...")
    try:
        started, info = neo4j_local.start(local)
    except neo4j_local.ProvisionError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_FAILED) from exc
    state = "started" if started else "already running"
    click.echo(f"Neo4j {info['neo4j']} ({info['edition']}) + GDS {info['gds']} {state}")
    click.echo(f"  Bolt:    {local.bolt_uri}")
    click.echo(f"  Browser: {local.browser_url}")


@click.group()
def main() -> None:
    """Community Map: community maps and their leaders, on Neo4j + GDS."""


# ---------------------------------------------------------------------------- neo4j


@main.group()
@click.option("--instance", default=None, help="Local instance: 'default' or 'test'.")
@click.pass_context
def neo4j(ctx: click.Context, instance: str | None) -> None:
    """Provision and control the local Neo4j + GDS server (ignored when NEO4J_URI is set)."""
    ctx.obj = get_settings(instance)


@neo4j.command()
@click.option("--force", is_flag=True, help="Rebuild even if the cached install looks complete.")
@click.pass_obj
def install(settings: Settings, force: bool) -> None:
    """Build the Neo4j home (server, Browser, GDS plugin) from Maven Central."""
    try:
        for line in neo4j_local.install(settings.local, force=force):
            click.echo(line)
    except neo4j_local.ProvisionError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_FAILED) from exc


@neo4j.command()
@click.pass_obj
def start(settings: Settings) -> None:
    """Provision if needed, start, wait for Bolt and GDS, print the URLs."""
    ensure_neo4j(settings)


@neo4j.command()
@click.pass_obj
def stop(settings: Settings) -> None:
    """Stop the local server cleanly (data is kept); never with NEO4J_URI set."""
    if settings.external_neo4j:
        click.echo(f"NEO4J_URI is set: Neo4j at {settings.neo4j_uri} is in use, not the local "
                   "server, so nothing was stopped (unset NEO4J_URI to control the local one).")
        return
    try:
        stopped = neo4j_local.stop(settings.local)
    except neo4j_local.ProvisionError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_FAILED) from exc
    click.echo("Neo4j stopped." if stopped else "Neo4j was not running.")


@neo4j.command()
@click.pass_obj
def status(settings: Settings) -> None:
    """Versions, ports, data folder and pid; exit 3 when not running."""
    if settings.external_neo4j:
        raise SystemExit(external_status(settings))
    local = settings.local
    pid = neo4j_local.read_pid(local)
    if pid is None or not neo4j_local.port_open(local.bolt_port):
        click.echo(f"Neo4j ({local.instance}) is not running; data folder {local.data_dir}")
        raise SystemExit(EXIT_NOT_RUNNING)
    try:
        info = neo4j_local.probe(local)
    except Exception as exc:  # noqa: BLE001 - report any failure to answer
        click.echo(f"Neo4j (pid {pid}) is running but does not answer: {exc}", err=True)
        raise SystemExit(EXIT_NOT_RUNNING) from exc
    click.echo(f"Neo4j:   {info['neo4j']} ({info['edition']})")
    click.echo(f"GDS:     {info['gds']}")
    click.echo(f"Bolt:    {local.bolt_uri}")
    click.echo(f"HTTP:    {local.http_url}  (Browser {local.browser_url})")
    click.echo(f"Data:    {local.data_dir}")
    click.echo(f"Logs:    {local.logs_dir}")
    click.echo(f"PID:     {pid}")


def external_status(settings: Settings) -> int:
    """Status of the server NEO4J_URI names (the local one is not in use)."""
    from .db import Database

    database = Database(settings)
    try:
        info = database.probe()
    except Exception as exc:  # noqa: BLE001 - report any failure to answer
        click.echo(f"Neo4j at {settings.neo4j_uri} (NEO4J_URI) does not answer: {exc}", err=True)
        return EXIT_NOT_RUNNING
    finally:
        database.close()
    click.echo(f"Neo4j:   {info['neo4j']} ({info['edition']}) at {settings.neo4j_uri} "
               "(NEO4J_URI; the local server is not used)")
    click.echo(f"GDS:     {info['gds']}")
    return 0


# ---------------------------------------------------------------------------- schema


@main.group()
def schema() -> None:
    """Constraints and indexes."""


@schema.command("apply")
def schema_apply() -> None:
    """Create the constraints and indexes in cypher/schema (safe to repeat)."""
    from .db import Database

    database = Database(get_settings())
    try:
        for name in database.apply_schema():
            click.echo(f"applied {name}")
    finally:
        database.close()


# ---------------------------------------------------------------------------- load

EXIT_REJECTED = 1
EXIT_STRICT_REJECTED = 4


def collect_files(folder: Path | None, given: dict[str, Path | None]) -> dict[str, Path]:
    """Files by entity: those named explicitly win over those found in --dir."""
    from .bulk import find_files

    files = find_files(folder) if folder else {}
    files.update({k: v for k, v in given.items() if v is not None})
    if not files:
        click.echo("error: no input files (use --dir or --accounts/--follows/...)", err=True)
        raise SystemExit(EXIT_USAGE)
    return files


def file_option(entity: str) -> Callable[[F], F]:
    """--<entity> FILE option."""
    return click.option(
        f"--{entity}",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=f"{entity} file (.csv or .jsonl)",
    )


@main.command()
@click.option("--dir", "folder", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder holding accounts.csv, follows.csv, ... (or .jsonl).")
@file_option("accounts")
@file_option("posts")
@file_option("follows")
@file_option("interactions")
@file_option("adoptions")
@click.option("--strict", is_flag=True,
              help="Validate everything first; write nothing if any row is bad (exit 4).")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("rejects.csv"), show_default=True,
              help="Where rejected rows and their reasons go (default mode).")
@click.option("--batch-size", type=click.IntRange(1, 50_000), default=10_000, show_default=True)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def load(folder: Path | None, accounts: Path | None, posts: Path | None, follows: Path | None,
         interactions: Path | None, adoptions: Path | None, strict: bool, rejects: Path,
         batch_size: int, quiet: bool) -> None:
    """Load CSV / JSON Lines files through the online (transactional) path.

    Exit codes: 0 everything loaded; 1 some rows rejected (the good rows are loaded and the
    bad ones listed in --rejects); 2 usage; 3 Neo4j unreachable; 4 --strict found bad rows
    and wrote nothing.
    """
    from neo4j.exceptions import AuthError, ServiceUnavailable

    from . import bulk
    from .db import Database

    files = collect_files(folder, {"accounts": accounts, "posts": posts, "follows": follows,
                                   "interactions": interactions, "adoptions": adoptions})
    if strict:
        bad = bulk.check_files(files)
        if bad:
            for r in bad[:50]:
                click.echo(f"{r.file}:{r.line}: {r.reason}", err=True)
            if len(bad) > 50:
                click.echo(f"... and {len(bad) - 50} more", err=True)
            click.echo(f"--strict: {len(bad)} bad row(s); nothing was written", err=True)
            raise SystemExit(EXIT_STRICT_REJECTED)
    database = Database(get_settings())
    try:
        database.probe()
        database.apply_schema()
        report = run_load(database, files, batch_size, quiet)
    except (ServiceUnavailable, AuthError) as exc:
        click.echo(f"error: Neo4j is unreachable or refused us: {exc}", err=True)
        raise SystemExit(EXIT_NOT_RUNNING) from exc
    finally:
        database.close()
    for entity, res in report.results.items():
        rate = report.rows_per_second(entity)
        click.echo(f"{entity:<13} received {res.received:>9,}  created {res.created:>9,}  "
                   f"updated {res.updated:>7,}  unchanged {res.unchanged:>9,}  placeholders "
                   f"{res.placeholders_created:>6,}  {rate:>9,.0f} rows/s")
    if report.rejects:
        bulk.write_rejects(report.rejects, rejects)
        click.echo(f"{len(report.rejects)} row(s) rejected; see {rejects}", err=True)
        raise SystemExit(EXIT_REJECTED)


def run_load(database: Database, files: dict[str, Path], batch_size: int,
             quiet: bool) -> LoadReport:
    """Load with a rich progress bar showing rows/s per entity."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import bulk

    if quiet:
        return bulk.load_all(database, files, batch_size)
    columns = (TextColumn("{task.description:<13}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]:>9} rows/s"), TimeElapsedColumn())
    with Progress(*columns) as progress:
        tasks = {e: progress.add_task(e, total=bulk.count_lines(p), rate="-")
                 for e, p in files.items()}

        def on_progress(entity: str, rows: int) -> None:
            progress.advance(tasks[entity], rows)
            task = progress.tasks[tasks[entity]]
            if task.elapsed:
                progress.update(tasks[entity], rate=f"{task.completed / task.elapsed:,.0f}")

        return bulk.load_all(database, files, batch_size, on_progress)


@main.command("import")
@click.option("--dir", "folder", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder holding accounts.csv, follows.csv, ... (or .jsonl).")
@click.option("--force", is_flag=True, help="Replace a non-empty database.")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("rejects.csv"), show_default=True)
def import_(folder: Path, force: bool, rejects: Path) -> None:
    """Initial load with neo4j-admin import (local server only; stops and restarts it).

    Builds the same graph as `load`, several times faster. Exit codes as for `load`, plus
    1 when the database is not empty (without --force).
    """
    from . import bulk, importer

    settings = get_settings()
    files = collect_files(folder, {})
    try:
        counts, bad, timings = importer.run_import(settings, files, force=force)
    except (importer.ImportError_, neo4j_local.ProvisionError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_FAILED) from exc
    total = sum(timings.values())
    for entity, n in counts.items():
        click.echo(f"{entity:<13} {n:>9,}")
    click.echo("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
               + f" (total {total:.1f}s)")
    if bad:
        bulk.write_rejects(bad, rejects)
        click.echo(f"{len(bad)} row(s) rejected; see {rejects}", err=True)
        raise SystemExit(EXIT_REJECTED)


# ---------------------------------------------------------------------------- refresh

EXIT_CONFLICT = 5


def refresh_options(func: F) -> F:
    """Options shared by refresh and scheduler."""
    from .jobs import ALGORITHMS

    options = [
        click.option("--algorithm", type=click.Choice(ALGORITHMS), default="leiden",
                     show_default=True),
        click.option("--resolution", type=float, default=1.0, show_default=True,
                     help="Leiden gamma: higher gives more, smaller communities."),
        click.option("--min-size", type=int, default=5, show_default=True,
                     help="Smaller groups are reported as unclustered."),
        click.option("--window-days", type=int, default=None,
                     help="Only interactions from the last N days (default: all)."),
        click.option("--follow-weight", type=float, default=0.5, show_default=True),
        click.option("--seed", type=int, default=42, show_default=True),
        click.option("--retention", type=int, default=3, show_default=True,
                     help="Succeeded runs whose results are kept."),
        click.option("--influence/--no-influence", default=True, show_default=True,
                     help="--no-influence: communities and leaders only (no influence "
                          "metrics or seed sets; about 3x faster)."),
        click.option("--seed-topics", type=int, default=10, show_default=True,
                     help="Topics (most engagement first) that get a seed set (0..50)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def params_from(opts: dict[str, Any]) -> RefreshParams:
    """RefreshParams from CLI options; a bad value exits with code 2."""
    from .jobs import RefreshParams

    try:
        return RefreshParams(algorithm=opts["algorithm"], resolution=opts["resolution"],
                             min_community_size=opts["min_size"],
                             window_days=opts["window_days"],
                             follow_weight=opts["follow_weight"],
                             random_seed=opts["seed"], retention=opts["retention"],
                             influence=opts["influence"], seed_topics=opts["seed_topics"])
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from exc


def do_refresh(params: RefreshParams, if_changed: bool, run_id: str | None = None) -> int:
    """Run one refresh and print its outcome; returns the exit code."""
    from neo4j.exceptions import AuthError, ServiceUnavailable

    from .db import Database
    from .jobs import RefreshConflict, queued_params, run_refresh

    database = Database(get_settings())
    try:
        database.apply_schema()
        if run_id:
            params = queued_params(database, run_id)
        result = run_refresh(database, params, run_id=run_id, if_changed=if_changed)
    except RefreshConflict as exc:
        click.echo(f"refresh not started: {exc}", err=True)
        return EXIT_CONFLICT
    except (ServiceUnavailable, AuthError) as exc:
        click.echo(f"error: Neo4j is unreachable or refused us: {exc}", err=True)
        return EXIT_NOT_RUNNING
    finally:
        database.close()
    if result.status == "skipped":
        click.echo(f"run {result.run_id} skipped: {result.metrics['reason']}")
        return 0
    if result.status == "failed":
        click.echo(f"run {result.run_id} failed: {result.error}", err=True)
        return EXIT_FAILED
    m = result.metrics
    click.echo(f"run {result.run_id} succeeded: {m['communities']} communities, modularity "
               f"{m['modularity']:.3f}, {m['unclustered']} unclustered of "
               f"{m['accounts_analysed']} accounts")
    click.echo("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items()))
    return 0


@main.command()
@refresh_options
@click.option("--if-changed", is_flag=True,
              help="Skip (exit 0, and say so) when no data changed since the last run.")
@click.option("--run-id", default=None, hidden=True, help="Adopt a run queued by the API.")
def refresh(if_changed: bool, run_id: str | None, **opts: Any) -> None:
    """Run the refresh pipeline: GDS communities, leaders, brokers → a new run.

    Exit codes: 0 succeeded or skipped; 1 the run failed (the previous run keeps
    serving); 2 bad options; 3 Neo4j unreachable; 5 another refresh is running.
    """
    raise SystemExit(do_refresh(params_from(opts), if_changed, run_id))


@main.command()
@refresh_options
@click.option("--every", default="1h", show_default=True,
              help="Interval: 90s, 15m, 1h, 1d.")
def scheduler(every: str, **opts: Any) -> None:
    """Run `refresh --if-changed` now and then every interval, until stopped."""
    import time

    seconds = parse_interval(every)
    params = params_from(opts)
    while True:
        code = do_refresh(params, if_changed=True)
        click.echo(f"next refresh in {every} (last exit code {code})")
        time.sleep(seconds)


def parse_interval(text: str) -> int:
    """'90s' / '15m' / '1h' / '1d' → seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        value = int(text[:-1]) * units[text[-1]]
    except (KeyError, ValueError, IndexError):
        value = 0
    if value <= 0:
        click.echo(f"error: bad interval {text!r} (use e.g. 90s, 15m, 1h, 1d)", err=True)
        raise SystemExit(EXIT_USAGE)
    return value


# ---------------------------------------------------------------------------- keys


@main.group()
def keys() -> None:
    """API keys."""


@keys.command("create")
@click.option("--name", required=True, help="A label for logs, e.g. the client's name.")
@click.option("--role", type=click.Choice(["read", "write", "admin"]), required=True)
def keys_create(name: str, role: str) -> None:
    """Print a new random key (shown once) and the CM_API_KEYS entry holding its hash."""
    secret, entry = new_key(name, role)
    click.echo(f"key (give it to the client; it is not stored): {secret}")
    click.echo(f"CM_API_KEYS entry (comma-separate several):  {entry}")


# ---------------------------------------------------------------------------- serving


def print_urls(settings: Settings, bind: str) -> None:
    """Print where everything is, and the development keys when they are in use."""
    base = f"http://{bind}"
    click.echo("")
    click.echo(f"API:           {base}/v1/...   health {base}/healthz, {base}/readyz")
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


@main.command()
@click.option("--bind", default=None, help="host:port (default CM_BIND or 127.0.0.1:8000).")
@click.option("--workers", type=int, default=None, help="gunicorn workers (default 2).")
def serve(bind: str | None, workers: int | None) -> None:
    """Serve the API under gunicorn (foreground)."""
    settings = get_settings()
    bind = bind or os.environ.get("CM_BIND", "127.0.0.1:8000")
    print_urls(settings, bind)
    env = dict(os.environ, CM_BIND=bind)
    if workers:
        env["CM_WORKERS"] = str(workers)
    conf = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(conf), "service.wsgi:app"]
    raise SystemExit(subprocess.call(cmd, env=env))


def print_summary(database: Database, result: Any) -> None:
    """Number of communities and the three largest with their leaders."""
    import json

    if result.status == "failed":
        click.echo(f"refresh {result.run_id} failed: {result.error}", err=True)
        raise SystemExit(EXIT_FAILED)
    cur = database.fetch("runs/current_run")[0]["runId"]
    row = database.fetch("read/communities", runId=cur, minSize=1, topic=None, sort="size",
                         offset=0, limit=3)[0]
    click.echo(f"Run {cur} ({result.status}): {row['total']} communities. Largest three:")
    for c in row["communities"]:
        leaders = ", ".join(f"{x['handle']} ({x['score']:.2f})"
                            for x in json.loads(c["leaders"])[:3])
        click.echo(f"  {c['id']:<5} {c['size']:>5} members  {c['label']}")
        click.echo(f"        leaders: {leaders}")


@main.command()
@click.option("--bind", default=None, help="host:port for the API (default 127.0.0.1:8000).")
@click.option("--no-serve", is_flag=True, help="Prepare everything, then exit instead of serving.")
def demo(bind: str | None, no_serve: bool) -> None:
    """The main job: start Neo4j (provisioning it if needed), load the demo graph, serve."""
    from . import bulk
    from .db import Database
    from .generator import PRESETS, generate
    from .jobs import RefreshParams, run_refresh

    settings = get_settings()
    ensure_neo4j(settings)
    data = Path(__file__).resolve().parents[1] / "var" / "demo"
    if not (data / "interactions.csv").exists():
        generate(PRESETS["demo"], data)
        click.echo(f"Generated the demo graph (seed {PRESETS['demo'].seed}) in {data}")
    database = Database(settings)
    try:
        database.apply_schema()
        click.echo("Schema applied. Loading the demo graph (idempotent) ...")
        report = bulk.load_all(database, bulk.find_files(data))
        for entity, res in report.results.items():
            click.echo(f"  {entity:<13} {res.received:>7,} rows  ({res.created:,} new)")
        click.echo("Refreshing the community map (skipped if nothing changed) ...")
        result = run_refresh(database, RefreshParams(), if_changed=True)
        print_summary(database, result)
    finally:
        database.close()
    bind = bind or os.environ.get("CM_BIND", "127.0.0.1:8000")
    if no_serve:
        print_urls(settings, bind)
        return
    ctx = click.get_current_context()
    ctx.invoke(serve, bind=bind, workers=None)


def add_ops_commands() -> None:
    """forget, backup and restore (service/ops_cli.py)."""
    from .ops_cli import COMMANDS

    for command in COMMANDS:
        main.add_command(command)


add_ops_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
