"""``community-map refresh``, ``worker`` and ``scheduler``: run the pipeline now, run the
queued refreshes, or queue one every interval.

Their options load through :class:`~service.refresh.params.RefreshParamsSchema`, the one
declaration of refresh parameters the API uses too: same defaults, bounds and messages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click
import marshmallow as ma

from ..db import Database
from ..refresh.params import RefreshParams, describe_errors, load_params
from ..refresh.pipeline import run_refresh
from ..refresh.runs import (
    RefreshConflict,
    RunResult,
    create_run,
    data_version,
    enqueue_refresh,
    new_run_id,
    unchanged_since_serving,
)
from ..vocabulary import ALGORITHMS
from .common import EXIT_CONFLICT, EXIT_FAILED, EXIT_USAGE, CliError, connected

F = TypeVar("F", bound=Callable[..., Any])
D = RefreshParams()  # defaults, shown in --help (the schema applies them)

# option -> (schema field, click option arguments)
OPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "--algorithm": ("algorithm", {"type": click.Choice(ALGORITHMS),
                                  "help": f"[default: {D.algorithm}]"}),
    "--resolution": ("resolution", {"type": float, "help": "Leiden gamma: higher gives more, "
                                    f"smaller communities. [default: {D.resolution}]"}),
    "--min-size": ("min_community_size", {"type": int, "help": "Smaller groups are reported "
                                          f"as unclustered. [default: {D.min_community_size}]"}),
    "--window-days": ("window_days", {"type": int, "help": "Only interactions from the last "
                                      "N days (default: all)."}),
    "--follow-weight": ("follow_weight", {"type": float,
                                          "help": f"[default: {D.follow_weight}]"}),
    "--seed": ("random_seed", {"type": int, "help": f"[default: {D.random_seed}]"}),
    "--retention": ("retention", {"type": int, "help": "Succeeded runs whose results are "
                                  f"kept. [default: {D.retention}]"}),
    "--influence/--no-influence": ("influence", {"help": "--no-influence: communities and "
                                                 "leaders only (no influence metrics or seed "
                                                 "sets; about 3x faster). [default: on]"}),
    "--leiden-trials": ("leiden_trials", {"type": int, "help": "Leiden runs (seeds --seed, "
                                          "+1, ...), the best modularity kept. [default: by "
                                          "graph size, 20 on small graphs to 1 on large]"}),
    "--seed-topics": ("seed_topics", {"type": int, "help": "Topics (most engagement first) "
                                      f"that get a seed set. [default: {D.seed_topics}]"}),
}


def refresh_options(func: F) -> F:
    """The refresh parameters as options (unset ones take the schema's defaults)."""
    for flag, (name, kwargs) in reversed(OPTIONS.items()):
        func = click.option(flag, name, default=None, **kwargs)(func)
    return func


def params_from(opts: dict[str, Any]) -> RefreshParams:
    """RefreshParams from the options given; bad values exit 2 with the API's message."""
    given = {name: opts[name] for name, _ in OPTIONS.values() if opts.get(name) is not None}
    try:
        return load_params(given)
    except ma.ValidationError as exc:
        raise CliError("validation failed: " + describe_errors(exc.messages),
                       EXIT_USAGE) from exc


def do_refresh(params: RefreshParams, if_changed: bool, queue: bool = False) -> int:
    """Run one refresh here (or, with ``queue``, queue it for a worker unless nothing
    changed) and print its outcome; returns the exit code."""
    try:
        with connected() as database:
            database.apply_schema()
            result = (queue_or_skip(database, params) if queue
                      else run_refresh(database, params, if_changed=if_changed))
    except RefreshConflict as exc:
        click.echo(f"refresh not {'queued' if queue else 'started'}: {exc}", err=True)
        return EXIT_CONFLICT
    except CliError as exc:
        exc.show()
        return exc.exit_code
    return print_outcome(result)


def print_outcome(result: RunResult) -> int:
    """One line on what the run did (and its stage timings); returns the exit code."""
    if result.status == "skipped":
        click.echo(f"run {result.run_id} skipped: {result.metrics['reason']}")
        return 0
    if result.status == "queued":
        click.echo(f"run {result.run_id} queued for a worker")
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


@click.command()
@refresh_options
@click.option("--if-changed", is_flag=True,
              help="Skip (exit 0, and say so) when no data changed since the last run.")
def refresh(if_changed: bool, **opts: Any) -> None:
    """Run the refresh pipeline here and now: GDS communities, leaders, brokers → a new run.

    Takes the same lock as the workers (never two refreshes at once). Exit codes: 0
    succeeded or skipped; 1 the run failed (the previous run keeps serving); 2 bad options;
    3 Neo4j unreachable; 5 another refresh is queued or running.
    """
    raise SystemExit(do_refresh(params_from(opts), if_changed))


@click.command()
@click.option("--once", is_flag=True,
              help="Run the queued refresh if there is one, then exit (cron, scripts).")
def worker(once: bool) -> None:
    """Run the refreshes that POST /v1/refresh and the scheduler queue, one at a time.

    Start one or more, anywhere that reaches Neo4j (and CM_GDS_URI): they coordinate
    through the refresh lock in Neo4j, so two refreshes never run at once. Each worker
    heartbeats in Neo4j; /readyz and GET /v1/runs/<id> say whether one is alive.

    SIGTERM/SIGINT: finish the current run, then exit; a second signal stops the run at
    once (recorded as failed, the lock released). A worker killed outright (SIGKILL, OOM,
    lost machine): its run is failed as abandoned when its lock expires
    (CM_REFRESH_LOCK_TTL, default 90 s) and the next queued run goes ahead.

    Exit codes: 0 stopped; 2 bad configuration; 3 Neo4j refused the credentials.
    """
    from ..worker import Worker

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s [worker] %(levelname)s %(name)s: %(message)s")
    with connected() as database:
        Worker(database, once=once).run()


@click.command()
@refresh_options
@click.option("--every", default="1h", show_default=True, help="Interval: 90s, 15m, 1h, 1d.")
def scheduler(every: str, **opts: Any) -> None:
    """Queue a refresh for the workers now and every interval, until stopped.

    A tick records a skipped run when neither data nor parameters changed since the serving
    run, and does nothing while a refresh is queued or running. `community-map worker` runs
    what it queues."""
    seconds = parse_interval(every)
    params = params_from(opts)
    while True:
        code = do_refresh(params, if_changed=True, queue=True)
        click.echo(f"next refresh in {every} (last exit code {code})")
        time.sleep(seconds)


def queue_or_skip(database: Database, params: RefreshParams) -> RunResult:
    """A skipped run when neither data nor parameters changed since the serving run, else a
    run queued for a worker (RefreshConflict while another is queued or running)."""
    serving = unchanged_since_serving(database, params)
    if serving:
        run_id = new_run_id()
        create_run(database, run_id, "skipped", params, data_version(database))
        return RunResult(run_id, "skipped",
                         metrics={"reason": f"no data changed since run {serving}"})
    return RunResult(enqueue_refresh(database, params), "queued")


def parse_interval(text: str) -> int:
    """'90s' / '15m' / '1h' / '1d' → seconds; anything else exits 2."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        value = int(text[:-1]) * units[text[-1]]
    except (KeyError, ValueError, IndexError):
        value = 0
    if value <= 0:
        raise CliError(f"bad interval {text!r} (use e.g. 90s, 15m, 1h, 1d)", EXIT_USAGE)
    return value
