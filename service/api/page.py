"""The map page at ``/map``: public HTML/CSS/JS; its data comes from ``/v1`` with a read key.

Third-party JavaScript (sigma.js, graphology) is installed by ``npm ci`` from
``web/package-lock.json`` (pinned, integrity-checked) into ``web/node_modules`` and served
from there under versioned URLs with a one-year cache; the page's own files are served
under content-hashed URLs the same way, and the page itself is never cached. A
Content-Security-Policy allows only this origin: no CDN, no inline script or style.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Response, redirect, render_template_string, send_file
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from ..auth import DEV_KEYS
from ..errors import ApiError
from . import settings

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
ASSETS = {"map.js": "text/javascript", "map.css": "text/css"}
# package -> its browser bundle (UMD: defines a global, needs no bundler)
VENDOR = {"graphology": "dist/graphology.umd.min.js",
          "graphology-library": "dist/graphology-library.min.js",
          "sigma": "dist/sigma.min.js"}
FOREVER = "public, max-age=31536000, immutable"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HTML = {"type": "string"}

blp = Blueprint("page", __name__, url_prefix="/map",
                description="The map page (public; its data needs a read key)")


def vendor_versions() -> dict[str, str] | None:
    """Installed version of each vendor package, or None when ``npm ci`` has not run."""
    versions = {}
    for package, bundle in VENDOR.items():
        folder = WEB_DIR / "node_modules" / package
        if not (folder / bundle).is_file():
            return None
        versions[package] = json.loads((folder / "package.json").read_text())["version"]
    return versions


@lru_cache(maxsize=8)
def _digest(path: Path, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_version(name: str) -> str:
    """Content hash of one of the page's own files (changes whenever the file does)."""
    path = WEB_DIR / name
    return _digest(path, path.stat().st_mtime)


def secured(resp: Response) -> Response:
    """Headers every answer of the page carries."""
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


@blp.route("")
@blp.response(200, HTML, content_type="text/html",
              description="the map page; 503 when its JavaScript is not installed")
def map_page() -> Response:
    """The map page: overview, drill-down, search, topic filter and run selector."""
    versions = vendor_versions()
    if versions is None:
        body = ("<!doctype html><title>Community Map</title><p>The map page's JavaScript "
                "is not installed: run <code>make venv</code> (it runs <code>npm ci</code> "
                "in <code>web/</code>).</p>")
        resp = Response(body, status=503, mimetype="text/html")
    else:
        html = render_template_string(
            (WEB_DIR / "map.html").read_text(encoding="utf-8"),
            vendor=[f"/map/vendor/{p}@{v}.js" for p, v in versions.items()],
            css=f"/map/assets/map.css?v={asset_version('map.css')}",
            js=f"/map/assets/map.js?v={asset_version('map.js')}",
            dev_key=DEV_KEYS["read"] if settings().using_dev_keys else None)
        resp = Response(html, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-cache"
    return secured(resp)


@blp.route("/assets/<name>", parameters=[{
    "in": "path", "name": "name", "required": True,
    "schema": {"type": "string", "enum": sorted(ASSETS)}}])
@blp.doc(responses={"200": {
    "description": "the page's own script or style (content-hashed URL, cached a year)",
    "content": {kind: {"schema": {"type": "string"}} for kind in ("text/javascript", "text/css")},
}})
def asset(name: str) -> Response:
    """One of the page's own files."""
    if name not in ASSETS:
        raise ApiError(404, f"no asset {name!r}")
    resp = send_file(WEB_DIR / name, mimetype=ASSETS[name], etag=True, conditional=True)
    resp.headers["Cache-Control"] = FOREVER
    return secured(resp)


@blp.route("/vendor/<package>@<version>.js", parameters=[{
    "in": "path", "name": "package", "required": True,
    "schema": {"type": "string", "enum": sorted(VENDOR)}}])
@blp.doc(responses={
    "200": {"description": "a pinned third-party bundle from web/node_modules (cached a year)",
            "content": {"text/javascript": {"schema": {"type": "string"}}}},
    "308": {"description": "another version was asked for: the installed one's URL"}})
def vendor(package: str, version: str) -> ResponseReturnValue:
    """A third-party bundle, at the version ``npm ci`` installed (another version in the
    URL redirects there: the version is only for caching)."""
    versions = vendor_versions() or {}
    if package not in versions:
        raise ApiError(404, f"no vendor script {package!r} (is web/node_modules installed?)")
    if versions[package] != version:
        return redirect(f"/map/vendor/{package}@{versions[package]}.js", code=308)
    resp = send_file(WEB_DIR / "node_modules" / package / VENDOR[package],
                     mimetype="text/javascript", etag=True, conditional=True)
    resp.headers["Cache-Control"] = FOREVER
    return secured(resp)

