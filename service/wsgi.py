"""WSGI entry point for gunicorn: ``gunicorn -c gunicorn.conf.py service.wsgi:app``."""

from __future__ import annotations

from . import create_app

app = create_app()
