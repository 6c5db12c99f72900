"""Security headers on every response; CORS only for the origins in CM_CORS_ORIGINS.

- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer`` everywhere.
- HTML (the Swagger UI, the map page) gets a restrictive Content-Security-Policy: scripts,
  styles, images and requests from this origin only, no plugins, no framing. A view that
  needs a different policy sets its own header and it is kept.
- CORS is off unless origins are listed: then a request whose ``Origin`` is listed gets
  ``Access-Control-Allow-Origin`` for it (no credentials: keys travel in headers), and a
  preflight ``OPTIONS`` says which methods and headers may follow.
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP_HTML = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
CORS_METHODS = "GET, POST, DELETE"
CORS_HEADERS = "Authorization, X-API-Key, Content-Type, X-Request-ID"
CORS_EXPOSE = "X-Request-ID, Retry-After, Content-Disposition"
CORS_MAX_AGE = "600"


def secure(response: Response) -> Response:
    """Add the headers every response carries."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP_HTML)
    return response


def cors(response: Response, allowed: tuple[str, ...]) -> Response:
    """Allow a listed Origin to read the response (and to send a preflighted request)."""
    origin = request.headers.get("Origin")
    if not allowed:
        return response
    response.vary.add("Origin")
    if origin not in allowed:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
        response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
    return response


def init_app(app: Flask, cors_origins: tuple[str, ...]) -> None:
    """Register the response hooks."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        return cors(secure(response), cors_origins)
