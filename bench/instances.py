"""The local Neo4j instances the benchmarks run on, away from demo and test data."""

from __future__ import annotations

import os

from service.db import Database
from service.settings import Settings, load_settings

# "bench-ingest" ends holding the imported 100k graph (reads and influence reuse it);
# "bench" is shared by the refresh and quality benchmarks (quality wipes it);
# "bench-ranking" holds one generated graph at a time (bench.ranking wipes it).
# "scale" holds the largest graph bench.scale imported (10k, 100k or 1M accounts).
# "bench-small" holds one classic small graph at a time (bench.small_graphs wipes it).
PORTS = {"bench-ingest": (27688, 27475), "bench": (27687, 27474),
         "bench-ranking": (27689, 27476), "scale": (27690, 27477),
         "bench-small": (27691, 27478)}
# heap and page cache of instances that need less than the default (CM_NEO4J_HEAP and
# CM_NEO4J_PAGECACHE, when set, still win)
MEMORY = {"bench-small": ("1g", "256m")}


def instance_settings(name: str) -> Settings:
    """Settings for one benchmark instance (never an external NEO4J_URI)."""
    bolt, http = PORTS[name]
    env = dict(os.environ, CM_NEO4J_INSTANCE=name, CM_NEO4J_BOLT_PORT=str(bolt),
               CM_NEO4J_HTTP_PORT=str(http))
    env.pop("NEO4J_URI", None)
    if name in MEMORY:
        heap, pagecache = MEMORY[name]
        env.setdefault("CM_NEO4J_HEAP", heap)
        env.setdefault("CM_NEO4J_PAGECACHE", pagecache)
    return load_settings(env)


def wipe(database: Database) -> None:
    """Empty a benchmark database."""
    database.wipe()
