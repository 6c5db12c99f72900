"""A small generated social graph, loaded and refreshed twice: the map page's and exports' data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service import bulk
from service.db import Database
from service.demo import GraphSpec, generate
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh

from .conftest import wipe

# five planted communities with topics, posts, calls to action and adoptions: every
# panel of the map page has something to show; loads and refreshes in seconds
SMALL = GraphSpec(accounts=600, follows=4000, interactions=6000, posts=300, adoptions=250,
                  communities=5, seed=7)


def load_small_map(database: Database, folder: Path) -> dict[str, Any]:
    """Wipe, load the small graph and refresh twice (the second run serves)."""
    wipe(database)
    generate(SMALL, folder)
    bulk.load_all(database, bulk.find_files(folder))
    first = run_refresh(database, RefreshParams(seed_topics=5))
    second = run_refresh(database, RefreshParams(seed_topics=5, resolution=1.05))
    assert first.status == second.status == "succeeded", (first.error, second.error)
    return {"first": first.run_id, "second": second.run_id}
