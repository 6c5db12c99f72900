"""``/docs``: Swagger UI over ``/openapi.json``, served from this app, never from a CDN.

Swagger UI is optional: its files come from the pinned ``swagger-ui-dist`` npm package that
``make web`` installs into ``web/node_modules/`` (``web/package.json``). Without it ``/docs``
answers 404 saying how to install it; ``/openapi.json`` is always served. The page loads
only same-origin scripts (no inline script), so the strict HTML Content-Security-Policy of
``service/headers.py`` holds.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory, url_for

from ..errors import ApiError

SWAGGER_UI_DIR = (Path(__file__).resolve().parents[2] / "web" / "node_modules"
                  / "swagger-ui-dist")
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Community Map API</title>
<link rel="icon" type="image/png" href="{favicon}">
<link rel="stylesheet" href="{css}">
</head>
<body>
<div id="swagger-ui" data-spec-url="{spec}"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""
INIT = """window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({url: root.dataset.specUrl, dom_id: "#swagger-ui",
                               deepLinking: true, tryItOutEnabled: false});
});
"""

blp = Blueprint("docs", __name__)


def swagger_dir() -> Path:
    """Where the swagger-ui-dist files are (configurable for tests)."""
    return Path(current_app.config.get("CM_SWAGGER_UI_DIR", SWAGGER_UI_DIR))


def installed() -> bool:
    """True when the Swagger UI files are there."""
    return all((swagger_dir() / name).is_file() for name in ASSETS)


@blp.route("/docs")
def swagger_ui() -> Response:
    """The Swagger UI page, or 404 saying how to install it."""
    if not installed():
        raise ApiError(404, "Swagger UI is not installed (it is optional): run `make web`. "
                            "The OpenAPI document is at /openapi.json")
    html = PAGE.format(favicon=url_for("docs.asset", name="favicon-32x32.png"),
                       css=url_for("docs.asset", name="swagger-ui.css"),
                       bundle=url_for("docs.asset", name="swagger-ui-bundle.js"),
                       init=url_for("docs.init_script"),
                       spec=url_for("api-docs.openapi_json"))
    return Response(html, mimetype="text/html")


@blp.route("/docs/init.js")
def init_script() -> Response:
    """The script that starts Swagger UI on our document (a file: CSP allows no inline)."""
    return Response(INIT, mimetype="text/javascript")


@blp.route("/docs/<name>")
def asset(name: str) -> Response:
    """One of the Swagger UI files."""
    if name not in ASSETS or not installed():
        raise ApiError(404, f"no documentation asset {name!r}")
    return send_from_directory(swagger_dir(), name, max_age=3600)
