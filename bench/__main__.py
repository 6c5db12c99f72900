"""Run every benchmark: ``python -m bench``."""

from __future__ import annotations

from . import influence, ingest, load, quality, ranking, reads, refresh, small_graphs

ingest.main()
reads.main()
load.main([])  # reads under 50 clients, on the graph reads.main() refreshed
influence.main()
# each benchmark has its own Neo4j instance ("bench-ingest" or "bench"); quality wipes "bench"
refresh.main()
quality.main()
ranking.main([])  # its own instance (bench-ranking), demo preset graphs
small_graphs.main([])  # its own instance (bench-small), classic small graphs
