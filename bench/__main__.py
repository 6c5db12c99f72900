"""Run every benchmark: ``python -m bench``."""

from __future__ import annotations

from . import ingest, quality, refresh

ingest.main()
# refresh reuses the graph the ingest benchmark imported last; quality wipes the database
refresh.main()
quality.main()
