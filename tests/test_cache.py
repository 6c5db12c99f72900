"""Read cache (service/api/cache.py) against the real Neo4j + GDS: hits without queries,
invalidation by a switch in this process (at once) and in another (within CM_CACHE_TTL),
ETags and 304s, errors never stored, keys per role and query, bounded memory.

Each test builds its own app, so its cache and counters start empty. A query the test
runs through a bare driver session stands in for another process: it does not pass
through :class:`service.db.Database`, so this process's write counter does not see it.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.api.cache import Epoch, ReadCache, entry_of
from service.cypher import query
from service.db import Database
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.refresh.runs import current_run
from service.settings import Settings, SettingsError, load_settings

from .conftest import auth, suite_env, wipe
from .test_read_api import community_of, load_graph


@dataclass(frozen=True)
class World:
    """The fixture graph refreshed twice: ``first`` kept, ``second`` serving."""

    first: str
    second: str
    tea: str


_built: dict[str, World] = {}


@pytest.fixture
def world(database: Database) -> World:
    """Built once per module; the second run is switched back in when a test moved it."""
    built = _built.get("world")
    kept = built and database.fetch("export/retained_run", runId=built.second)
    if built is None or not kept:
        wipe(database)
        load_graph(database)
        first = run_refresh(database, RefreshParams(min_community_size=3))
        second = run_refresh(database, RefreshParams(min_community_size=3))
        assert first.status == second.status == "succeeded", (first.error, second.error)
        built = World(first.run_id, second.run_id,
                      community_of(database, second.run_id, "t0"))
        _built["world"] = built
    if current_run(database)["runId"] != built.second:
        switch(database, built.second, through_database=True)
    return built


def switch(database: Database, run_id: str, through_database: bool = False) -> None:
    """Make run_id serve with the pipeline's own switch query (runs/finish_run)."""
    run = database.fetch("runs/get_run", runId=run_id)[0]["run"]
    params = {"runId": run_id, "timings": run["timings"], "metrics": run["metrics"]}
    # the switch happens only for a running run holding the lock: make it one again
    with database.session() as session:
        session.run(query("runs/acquire_lock").text, runId=run_id, ttl=60).consume()
        session.run("MATCH (r:RefreshRun {id: $runId}) SET r.status = 'running'",
                    runId=run_id).consume()
    if through_database:
        database.execute("runs/finish_run", **params)
        return
    with database.session() as session:  # another process: this one's counter stays put
        session.run(query("runs/finish_run").text, params).consume()


def make_app(settings: Settings, **cache: Any) -> Flask:
    """A new app (its own cache), with CM_CACHE_* overridden as ``cache_ttl=`` etc."""
    app = create_app(settings=dataclasses.replace(settings, **cache))
    app.config["TESTING"] = True
    return app


def stats(app: Flask) -> dict[str, int]:
    return dataclasses.asdict(app.extensions["cm_cache"].stats)


class Clock:
    """A hand-moved monotonic clock for the cache's TTL."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def clocked(settings: Settings) -> tuple[Flask, FlaskClient, Clock]:
    """A new app whose cache reads the serving run every second of a hand-moved clock."""
    app = make_app(settings, cache_ttl=1.0)
    clock = app.extensions["cm_cache"].clock = Clock()
    return app, app.test_client(), clock


def queries_of(app: Flask) -> list[str]:
    """Names of the queries the app's Database runs from now on (the real ones still run)."""
    names: list[str] = []
    database = app.extensions["cm_db"]
    real = database.fetch

    def counting(name: str, **params: Any) -> list[dict[str, Any]]:
        names.append(name)
        return real(name, **params)

    database.fetch = counting
    return names


def read(client: FlaskClient, url: str, role: str = "read", **headers: str) -> Any:
    return client.get(url, headers={**auth(role), **headers})


def cached_urls(world: World) -> list[str]:
    return ["/v1/communities?limit=20", f"/v1/communities/{world.tea}", "/v1/map",
            "/v1/accounts/t0", "/v1/accounts/c3", "/v1/influencers?limit=5", "/v1/seeds?k=2",
            "/v1/explore/overview", f"/v1/explore/communities/{world.tea}",
            "/v1/explore/search?q=t1", "/v1/explore/topic?topic=tea",
            f"/v1/explore/overview?run={world.first}"]


# ------------------------------------------------------------------------------ hits


def test_the_same_request_twice_is_answered_without_a_query(
    settings: Settings, world: World
) -> None:
    app = make_app(settings, cache_ttl=60.0)
    client = app.test_client()
    names = queries_of(app)
    for n, url in enumerate(cached_urls(world)):
        first = read(client, url)
        assert first.status_code == 200, (url, first.get_json())
        asked = len(names)
        assert asked >= 1 and names[-1] != "read/cache_epoch"  # the view itself ran
        again = read(client, url)
        assert again.status_code == 200 and len(names) == asked, (url, names[asked:])
        assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
        assert stats(app)["hits"] == n + 1 and stats(app)["misses"] == n + 1
    assert names.count("read/cache_epoch") == 1  # once, then remembered for the TTL
    assert json.loads(read(client, "/v1/map").data)["run_id"] == world.second


def test_query_args_in_another_order_share_an_answer(settings: Settings, world: World) -> None:
    app = make_app(settings)
    client = app.test_client()
    one = read(client, "/v1/communities?limit=1&offset=1").get_json()
    assert read(client, "/v1/communities?offset=1&limit=1").get_json() == one
    assert stats(app)["misses"] == 1 and stats(app)["hits"] == 1
    other = read(client, "/v1/communities?limit=1&offset=0").get_json()
    assert stats(app)["misses"] == 2
    assert [c["id"] for c in other["communities"]] != [c["id"] for c in one["communities"]]


def test_concurrent_misses_of_one_answer_compute_it_once(
    settings: Settings, world: World
) -> None:
    app = make_app(settings)
    start = threading.Barrier(8)
    bodies: list[bytes] = []

    def fetch() -> None:
        client = app.test_client()
        start.wait()
        bodies.append(read(client, f"/v1/explore/communities/{world.tea}").data)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(bodies) == 8 and len(set(bodies)) == 1
    assert stats(app)["misses"] == 1 and stats(app)["hits"] == 7


# ------------------------------------------------------------------------------ invalidation


def test_a_refresh_in_this_process_is_served_at_once(
    settings: Settings, database: Database, world: World
) -> None:
    app = make_app(settings, cache_ttl=60.0)  # a long TTL: only the write counter can tell
    client = app.test_client()
    before = read(client, "/v1/communities").get_json()
    assert before["run_id"] == world.second
    result = run_refresh(database, RefreshParams(min_community_size=3))
    assert result.status == "succeeded", result.error
    after = read(client, "/v1/communities").get_json()
    assert after["run_id"] == result.run_id != world.second
    assert read(client, "/v1/accounts/t0").get_json()["run_id"] == result.run_id
    assert app.extensions["cm_cache"].size()[0] == 2  # the old run's answers were dropped


def test_a_switch_by_another_process_is_served_within_the_ttl(
    settings: Settings, database: Database, world: World
) -> None:
    app, client, clock = clocked(settings)
    assert read(client, "/v1/map").get_json()["run_id"] == world.second
    try:
        switch(database, world.first)  # not through this process's Database
        clock.now += 0.5  # inside the TTL: still the answer of the run it knew
        assert read(client, "/v1/map").get_json()["run_id"] == world.second
        clock.now += 0.5  # the TTL after the last lookup: looked up again, new run served
        assert read(client, "/v1/map").get_json()["run_id"] == world.first
        assert read(client, "/v1/communities").get_json()["run_id"] == world.first
        assert stats(app)["epoch_reads"] == 2
    finally:
        switch(database, world.second, through_database=True)


def test_an_ingest_by_another_process_empties_the_cache_within_the_ttl(
    settings: Settings, database: Database, world: World
) -> None:
    app, client, clock = clocked(settings)
    assert read(client, "/v1/accounts/t0").get_json()["handle"] == "@t0"
    with database.session() as session:  # another process renames t0 and bumps the version
        session.run("MATCH (a:Account {id: 't0'}) SET a.handle = '@tea_leader'").consume()
        session.run(query("load/touch_data_version").text).consume()
    try:
        clock.now += 1.0
        assert read(client, "/v1/accounts/t0").get_json()["handle"] == "@tea_leader"
        assert stats(app)["misses"] == 2
    finally:
        with database.session() as session:
            session.run("MATCH (a:Account {id: 't0'}) SET a.handle = '@t0'").consume()


def test_ttl_zero_reads_the_serving_run_on_every_request(
    settings: Settings, database: Database, world: World
) -> None:
    app = make_app(settings, cache_ttl=0.0)
    client = app.test_client()
    assert read(client, "/v1/map").get_json()["run_id"] == world.second
    try:
        switch(database, world.first)
        assert read(client, "/v1/map").get_json()["run_id"] == world.first
    finally:
        switch(database, world.second, through_database=True)


# ------------------------------------------------------------------------------ HTTP


def test_answers_carry_an_etag_and_a_matching_if_none_match_gets_304(
    settings: Settings, world: World
) -> None:
    app = make_app(settings)
    client = app.test_client()
    first = read(client, "/v1/communities?limit=20")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert {"Authorization", "X-API-Key"} <= {v.strip() for v in first.headers["Vary"].split(",")}
    for tag in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        resp = read(client, "/v1/communities?limit=20", **{"If-None-Match": tag})
        assert resp.status_code == 304 and resp.data == b"", tag
        assert resp.headers["ETag"] == etag and resp.headers["Cache-Control"] == "private, no-cache"
    changed = read(client, "/v1/communities?limit=20", **{"If-None-Match": '"stale"'})
    assert changed.status_code == 200 and changed.data == first.data
    assert stats(app)["not_modified"] == 4
    # another process (empty cache) computes the same tag: fine behind a load balancer
    other = make_app(settings).test_client()
    assert read(other, "/v1/communities?limit=20", **{"If-None-Match": etag}).status_code == 304


def test_an_unchanged_answer_keeps_its_etag_across_switches(
    settings: Settings, database: Database, world: World
) -> None:
    app = make_app(settings, cache_ttl=60.0)
    client = app.test_client()
    drill = f"/v1/explore/communities/{world.tea}?run={world.first}"
    overview = f"/v1/explore/overview?run={world.first}"
    tags = {url: read(client, url).headers["ETag"] for url in (drill, overview)}
    try:
        switch(database, world.first, through_database=True)  # the first run serves again
        # both recomputed under the new epoch; the drill-down of a kept run did not change,
        # the overview did ("current" is now true), so only the first tag still matches
        assert read(client, drill, **{"If-None-Match": tags[drill]}).status_code == 304
        moved = read(client, overview, **{"If-None-Match": tags[overview]})
        assert moved.status_code == 200 and moved.get_json()["current"] is True
        assert stats(app)["misses"] == 4
    finally:
        switch(database, world.second, through_database=True)
    assert read(client, overview, **{"If-None-Match": tags[overview]}).status_code == 304


def test_the_openapi_document_names_the_etag_and_304(app: Flask) -> None:
    doc = app.test_client().get("/openapi.json").get_json()
    for path in ("/v1/communities", "/v1/map", "/v1/accounts/{account_id}",
                 "/v1/explore/overview", "/v1/seeds"):
        op = doc["paths"][path]["get"]
        assert "304" in op["responses"], path
        assert {"$ref": "#/components/parameters/IF_NONE_MATCH"} in op["parameters"], path
    assert "304" not in doc["paths"]["/v1/runs"]["get"]["responses"]  # runs change: no cache


# ------------------------------------------------------------------------------ never stored


@pytest.mark.parametrize("url, status", [
    ("/v1/communities/nope", 404), ("/v1/accounts/nobody", 404), ("/v1/map?level=9", 404),
    ("/v1/communities?limit=0", 422), ("/v1/items/none/adoption", 404),
    ("/v1/explore/overview?run=r-unknown", 404),
])
def test_errors_are_never_cached(
    settings: Settings, world: World, url: str, status: int
) -> None:
    app = make_app(settings)
    client = app.test_client()
    for _ in range(2):
        resp = read(client, url)
        assert resp.status_code == status and "ETag" not in resp.headers
        assert resp.get_json()["code"] == status
    assert stats(app)["hits"] == 0 and stats(app)["stored"] == 0
    assert app.extensions["cm_cache"].size() == (0, 0)


# ------------------------------------------------------------------------------ keys, roles


def test_keys_are_checked_before_the_cache_and_roles_do_not_share_entries(
    settings: Settings, world: World
) -> None:
    app = make_app(settings)
    client = app.test_client()
    as_read = read(client, "/v1/map")
    assert as_read.status_code == 200
    assert client.get("/v1/map").status_code == 401
    assert client.get("/v1/map", headers={"Authorization": "Bearer wrong"}).status_code == 401
    as_admin = read(client, "/v1/map", role="admin")
    # the answer does not depend on the role today, but each role has its own entry, so
    # an answer that came to differ by role could not leak from one role to another
    assert as_admin.data == as_read.data
    assert stats(app)["misses"] == 2 and stats(app)["hits"] == 0
    assert read(client, "/v1/map", role="write").status_code == 200
    assert stats(app)["misses"] == 3


# ------------------------------------------------------------------------------ bounds


def test_entries_are_bounded_least_recently_used_first(settings: Settings, world: World) -> None:
    app = make_app(settings, cache_max_entries=2)
    client = app.test_client()
    for url in ("/v1/map", "/v1/communities", "/v1/map", "/v1/accounts/t0"):
        assert read(client, url).status_code == 200
    cache = app.extensions["cm_cache"]
    assert cache.size()[0] == 2 and cache.stats.evicted == 1  # /v1/communities went
    read(client, "/v1/map")
    assert cache.stats.hits == 2
    read(client, "/v1/communities")
    assert cache.stats.misses == 4


def test_bytes_are_bounded_and_large_answers_still_get_an_etag(
    settings: Settings, world: World
) -> None:
    app = make_app(settings, cache_max_bytes=8 * 1024)  # answers over 1 KB are not kept
    client = app.test_client()
    big = read(client, f"/v1/explore/communities/{world.tea}")
    assert len(big.data) > 1024 and big.headers["ETag"]
    again = read(client, f"/v1/explore/communities/{world.tea}",
                 **{"If-None-Match": big.headers["ETag"]})
    assert again.status_code == 304
    assert app.extensions["cm_cache"].size() == (0, 0) and stats(app)["misses"] == 2


def test_storing_can_be_turned_off(settings: Settings, world: World) -> None:
    app = make_app(settings, cache_max_bytes=0)
    client = app.test_client()
    first = read(client, "/v1/map")
    assert read(client, "/v1/map", **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert stats(app)["hits"] == 0 and stats(app)["misses"] == 2


class OneRow:
    """Answers the epoch lookup with a fixed row (pure LRU logic below)."""

    def fetch(self, name: str) -> list[dict[str, Any]]:
        return [{"runId": "r1", "dataVersion": 3, "cacheVersion": 0}]


def test_lru_keeps_within_the_byte_budget() -> None:
    app = Flask(__name__)
    cache = ReadCache(ttl=1.0, max_entries=100, max_bytes=8000)
    epoch = cache.epoch(OneRow())  # type: ignore[arg-type]
    assert epoch == Epoch("r1", 3, 0)
    with app.test_request_context():
        for i in range(10):
            key = (epoch, "read", f"/x/{i}", ())
            entry = entry_of(app.response_class(b"x" * 700, mimetype="application/json"), key)
            assert entry is not None
            cache.put(key, entry)
    count, weight = cache.size()
    assert weight <= 8000 and count == 8  # 910 bytes each: body, key parts, 200
    assert cache.get((epoch, "read", "/x/0", ())) is None
    assert cache.get((epoch, "read", "/x/9", ())) is not None
    cache.put((Epoch("r0", 3, 0), "read", "/old", ()), entry)  # a gone epoch: not kept
    assert cache.get((Epoch("r0", 3, 0), "read", "/old", ())) is None


@pytest.mark.parametrize("env, problem", [
    ({"CM_CACHE_TTL": "-1"}, "CM_CACHE_TTL"), ({"CM_CACHE_TTL": "soon"}, "CM_CACHE_TTL"),
    ({"CM_CACHE_MB": "lots"}, "CM_CACHE_MB"), ({"CM_CACHE_ENTRIES": "-5"}, "CM_CACHE_ENTRIES"),
])
def test_bad_cache_settings_are_reported(env: dict[str, str], problem: str) -> None:
    with pytest.raises(SettingsError, match=problem):
        load_settings({**suite_env(), **env})


def test_cache_settings_are_read() -> None:
    env = {k: v for k, v in suite_env().items() if not k.startswith("CM_CACHE_")}
    defaults = load_settings(env)
    assert (defaults.cache_ttl, defaults.cache_max_entries, defaults.cache_max_bytes) == (
        1.0, 2000, 64 * 1024 * 1024)
    loaded = load_settings({**env, "CM_CACHE_TTL": "0", "CM_CACHE_MB": "8",
                            "CM_CACHE_ENTRIES": "50"})
    assert (loaded.cache_ttl, loaded.cache_max_bytes, loaded.cache_max_entries) == (
        0.0, 8 * 1024 * 1024, 50)


# ------------------------------------------------------------------------------ last: wipes


def test_forgetting_an_account_drops_the_answers_naming_it(
    settings: Settings, world: World
) -> None:
    app = make_app(settings, cache_ttl=60.0)  # only the write counter can tell
    client = app.test_client()
    leaders = read(client, "/v1/communities").get_json()["communities"][0]["leaders"]
    assert read(client, "/v1/accounts/t5").status_code == 200
    _built.clear()  # the world loses an account: the next test rebuilds it
    assert client.delete("/v1/accounts/t5", headers=auth("admin")).status_code == 200
    assert read(client, "/v1/accounts/t5").status_code == 404  # not the cached 200
    now = read(client, "/v1/communities").get_json()["communities"][0]["leaders"]
    assert "t5" not in [x["id"] for x in now]
    assert [x["id"] for x in now] == [x["id"] for x in leaders if x["id"] != "t5"]


def test_no_answer_before_the_first_run_is_cached(
    settings: Settings, database: Database, world: World
) -> None:
    app = make_app(settings, cache_ttl=60.0)
    client = app.test_client()
    assert read(client, "/v1/map").status_code == 200
    wipe(database)
    _built.clear()  # the next test rebuilds the world
    load_graph(database)
    for _ in range(2):
        assert read(client, "/v1/map").status_code == 503
    run = run_refresh(database, RefreshParams(min_community_size=3))
    assert read(client, "/v1/map").get_json()["run_id"] == run.run_id
