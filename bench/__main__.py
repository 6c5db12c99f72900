"""Run every benchmark: ``python -m bench``."""

from __future__ import annotations

from . import ingest

ingest.main()
