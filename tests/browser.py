"""Headless Debian chromium for the map page: the app served on a free loopback port.

Playwright drives the system's ``chromium`` (``executable_path``); it never downloads a
browser. Used by tests/test_map_page.py and tests/screenshot.py.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync",
                 # WebGL without a GPU: SwiftShader, which recent Chromium asks to opt into
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


def chromium_path() -> Path | None:
    """Debian's chromium, if installed (``make browser`` installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app on 127.0.0.1 at a port chosen now, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="map-server")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def chromium(executable: Path) -> Iterator[Any]:
    """A headless chromium browser (Playwright's sync API)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(executable), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
