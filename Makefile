# Community Map: `make demo` runs the main job, `make test` runs the whole suite.
# Everything either needs is installed here: a virtualenv from pyproject.toml, and Neo4j +
# GDS provisioned from Maven Central by `community-map neo4j start` (cached after the first run).

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# the benchmarks' baselines (networkit, igraph, leidenalg, scikit-learn): `make bench*` only
BENCH_STAMP := $(VENV)/.bench-stamp
# the map page's JavaScript (sigma.js, graphology): pinned and integrity-checked by
# web/package-lock.json, installed by `npm ci` into web/node_modules (ignored by git)
WEB_STAMP := web/node_modules/.installed-stamp

.PHONY: demo test lint venv web browser wrk bench bench-ingest bench-load clean-neo4j

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

$(WEB_STAMP): web/package.json web/package-lock.json
	command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	cd web && npm ci --no-audit --no-fund --ignore-scripts
	touch $(WEB_STAMP)

venv: $(STAMP) $(WEB_STAMP)

web: $(WEB_STAMP)

## browser: Debian's chromium, which the map page tests drive through Playwright
## (Playwright never downloads a browser here)
browser:
	command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## wrk: Debian's HTTP load generator, which bench/load.py drives (reads under 50 clients)
wrk:
	command -v wrk >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

## demo: provision + start Neo4j, apply the schema, load the demo graph, start a refresh
## worker and refresh through it, serve the API, print the URLs and key
demo: $(STAMP) $(WEB_STAMP)
	$(BIN)/community-map demo

## lint: ruff and mypy
lint: $(STAMP)
	$(BIN)/ruff check service tests bench
	$(BIN)/mypy

## test: lint, then pytest against a real Neo4j + GDS (the suite starts its own 'test'
## instance on ports 17687/17474 unless NEO4J_URI is set, and stops it if it started it)
test: lint $(WEB_STAMP) browser
	$(BIN)/python -m pytest -q

## bench: every benchmark (writes bench/RESULTS.md); bench-ingest: only the ingest one;
## bench-load: only reads under load (on the graph bench-ingest left)
bench: $(BENCH_STAMP) wrk
	$(BIN)/python -m bench

bench-ingest: $(BENCH_STAMP)
	$(BIN)/python -m bench.ingest

bench-load: $(BENCH_STAMP) wrk
	$(BIN)/python -m bench.load

clean-neo4j:
	$(BIN)/community-map neo4j stop || true
	rm -rf neo4j-local/home
