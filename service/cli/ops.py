"""``community-map forget``, ``backup`` and ``restore``: delete one account, dump, load.

Exit codes as for the rest of the CLI, plus 6: nothing to forget (no such account:
already deleted or never stored).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from .common import EXIT_NOTHING_TO_FORGET, CliError, connected, get_settings


@click.command()
@click.option("--id", "account_id", required=True, help="The account to delete everywhere.")
@click.option("--by", default=None,
              help="Who asks (recorded with the deletion); default cli:<OS user>.")
def forget(account_id: str, by: str | None) -> None:
    """Delete an account, its follows, interactions, posts and adoptions, and its results in
    every retained run; seed sets, leader lists and early-adopter lists lose its entries.

    The deletion is recorded in Neo4j (who and when, not which account). Community sizes
    of existing runs still count it until the next refresh. Exit 6 when there is nothing
    to delete."""
    from ..forget import NothingToForget, forget_account

    with connected() as database:
        try:
            done = forget_account(database, account_id, by or f"cli:{getpass.getuser()}")
        except NothingToForget as exc:
            raise CliError(f"no account {account_id!r} (never stored, or already deleted)",
                           EXIT_NOTHING_TO_FORGET) from exc
    click.echo(json.dumps(done.as_dict(), indent=2))


@click.command()
@click.option("--to", "folder", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the backup.")
@click.option("--force", is_flag=True, help="Replace a backup already in the folder.")
def backup(folder: Path, force: bool) -> None:
    """Dump the local database and a manifest into a folder (stops and restarts Neo4j).

    For a remote or Enterprise server use its own online backup (README, 'Backups')."""
    from ..backup import BackupError
    from ..backup import backup as run_backup

    try:
        manifest = run_backup(get_settings(), folder, force, click.echo)
    except (BackupError, RuntimeError) as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"Backup in {folder}: {manifest.nodes:,} nodes, {manifest.relationships:,} "
               f"relationships, serving run {manifest.serving_run}, {manifest.bytes:,} bytes "
               f"(sha256 {manifest.sha256[:12]}...).")


@click.command()
@click.option("--from", "folder", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder written by `community-map backup`.")
@click.option("--yes", is_flag=True, help="Replace the current database without asking.")
def restore(folder: Path, yes: bool) -> None:
    """Replace the local database with a backup (stops and restarts Neo4j), then check that
    its node and relationship counts and serving run are the backup's."""
    from ..backup import BackupError, read_manifest
    from ..backup import restore as run_restore

    settings = get_settings()
    try:
        manifest = read_manifest(folder)
        if not yes:
            click.confirm(f"Replace database {manifest.database!r} of the local Neo4j "
                          f"({settings.local.instance}) with the backup of "
                          f"{manifest.created_at}?", abort=True)
        run_restore(settings, folder, click.echo)
    except (BackupError, RuntimeError) as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"Restored {manifest.nodes:,} nodes and {manifest.relationships:,} "
               f"relationships; serving run {manifest.serving_run}.")


COMMANDS = (forget, backup, restore)
