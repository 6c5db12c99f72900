"""The ``community-map`` command line: local Neo4j, schema, loading, refresh, keys, serving.

One module per area (``neo4j``, ``data``, ``refresh``, ``serve``, ``ops``); shared exit codes and
errors in :mod:`service.cli.common`.
"""

from __future__ import annotations

import click

from ..demo.command import generate_command
from . import data, neo4j, ops, refresh, serve


@click.group()
def main() -> None:
    """Community Map: community maps and their leaders, on Neo4j + GDS.

    \b
    Production shape: `serve` on any number of API nodes, `worker` on one or more
    machines (they run the refreshes that POST /v1/refresh and `scheduler` queue),
    all pointed at one Neo4j (NEO4J_URI; GDS on CM_GDS_URI if set). `demo` runs
    Neo4j, one worker and the API on this machine."""


for command in (neo4j.neo4j, neo4j.schema, data.load, data.import_, refresh.refresh,
                refresh.worker, refresh.scheduler, serve.keys, serve.serve, serve.demo,
                generate_command, ops.forget, ops.backup, ops.restore):
    main.add_command(command)

__all__ = ["main"]
