"""Prometheus metrics for ``GET /metrics``: requests, ingest rows and refresh runs.

Request and ingest counters live in the API process. Under gunicorn every worker is its
own process, so ``gunicorn.conf.py`` points prometheus-client's multiprocess mode at a
fresh temporary folder (``PROMETHEUS_MULTIPROC_DIR``) and a scrape of any worker sums all
of them; without that variable (tests, a single process) the process's own registry is
served. Refresh metrics are not counted here at all: they are read from the
``RefreshRun`` records in Neo4j at scrape time, so every API process (and every API node)
reports the same numbers, whichever process ran the refresh.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from .db import Database
from .refresh.runs import queue_state

log = logging.getLogger(__name__)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
RUN_STATUSES = ("queued", "running", "succeeded", "failed", "skipped")
FINISHED = ("succeeded", "failed", "skipped")
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """The process's request and ingest metrics."""

    def __init__(self, multiprocess_dir: str | None):
        self.multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "cm_http_requests", "HTTP requests answered, by method, route rule and status",
            ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "cm_http_request_duration_seconds",
            "Time to answer, by method, route rule and status",
            ["method", "route", "status"], buckets=BUCKETS, registry=self.registry)
        self.ingest_rows = Counter(
            "cm_ingest_rows", "Rows received by the ingest API, by entity and what they did "
            "(created, updated, unchanged)", ["entity", "result"], registry=self.registry)
        self.placeholders = Counter(
            "cm_ingest_placeholders_created", "Placeholder accounts created by ingest requests",
            ["entity"], registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def count_ingest(self, entity: str, counts: dict[str, int]) -> None:
        """Count the rows of one successful ingest request."""
        for result in ("created", "updated", "unchanged"):
            if counts.get(result):
                self.ingest_rows.labels(entity, result).inc(counts[result])
        if counts.get("placeholders_created"):
            self.placeholders.labels(entity).inc(counts["placeholders_created"])

    def exposition(self, database: Database) -> bytes:
        """Everything in the Prometheus text format (this process, or all workers)."""
        registry = CollectorRegistry(auto_describe=False)
        if self.multiprocess_dir:
            MultiProcessCollector(registry, path=self.multiprocess_dir)
        else:
            registry.register(self.registry)
        registry.register(RunsCollector(database))
        return generate_latest(registry)


class RunsCollector:
    """Refresh metrics read from Neo4j at scrape time."""

    def __init__(self, database: Database):
        self.database = database

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("cm_neo4j_up", "1 when Neo4j answered this scrape's query")
        try:
            row = self.database.fetch("runs/metrics")[0]
            queue = queue_state(self.database)
        except Exception as exc:  # noqa: BLE001 - a scrape must answer even when Neo4j is down
            log.warning("metrics: could not read refresh runs: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "cm_refresh_workers_alive",
            "Refresh workers that heartbeat within CM_REFRESH_LOCK_TTL (Neo4j's view)",
            value=queue["workersAlive"])
        yield from run_metrics(row)


def run_metrics(row: dict[str, Any]) -> Iterator[Metric]:
    """Metric families from the runs/metrics query's row."""
    by_status = {s["status"]: s["runs"] for s in row["statuses"] if s["status"]}
    finished = CounterMetricFamily(
        "cm_refresh_runs", "Finished refresh runs recorded in Neo4j, by outcome",
        labels=["outcome"])
    for status in FINISHED:
        finished.add_metric([status], by_status.get(status, 0))
    yield finished
    open_runs = GaugeMetricFamily(
        "cm_refresh_runs_open", "Refresh runs queued or running now", labels=["status"])
    for status in ("queued", "running"):
        open_runs.add_metric([status], by_status.get(status, 0))
    yield open_runs
    if row["runId"] is None:
        return  # no successful run yet: the "last success" series are absent
    stages = GaugeMetricFamily(
        "cm_refresh_last_success_stage_seconds",
        "Seconds each stage took in the latest succeeded refresh", labels=["stage"])
    timings = json.loads(row["timings"] or "{}")
    for stage, seconds in timings.items():
        if isinstance(seconds, int | float):
            stages.add_metric([stage], float(seconds))
    yield stages
    yield GaugeMetricFamily(
        "cm_refresh_last_success_duration_seconds",
        "Seconds the latest succeeded refresh took (sum of its stages)",
        value=sum(v for v in timings.values() if isinstance(v, int | float)))
    yield GaugeMetricFamily(
        "cm_refresh_last_success_timestamp_seconds",
        "Unix time the latest succeeded refresh finished", value=row["finishedAt"])
    yield GaugeMetricFamily(
        "cm_refresh_seconds_since_last_success",
        "Seconds since the latest succeeded refresh finished (Neo4j's clock)",
        value=max(0.0, row["now"] - row["finishedAt"]))


def init_app(app: Flask) -> None:
    """Create the process's metrics and time every request."""
    disable_created_metrics()  # *_created series only double the output
    metrics = Metrics(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None)
    app.extensions["cm_metrics"] = metrics

    @app.before_request
    def start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.get("started")
        if started is not None:
            route = request.url_rule.rule if request.url_rule else "unmatched"
            metrics.observe(request.method, route, response.status_code,
                            time.perf_counter() - started)
        return response


def current() -> Metrics:
    """The app's metrics."""
    return current_app.extensions["cm_metrics"]
