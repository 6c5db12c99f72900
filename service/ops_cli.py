"""Operations commands of ``community-map``: forget an account, back up and restore.

They are plain click commands; ``service/cli.py`` adds them to its ``main`` group. Exit
codes as for the rest of the CLI: 0 done; 1 failed; 2 bad usage or configuration; 3 Neo4j
unreachable; 6 nothing to forget (no such account: already deleted or never stored).
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

import click

from .settings import Settings, SettingsError, load_settings

EXIT_NOTHING_TO_FORGET = 6


class Failed(click.ClickException):
    """The operation failed (exit 1); the message says why."""

    exit_code = 1


class Unreachable(click.ClickException):
    """Neo4j could not be reached (exit 3)."""

    exit_code = 3


def settings_from_env() -> Settings:
    """Settings from the process environment; a bad configuration is a usage error (2)."""
    try:
        return load_settings(os.environ)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc


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
    from neo4j.exceptions import AuthError, ServiceUnavailable

    from .db import Database
    from .forget import NothingToForget, forget_account

    database = Database(settings_from_env())
    try:
        done = forget_account(database, account_id, by or f"cli:{getpass.getuser()}")
    except NothingToForget as exc:
        click.echo(f"no account {account_id!r} (never stored, or already deleted)", err=True)
        raise SystemExit(EXIT_NOTHING_TO_FORGET) from exc
    except (ServiceUnavailable, AuthError) as exc:
        raise Unreachable(f"Neo4j is unreachable or refused us: {exc}") from exc
    finally:
        database.close()
    click.echo(json.dumps(done.as_dict(), indent=2))


@click.command()
@click.option("--to", "folder", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the backup.")
@click.option("--force", is_flag=True, help="Replace a backup already in the folder.")
def backup(folder: Path, force: bool) -> None:
    """Dump the local database and a manifest into a folder (stops and restarts Neo4j).

    For a remote or Enterprise server use its own online backup (README, 'Backups')."""
    from .backup import BackupError
    from .backup import backup as run_backup

    try:
        manifest = run_backup(settings_from_env(), folder, force, click.echo)
    except (BackupError, RuntimeError) as exc:
        raise Failed(str(exc)) from exc
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
    from .backup import BackupError, read_manifest
    from .backup import restore as run_restore

    settings = settings_from_env()
    try:
        manifest = read_manifest(folder)
        if not yes:
            click.confirm(f"Replace database {manifest.database!r} of the local Neo4j "
                          f"({settings.local.instance}) with the backup of "
                          f"{manifest.created_at}?", abort=True)
        run_restore(settings, folder, click.echo)
    except (BackupError, RuntimeError) as exc:
        raise Failed(str(exc)) from exc
    click.echo(f"Restored {manifest.nodes:,} nodes and {manifest.relationships:,} "
               f"relationships; serving run {manifest.serving_run}.")


COMMANDS = (forget, backup, restore)
