"""The map page in a real browser (Debian's chromium driven by Playwright) against a real API.

The app is served on a free loopback port in a thread, over the small generated graph
refreshed twice. Every test fails on a console error or an uncaught page error. Without
chromium the tests skip locally and FAIL under CI=true (``make test`` installs it).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.auth import DEV_KEYS
from service.db import Database

from .browser import chromium, chromium_path, served
from .conftest import IN_CI, get
from .map_fixtures import load_small_map

READ_KEY = DEV_KEYS["read"]
REFUSED_401 = "the server responded with a status of 401"


@pytest.fixture(scope="module")
def runs(database: Database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return load_small_map(database, Path(tmp_path_factory.mktemp("map-page")))


@pytest.fixture(scope="module")
def base_url(app: Flask, runs: dict[str, Any]) -> Iterator[str]:
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        message = "chromium is not installed (`make browser` installs Debian's package)"
        if IN_CI:
            pytest.fail(message + " (CI=true: browser tests must not be skipped)", pytrace=False)
        pytest.skip(message)
    with chromium(path) as launched:
        yield launched


class Console:
    """Console errors and uncaught exceptions of one page."""

    def __init__(self, page: Any):
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh tab (empty session storage); fails the test on any console error."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.console = Console(tab)
    tab.goto(base_url + "/map")
    yield tab
    errors = [e for e in tab.console.errors if not getattr(tab, "allow_401", False)
              or REFUSED_401 not in e]
    context.close()
    assert errors == [], errors


def open_map(page: Any, key: str = READ_KEY) -> None:
    page.fill("#key", key)
    page.click("#key-form button[type=submit]")


def wait_view(page: Any, view: str) -> None:
    page.wait_for_selector(f"body[data-view={view}]", state="attached")


def js(page: Any, expression: str) -> Any:
    return page.evaluate(expression)


def distinct_colours(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 20) or [])


def test_page_is_public_self_only_and_cached_right(client: FlaskClient,
                                                   runs: dict[str, Any]) -> None:
    resp = client.get("/map")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp
    assert "http" not in csp and "unsafe" not in csp
    assert resp.headers["Cache-Control"] == "no-cache"
    html = resp.get_data(as_text=True)
    assert READ_KEY in html  # development mode says which key to use
    assert "//" not in html.split("<body", 1)[1].replace("://", "")  # no third-party URL
    for src in ("/map/vendor/sigma@3.0.3.js", "/map/vendor/graphology@0.26.0.js"):
        assert src in html
        script = client.get(src)
        assert script.status_code == 200 and len(script.get_data()) > 10_000
        assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    moved = client.get("/map/vendor/sigma@9.9.9.js")  # the version only busts caches
    assert moved.status_code == 308 and moved.headers["Location"].endswith("/sigma@3.0.3.js")
    assert client.get("/map/vendor/leftpad@1.0.0.js").status_code == 404
    assert client.get("/map/assets/secret.py").status_code == 404


def test_overview_draws_every_community_of_the_api(page: Any, client: FlaskClient) -> None:
    open_map(page)
    wait_view(page, "overview")
    api = get(client, "/v1/map")
    assert js(page, "window.cmap.graph.order") == len(api["communities"])
    for c in api["communities"]:
        shown = js(page, f"window.cmap.renderer.getNodeDisplayData({c['id']!r})")
        assert shown is not None and not shown.get("hidden")
        # positions are the server's layout, stored with the run
        node = js(page, f"window.cmap.graph.getNodeAttributes({c['id']!r})")
        assert (node["x"], node["y"]) == (c["x"], c["y"])
    assert js(page, "window.cmap.graph.size") > 0
    assert distinct_colours(page.locator("#graph").screenshot()) > 20  # not a blank canvas
    assert page.locator("#panel").inner_text().count("members") >= 1


def test_selecting_a_community_shows_its_members_and_leaders(page: Any,
                                                             client: FlaskClient) -> None:
    open_map(page)
    wait_view(page, "overview")
    largest = get(client, "/v1/communities?limit=1")["communities"][0]
    # a real click on the canvas, where sigma drew the community
    x, y = js(page, f"""(() => {{ const r = window.cmap.renderer;
        const d = r.getNodeDisplayData({largest['id']!r});
        const p = r.framedGraphToViewport(d); return [p.x, p.y]; }})()""")
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    wait_view(page, "community")
    assert js(page, "window.cmap.graph.order") == min(largest["size"], 2000)
    assert f"showing {largest['size']:,} of {largest['size']:,}" in page.inner_text("#where")
    leaders = page.locator("#leaders tr").all_inner_texts()[1:]
    assert len(leaders) == len(largest["leaders"])
    assert all(leader["handle"] in row for leader, row in zip(largest["leaders"], leaders,
                                                              strict=True))
    panel = page.inner_text("#panel")
    for section in ("Seed set vs baselines", "Early-adopter leaders", "Since the previous run",
                    "Brokers"):
        assert section.upper() in panel.upper()
    assert "CELF" in panel and "top by followers" in panel


def test_search_opens_the_account_in_its_community(page: Any, client: FlaskClient) -> None:
    open_map(page)
    wait_view(page, "overview")
    community = get(client, "/v1/communities?limit=5")["communities"][-1]
    account = get(client, f"/v1/accounts/{community['leaders'][1]['id']}")
    page.fill("#search", account["handle"])
    page.click("#search-form button")
    wait_view(page, "account")
    assert js(page, "window.cmap.state.focus") == account["id"]
    assert js(page, f"window.cmap.graph.hasNode({account['id']!r})")
    panel = page.inner_text("#account")
    assert account["community_id"] in panel
    assert f"{account['leader_rank']}" in panel
    assert f"{account['scores']['leader_score']:.3f}" in panel


def test_topic_filter_fades_what_is_not_about_the_topic(page: Any, client: FlaskClient) -> None:
    open_map(page)
    wait_view(page, "overview")
    communities = get(client, "/v1/communities?limit=50")["communities"]
    topic = communities[-1]["distinctive_topics"][0]
    having = [c["id"] for c in communities
              if topic in c["top_topics"] or topic in c["distinctive_topics"]]
    assert js(page, "window.cmap.faded()") == 0
    page.fill("#topic", topic)
    page.click("#topic-form button[type=submit]")
    page.wait_for_selector(f"body[data-topic='{topic}']", state="attached")
    assert js(page, "window.cmap.faded()") == len(communities) - len(having) > 0
    panel = page.inner_text("#topic-panel")
    assert f"Topic #{topic}" in panel and f"SEED SET FOR #{topic}".lower() in panel.lower()
    page.click("#topic-clear")
    assert js(page, "window.cmap.faded()") == 0


def test_a_bad_key_shows_a_clear_message_not_a_broken_page(page: Any) -> None:
    page.allow_401 = True  # the browser logs the refused request itself
    assert page.is_visible("#key-dialog") and page.is_visible("#dev-hint")
    open_map(page, "not-a-key")
    page.wait_for_selector("#key-error:has-text('refused')")
    assert "unknown API key" in page.inner_text("#key-error")
    assert page.is_visible("#key-dialog")
    assert js(page, "sessionStorage.getItem('cm-read-key')") is None
    open_map(page)  # the right key then works in the same tab
    wait_view(page, "overview")
    assert not page.is_visible("#key-dialog")


def test_the_run_selector_draws_an_older_kept_run(page: Any, runs: dict[str, Any],
                                                  database: Database) -> None:
    open_map(page)
    wait_view(page, "overview")
    assert runs["second"] in page.inner_text("#run")
    page.select_option("#run", runs["first"])
    page.wait_for_selector(f"#where:has-text('{runs['first']}')")
    first = database.fetch("export/communities", runId=runs["first"])
    assert js(page, "window.cmap.graph.order") == len(first)


def test_without_npm_ci_the_page_says_what_to_run(client: FlaskClient, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from service.api import page as page_module

    monkeypatch.setattr(page_module, "WEB_DIR", tmp_path)
    resp = client.get("/map")
    assert resp.status_code == 503 and "make venv" in resp.get_data(as_text=True)
    assert client.get("/map/vendor/sigma@3.0.3.js").status_code == 404
