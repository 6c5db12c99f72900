"""gunicorn settings for the Community Map API (every choice says why)."""

import os

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
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("CM_LOG_LEVEL", "info")
# Bodies are capped by the app (CM_MAX_BODY_MB, 413); header limits stay at the defaults.
