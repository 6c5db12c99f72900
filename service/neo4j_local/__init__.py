"""Provision, start, stop and inspect a local Neo4j 5.26 + GDS server built from Maven jars.

Layout (all under ``neo4j-local/home``, ignored by git):

    home/lib/        Neo4j server + Browser jars (from neo4j-local/server/pom.xml)
    home/plugins/    the shaded open-source GDS plugin (from neo4j-local/gds-plugin/pom.xml)
    home/.installed  marker: versions and a hash of the POMs; a mismatch reinstalls
    home/instances/<name>/{conf,data,logs,run,import}
                     one folder per instance: ``default`` serves the demo and the API,
                     ``test`` is used by the test suite so tests never wipe demo data.

Neo4j's own launcher class (what ``bin/neo4j`` runs) forks and supervises the server JVM.
"""

from __future__ import annotations

from .install import find_java, install, is_installed, java_major
from .instance import (
    ADMIN,
    BROWSER_VERSION,
    DEFAULT_HOME,
    GDS_VERSION,
    LAUNCHER,
    NEO4J_VERSION,
    PROVISION_DIR,
    REPO_ROOT,
    LocalNeo4j,
    ProvisionError,
    local_from_env,
)
from .server import (
    JVM_FLAGS,
    admin,
    log_tail,
    port_open,
    prepare_instance,
    probe,
    read_pid,
    render_conf,
    start,
    stop,
    wait_ready,
)

__all__ = [
    "ADMIN", "BROWSER_VERSION", "DEFAULT_HOME", "GDS_VERSION", "JVM_FLAGS", "LAUNCHER",
    "NEO4J_VERSION", "PROVISION_DIR", "REPO_ROOT", "LocalNeo4j", "ProvisionError", "admin",
    "find_java", "install", "is_installed", "java_major", "local_from_env", "log_tail",
    "port_open", "prepare_instance", "probe", "read_pid", "render_conf", "start", "stop",
    "wait_ready",
]
