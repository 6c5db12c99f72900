"""``community-map load`` and ``import``: bulk files into Neo4j (online, or neo4j-admin)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import bulk, importer, neo4j_local
from ..bulk import LoadReport
from ..db import Database
from ..vocabulary import ENTITIES
from .common import EXIT_FAILED, EXIT_STRICT_REJECTED, EXIT_USAGE, CliError, connected, get_settings

F = TypeVar("F", bound=Callable[..., Any])
MAX_SHOWN = 50  # bad rows listed by --strict


def collect_files(folder: Path | None, given: dict[str, Path | None]) -> dict[str, Path]:
    """Files by entity: those named explicitly win over those found in --dir."""
    files = bulk.find_files(folder) if folder else {}
    files.update({k: v for k, v in given.items() if v is not None})
    if not files:
        raise CliError("no input files (use --dir or --accounts/--follows/...)", EXIT_USAGE)
    return files


def file_options(func: F) -> F:
    """One ``--<entity> FILE`` option per entity."""
    for entity in reversed(ENTITIES):
        func = click.option(f"--{entity}", type=click.Path(exists=True, dir_okay=False,
                                                           path_type=Path),
                            help=f"{entity} file (.csv or .jsonl)")(func)
    return func


def report_rejects(rejects: list[bulk.Reject], path: Path) -> None:
    """Write rejected rows to ``path`` and exit 1 saying so."""
    if rejects:
        bulk.write_rejects(rejects, path)
        raise CliError(f"{len(rejects)} row(s) rejected; see {path}", EXIT_FAILED)


def check_strict(files: dict[str, Path]) -> None:
    """--strict: list bad rows and exit 4 before anything is written."""
    bad = bulk.check_files(files)
    if not bad:
        return
    for r in bad[:MAX_SHOWN]:
        click.echo(f"{r.file}:{r.line}: {r.reason}", err=True)
    if len(bad) > MAX_SHOWN:
        click.echo(f"... and {len(bad) - MAX_SHOWN} more", err=True)
    raise CliError(f"--strict: {len(bad)} bad row(s); nothing was written",
                   EXIT_STRICT_REJECTED)


@click.command()
@click.option("--dir", "folder", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder holding accounts.csv, follows.csv, ... (or .jsonl).")
@file_options
@click.option("--strict", is_flag=True,
              help="Validate everything first; write nothing if any row is bad (exit 4).")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("rejects.csv"), show_default=True,
              help="Where rejected rows and their reasons go (default mode).")
@click.option("--batch-size", type=click.IntRange(1, 50_000), default=10_000, show_default=True)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def load(folder: Path | None, strict: bool, rejects: Path, batch_size: int, quiet: bool,
         **given: Path | None) -> None:
    """Load CSV / JSON Lines files through the online (transactional) path.

    Exit codes: 0 everything loaded; 1 some rows rejected (the good rows are loaded and the
    bad ones listed in --rejects); 2 usage; 3 Neo4j unreachable; 4 --strict found bad rows
    and wrote nothing.
    """
    files = collect_files(folder, given)
    if strict:
        check_strict(files)
    with connected() as database:
        database.probe()
        database.apply_schema()
        report = run_load(database, files, batch_size, quiet)
    for entity, res in report.results.items():
        rate = report.rows_per_second(entity)
        click.echo(f"{entity:<13} received {res.received:>9,}  created {res.created:>9,}  "
                   f"updated {res.updated:>7,}  unchanged {res.unchanged:>9,}  placeholders "
                   f"{res.placeholders_created:>6,}  {rate:>9,.0f} rows/s")
    report_rejects(report.rejects, rejects)


def run_load(database: Database, files: dict[str, Path], batch_size: int,
             quiet: bool) -> LoadReport:
    """Load with a rich progress bar showing rows/s per entity."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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


@click.command("import")
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
    files = collect_files(folder, {})
    try:
        started = time.perf_counter()
        counts, bad, timings = importer.run_import(get_settings(), files, force=force)
        seconds = time.perf_counter() - started
    except (importer.ImportError_, neo4j_local.ProvisionError) as exc:
        raise CliError(str(exc)) from exc
    for entity, n in counts.items():
        click.echo(f"{entity:<13} {n:>9,}")
    click.echo("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
               + f" (wall clock {seconds:.1f} s: the server stops while files are prepared)")
    report_rejects(bad, rejects)
