"""``community-map neo4j ...`` and ``schema apply``: the local server and the schema."""

from __future__ import annotations

import click

from .. import neo4j_local
from ..settings import Settings
from .common import EXIT_FAILED, EXIT_NOT_RUNNING, CliError, connected, get_settings


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
        raise CliError(str(exc)) from exc
    state = "started" if started else "already running"
    click.echo(f"Neo4j {info['neo4j']} ({info['edition']}) + GDS {info['gds']} {state}")
    click.echo(f"  Bolt:    {local.bolt_uri}")
    click.echo(f"  Browser: {local.browser_url}")


@click.group()
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
        raise CliError(str(exc)) from exc


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
        raise CliError(str(exc), EXIT_FAILED) from exc
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
        raise CliError(f"Neo4j (pid {pid}) is running but does not answer: {exc}",
                       EXIT_NOT_RUNNING) from exc
    click.echo(f"Neo4j:   {info['neo4j']} ({info['edition']})")
    click.echo(f"GDS:     {info['gds']}")
    click.echo(f"Bolt:    {local.bolt_uri}")
    click.echo(f"HTTP:    {local.http_url}  (Browser {local.browser_url})")
    click.echo(f"Data:    {local.data_dir}")
    click.echo(f"Logs:    {local.logs_dir}")
    click.echo(f"PID:     {pid}")


def external_status(settings: Settings) -> int:
    """Status of the server NEO4J_URI names (the local one is not in use)."""
    try:
        with connected(settings) as database:
            info = database.probe()
    except Exception as exc:  # noqa: BLE001 - report any failure to answer
        click.echo(f"Neo4j at {settings.neo4j_uri} (NEO4J_URI) does not answer: {exc}", err=True)
        return EXIT_NOT_RUNNING
    click.echo(f"Neo4j:   {info['neo4j']} ({info['edition']}) at {settings.neo4j_uri} "
               "(NEO4J_URI; the local server is not used)")
    click.echo(f"GDS:     {info['gds']}")
    return 0


@click.group()
def schema() -> None:
    """Constraints and indexes."""


@schema.command("apply")
def schema_apply() -> None:
    """Create the constraints and indexes in cypher/schema (safe to repeat)."""
    with connected() as database:
        for name in database.apply_schema():
            click.echo(f"applied {name}")
