"""``community-map refresh`` and ``scheduler``: run the pipeline now, or every interval.

Their options load through :class:`~service.refresh.params.RefreshParamsSchema`, the one
declaration of refresh parameters the API uses too: same defaults, bounds and messages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import click
import marshmallow as ma

from ..refresh.params import RefreshParams, describe_errors, load_params
from ..refresh.pipeline import run_refresh
from ..refresh.runs import RefreshConflict, RunResult, queued_params
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


def do_refresh(params: RefreshParams, if_changed: bool, run_id: str | None = None) -> int:
    """Run one refresh and print its outcome; returns the exit code."""
    try:
        with connected() as database:
            database.apply_schema()
            if run_id:
                params = queued_params(database, run_id)
            result = run_refresh(database, params, run_id=run_id, if_changed=if_changed)
    except RefreshConflict as exc:
        click.echo(f"refresh not started: {exc}", err=True)
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
@click.option("--run-id", default=None, hidden=True, help="Adopt a run queued by the API.")
def refresh(if_changed: bool, run_id: str | None, **opts: Any) -> None:
    """Run the refresh pipeline: GDS communities, leaders, brokers → a new run.

    Exit codes: 0 succeeded or skipped; 1 the run failed (the previous run keeps
    serving); 2 bad options; 3 Neo4j unreachable; 5 another refresh is running.
    """
    raise SystemExit(do_refresh(params_from(opts), if_changed, run_id))


@click.command()
@refresh_options
@click.option("--every", default="1h", show_default=True, help="Interval: 90s, 15m, 1h, 1d.")
def scheduler(every: str, **opts: Any) -> None:
    """Run `refresh --if-changed` now and then every interval, until stopped."""
    seconds = parse_interval(every)
    params = params_from(opts)
    while True:
        code = do_refresh(params, if_changed=True)
        click.echo(f"next refresh in {every} (last exit code {code})")
        time.sleep(seconds)


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
