"""Screenshots of the real map page, for the README: the overview and the largest community.

    python -m tests.tools.screenshot [--out docs] [--width 1400 --height 860]

Serves the app (settings from the environment, like the CLI) on a free loopback port,
opens /map in Debian's headless chromium with the development read key (or --key) and
saves ``map-overview.png`` and ``map-community.png``. Needs a refreshed run: after
``make demo`` (or ``community-map demo --no-serve``) it shows the demo graph.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from service import create_app
from service.auth import DEV_KEYS

from ..browser import chromium, chromium_path, served


def main() -> None:
    """Take the two screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--key", default=os.environ.get("CM_READ_KEY", DEV_KEYS["read"]))
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=860)
    args = parser.parse_args()
    path = chromium_path()
    if path is None:
        raise SystemExit("chromium is not installed: run `make browser`")
    args.out.mkdir(parents=True, exist_ok=True)
    with served(create_app()) as base, chromium(path) as browser:
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.set_default_timeout(60_000)
        page.goto(base + "/map")
        page.fill("#key", args.key)
        page.click("#key-form button[type=submit]")
        page.wait_for_selector("body[data-view=overview]", state="attached")
        time.sleep(1)  # let sigma finish its first frames
        page.screenshot(path=str(args.out / "map-overview.png"))
        largest = page.evaluate("window.cmap.state.overview.communities[0].id")
        page.click(f"button[data-community='{largest}']")
        page.wait_for_selector("body[data-view=community][data-layout=settled]",
                               state="attached")
        time.sleep(1)
        page.screenshot(path=str(args.out / "map-community.png"))
    print(f"wrote {args.out / 'map-overview.png'} and {args.out / 'map-community.png'}")


if __name__ == "__main__":
    main()
