"""The refresh pipeline: claim a run, run every stage in order, switch or fail, prune.

``run_refresh`` is the one entry point (CLI, scheduler, worker, tests, benchmarks). The
stages, in the order :func:`run_stages` shows them, each pass a typed result to the next:

    inputs (background reads: pair list, previous run, topics, influence inputs)
    project ─▶ undirected ─▶ communities ─▶ pagerank    (GDS)
    edges: EngagementGraph + GDS answers ─▶ Detection
      └▶ metrics: Ranked ─▶ CommunityResult ─▶ write ─▶ influence: InfluenceResult ─▶ seeds
                    │                └▶ (background, GDS) CELF searches ───────────┘
                    └▶ (background) memberships written ─┘
    release (the projection dropped, the background reads ended)
    switch (runs.finish_run: succeeded + serving pointer + lock released, one transaction)
    prune (older runs' results beyond the retention; housekeeping, timed in the returned
           result only, since the run is recorded before it)

Python's cyclic garbage collector is paused while the run lasts (:mod:`service.collector`).

The projection lives until the seeds stage is done (each relationship type is released
as soon as no later stage needs it) and is dropped whatever happens. A failure anywhere
deletes the run's partial results and records it as failed; the previous run keeps
serving. The lock's heartbeat renews it while the run lasts and every
stage boundary checks it is still ours.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import Any

from .. import collector
from ..db import Database
from ..timing import Clock
from . import communities, influence, inputs, leaders, projection, runs, seeds, write
from .params import RefreshParams
from .runs import RunResult

log = logging.getLogger(__name__)


def run_refresh(database: Database, params: RefreshParams, run_id: str | None = None,
                if_changed: bool = False) -> RunResult:
    """Run a whole refresh; returns its result (also recorded as a RefreshRun).

    ``run_id`` adopts a run the API queued; ``if_changed`` records a skipped run (and does
    nothing else) when neither data nor parameters changed since the serving run."""
    queued = run_id is not None
    run_id = run_id or runs.new_run_id()
    if if_changed and not queued:
        serving = runs.unchanged_since_serving(database, params)
        if serving:
            runs.create_run(database, run_id, "skipped", params, runs.data_version(database))
            return RunResult(run_id, "skipped",
                             metrics={"reason": f"no data changed since run {serving}"})
    runs.claim_run(database, params, run_id, queued)
    result = RunResult(run_id, "running")
    with collector.paused(), runs.Heartbeat(database, run_id) as beat:
        clock = Clock(after_stage=beat.check)
        result.timings = clock.timings
        try:
            result.metrics = run_stages(database, params, run_id, clock)
            beat.confirm()
            with clock.stage("switch", check=False):  # after the switch the run stands
                runs.finish_run(database, result)
            result.status = "succeeded"
        except Exception as exc:
            log.exception("refresh %s failed", run_id)
            result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"
            record_failure(database, result)
    if result.status == "succeeded":  # after the run is recorded: timed, not stored
        with Clock(timings=result.timings).stage("prune", check=False):
            prune_quietly(database, params.retention)
    return result


def run_stages(database: Database, params: RefreshParams, run_id: str,
               clock: Clock) -> dict[str, Any]:
    """Every stage in order; returns the run's metrics."""
    with ExitStack() as stack:
        # the reads that need no GDS (pair list, previous run, topics, influence inputs)
        # run in the background from now on, beside the GDS stages
        reads = inputs.start_inputs(database, params, projection.window_start(params))
        stack.callback(reads.close)
        with clock.stage("project"):
            graph = stack.enter_context(projection.projected(database, run_id, params))
        with clock.stage("undirected"):
            undirected = projection.to_undirected(database, graph)
        with clock.stage("communities"):
            found = communities.run_algorithm(database, graph, params, undirected)
            projection.release(database, graph, "ENGAGES_U")
        with clock.stage("pagerank"):
            ranks = communities.run_pagerank(database, graph, params)
            if params.influence:  # INFLUENCES stays for the seeds stage
                projection.release(database, graph, "ENGAGES")
        with clock.stage("edges"):  # what is left of the background read of the pairs
            pairs = reads.take("graph")
            detection = communities.detection_of(found, ranks, pairs)
        with clock.stage("metrics"):
            ranked = leaders.rank(database, params, run_id, detection,
                                  reads.take("previous_members"))
            # the memberships need only the ranking: the server writes them from now on
            members = stack.enter_context(write.MembershipWrite(database, ranked))
            counts = inputs.topic_counts(reads, pairs, params)
            mapped = leaders.build_results(database, params, ranked, counts)
            search = None
            if params.influence:  # CELF needs only the communities and topics: it runs
                # on the server from now on, beside the write and influence stages
                search = stack.enter_context(seeds.started(database, params, run_id, mapped,
                                                           counts, graph))
        with clock.stage("write"):  # what is left of the memberships, then the rest
            members.wait()
            write.write_results(database, run_id, mapped)
        metrics = {**mapped.metrics, "projection": graph.summary()}
        if search is not None:
            with clock.stage("influence"):
                found_influence = influence.run_influence(database, run_id, mapped, counts,
                                                          pairs, reads)
            metrics["influence"] = found_influence.metrics
            with clock.stage("seeds"):  # waits for the CELF searches still running
                metrics["seeds"] = search.finish(found_influence)
        with clock.stage("release"):  # drop the projection, end the background reads
            stack.close()
    return metrics


def record_failure(database: Database, result: RunResult) -> None:
    """Delete a failed run's results and record the failure (the database may be the very
    thing that failed: then the lock simply expires)."""
    try:
        runs.fail_run(database, result)
    except Exception:  # noqa: BLE001 - report the run's own error, not this one
        log.exception("could not record the failure of %s", result.run_id)
        try:
            runs.release_lock(database, result.run_id)
        except Exception:  # noqa: BLE001 - the lock expires on its own
            log.exception("could not release the refresh lock")


def prune_quietly(database: Database, keep: int) -> None:
    """Prune old runs' results; a failure here never fails the run (housekeeping)."""
    try:
        runs.prune(database, keep)
    except Exception:  # noqa: BLE001 - pruning is housekeeping; the run stands
        log.exception("pruning old runs failed")
