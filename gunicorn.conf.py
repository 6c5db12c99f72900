"""gunicorn settings for the Community Map API (every choice says why)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import gunicorn.http.wsgi
import gunicorn.util

# Loopback by default: put a reverse proxy (TLS, rate limits) in front for anything public.
bind = os.environ.get("CM_BIND", "127.0.0.1:8000")
# Requests only read precomputed results or write one bounded batch, so they are short and
# I/O bound: 2 workers (one per core) x 4 threads keeps both cores busy while some wait
# on Neo4j, and each worker has one driver with its own connection pool.
workers = int(os.environ.get("CM_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("CM_THREADS", "4"))
# No preload_app: each worker must create its own Neo4j driver after the fork.
preload_app = False
# A 10,000-row ingest batch takes ~1-2 s; 60 s leaves room for a slow database
# without letting a stuck request hold a worker forever.
timeout = 60
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound, but rarely: a
# recycle drops the worker's read cache and stalls the connections it held for the ~1-2 s
# a new worker takes to boot. At 5,000 requests a worker recycled every ~5 s under load
# (bench/load.py: /healthz p95 1.6 s); at 1,000,000, every ~10 min at 2,000 req/s.
# CM_MAX_REQUESTS=0 turns recycling off.
max_requests = int(os.environ.get("CM_MAX_REQUESTS", "1000000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("CM_LOG_LEVEL", "info")
# Bodies are capped by the app (CM_MAX_BODY_MB, 413); header limits stay at the defaults.

# The access log names the request id (the X-Request-ID response header: the client's, or
# one the app generated) and the time taken in microseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s" request_id=%({x-request-id}o)s'

# No server banner: gunicorn answers "Server: gunicorn" on every response; name nothing
# instead (tests/test_headers.py checks what a real gunicorn sends).
gunicorn.http.wsgi.SERVER = "community-map"


def write_json_error(sock, status_int, reason, mesg):  # gunicorn.util.write_error's signature
    """gunicorn's own refusals (request line or headers too large, malformed HTTP) in the
    app's one error shape instead of an HTML page: clients parse every error alike."""
    body = json.dumps({"code": status_int, "status": reason, "message": str(mesg)}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            "Content-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


gunicorn.util.write_error = write_json_error

# /metrics under several workers: prometheus-client's multiprocess mode. Every worker writes
# its counters to files in one folder, and a scrape of any worker sums them all. The folder
# is made fresh for this server (or, when PROMETHEUS_MULTIPROC_DIR is given, emptied at
# start) and removed at exit; a dead worker's live series are dropped by child_exit.
_own_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="community-map-metrics-")


def on_starting(server):  # gunicorn server hook
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def child_exit(server, worker):  # gunicorn server hook
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):  # gunicorn server hook
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)

# gunicorn's control socket (gunicornc) is not used; its default is one path per user, which
# every gunicorn on the machine (the demo, the tests, a second API process) would share.
control_socket_disable = True
