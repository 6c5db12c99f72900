# Community Map API image: one image serves the API (default CMD) and runs the CLI
# (`community-map schema apply`, `community-map scheduler ...`) in docker-compose.yml.
# The map page's JavaScript (issue 12): `npm ci` from the committed lock file (pinned,
# integrity-checked), in its own stage so the API image carries no Node toolchain.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Unprivileged runtime user; the code under /app stays root-owned and read-only to it.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

# Dependencies first, read from pyproject.toml (runtime deps only, no dev/bench extras),
# so this layer is rebuilt only when pyproject.toml changes, not on every code edit.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY service/ service/
COPY gunicorn.conf.py ./
COPY web/ web/
COPY --from=web /web/node_modules web/node_modules

# Editable install on purpose: the code finds web/ and gunicorn.conf.py relative to the
# package (Path(__file__).parents[1]; the Cypher files are package data), so `service` must be imported from /app/service, not
# from a copy in site-packages. This still puts the `community-map` console script on PATH.
RUN pip install --no-deps -e . \
 && python -m compileall -q service

USER app

# In a container the API must listen on all interfaces (the app default is loopback).
ENV CM_BIND=0.0.0.0:8000
EXPOSE 8000

# Liveness only (/healthz); readiness of Neo4j + GDS is /readyz. slim has no curl, so
# use the standard library; follows the port in CM_BIND if that is overridden.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('CM_BIND', '0.0.0.0:8000').rsplit(':', 1)[-1]; urllib.request.urlopen('http://127.0.0.1:' + port + '/healthz', timeout=4)"]

# gunicorn runs as PID 1 and handles SIGTERM itself (graceful shutdown).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "service.wsgi:app"]
