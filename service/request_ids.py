"""Request ids: every response carries ``X-Request-ID`` and every log line of the request.

The client's id is kept when it is a sane token (1-128 characters of ``A-Z a-z 0-9 . _ :
-``, so it cannot forge log lines or headers); otherwise a fresh one is generated. gunicorn's
access log prints the response header (``gunicorn.conf.py``), and the app's log lines get
it through :class:`RequestIdFilter`.
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
LOG_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def current() -> str:
    """This request's id ('-' outside a request)."""
    if has_request_context():
        return str(g.get("request_id", "-"))
    return "-"


def assign() -> None:
    """Take the client's id when it is sane, else make one."""
    given = request.headers.get(HEADER, "")
    g.request_id = given if SANE.fullmatch(given) else uuid.uuid4().hex


def stamp(response: Response) -> Response:
    """Echo the id on the response."""
    response.headers[HEADER] = current()
    return response


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` attribute (the format names it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current()
        return True


def configure_logging(level: int = logging.INFO) -> None:
    """Root logging with the request id in every line (once per process)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format=LOG_FORMAT)
    for handler in root.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())


def init_app(app: Flask) -> None:
    """Register the hooks; the id is assigned before any other before_request runs."""
    configure_logging()
    app.before_request(assign)
    app.after_request(stamp)
