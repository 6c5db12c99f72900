"""What every command shares: exit codes, CLI errors, settings and a database session.

Exit codes: 0 success; 1 the operation failed (or some rows were rejected); 2 bad usage or
configuration; 3 Neo4j not running or unreachable; 4 ``load --strict`` found bad rows;
5 another refresh is running; 6 nothing to forget (``forget`` of an unknown account).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import click
from neo4j.exceptions import AuthError, ServiceUnavailable

from ..db import Database
from ..settings import Settings, SettingsError, load_settings

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_RUNNING = 3
EXIT_STRICT_REJECTED = 4
EXIT_CONFLICT = 5
EXIT_NOTHING_TO_FORGET = 6


class CliError(click.ClickException):
    """A command failed: ``error: <message>`` on stderr and the given exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED):
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click's is a class default

    def format_message(self) -> str:
        return self.message

    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def get_settings(instance: str | None = None) -> Settings:
    """Settings from the process environment; a bad configuration exits with code 2."""
    try:
        return load_settings(os.environ, instance)
    except SettingsError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc


@contextmanager
def connected(settings: Settings | None = None) -> Iterator[Database]:
    """A Database for one command, closed afterwards; Neo4j unreachable exits with 3."""
    database = Database(settings or get_settings())
    try:
        yield database
    except (ServiceUnavailable, AuthError) as exc:
        raise CliError(f"Neo4j is unreachable or refused us: {exc}", EXIT_NOT_RUNNING) from exc
    finally:
        database.close()
