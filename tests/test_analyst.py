"""Every saved analyst query in cypher/analyst/ runs against the demo graph and answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import bulk
from service.cypher import library
from service.db import Database
from service.demo import PRESETS, generate
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh

from .conftest import wipe


@pytest.fixture(scope="module")
def demo_graph(database: Database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The bundled demo graph, loaded and refreshed twice (so there is history)."""
    wipe(database)
    folder = Path(tmp_path_factory.mktemp("demo"))
    generate(PRESETS["demo"], folder)
    report = bulk.load_all(database, bulk.find_files(folder))
    assert report.results["interactions"].created > 0
    first = run_refresh(database, RefreshParams())
    second = run_refresh(database, RefreshParams(resolution=1.1))
    assert first.status == second.status == "succeeded"
    with database.session() as session:
        top = session.run(
            "MATCH (p:CurrentRun) MATCH (c:Community {runId: p.runId}) "
            "WITH c ORDER BY c.size DESC LIMIT 2 "
            "MATCH (c)<-[m:MEMBER_OF {leaderRank: 1}]-(a) RETURN c.id AS c, a.id AS a"
        ).data()
    return {"communityA": top[0]["c"], "communityB": top[1]["c"], "communityId": top[0]["c"],
            "accountId": top[0]["a"], "limit": "5"}


@pytest.mark.parametrize("name", library().names("analyst/"))
def test_analyst_query_answers_on_the_demo_graph(
    name: str, demo_graph: dict[str, str], database: Database
) -> None:
    query = library()[name]
    params: dict[str, object] = {p: demo_graph[p] for p in query.params}
    if "limit" in params:
        params["limit"] = 5
    rows = database.fetch(name, **params)
    assert rows, f"{name} returned nothing on the demo graph"
    assert query.path.read_text().count("// usage:") == 1


def test_there_are_the_five_documented_analyst_queries() -> None:
    assert set(library().names("analyst/")) == {
        "analyst/leaders_of_largest_communities", "analyst/community_of_account",
        "analyst/brokers_between", "analyst/community_changes", "analyst/engagement_inside",
    }
