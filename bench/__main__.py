"""Run every benchmark: ``python -m bench``."""

from __future__ import annotations

from . import influence, ingest, load, quality, ranking, reads, refresh, small_graphs
from . import map as map_page

ingest.main()
reads.main()
load.main([])  # reads under 50 clients, on the graph reads.main() refreshed
map_page.main()  # the map page in chromium and the exports, same graph
influence.main()
# each benchmark has its own Neo4j instance ("bench-ingest" or "bench"); quality wipes "bench"
refresh.main()
quality.main()
ranking.main([])  # its own instance (bench-ranking): six demo seeds and the bench preset
small_graphs.main([])  # its own instance (bench-small), classic small graphs
# not here: python -m bench.scale (10k, 100k and 1M accounts; most of an hour)
