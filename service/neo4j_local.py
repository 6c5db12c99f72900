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

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PROVISION_DIR = REPO_ROOT / "neo4j-local"
DEFAULT_HOME = PROVISION_DIR / "home"
NEO4J_VERSION = "5.26.24"
GDS_VERSION = "2.13.9"
BROWSER_VERSION = "5.24.0"
SUPPORTED_JAVA = (17, 21)
LAUNCHER = "org.neo4j.server.startup.Neo4jCommand"
ADMIN = "org.neo4j.server.startup.Neo4jAdminCommand"


class ProvisionError(RuntimeError):
    """Provisioning or controlling the local Neo4j failed; the message says what to do."""


@dataclass(frozen=True)
class LocalNeo4j:
    """One local Neo4j instance: where it lives, its ports, memory and password."""

    home: Path = DEFAULT_HOME
    instance: str = "default"
    bolt_port: int = 7687
    http_port: int = 7474
    heap: str = "4g"
    pagecache: str = "2g"
    password: str = "community-map-dev"
    user: str = "neo4j"

    @property
    def instance_dir(self) -> Path:
        return self.home / "instances" / self.instance

    @property
    def conf_dir(self) -> Path:
        return self.instance_dir / "conf"

    @property
    def data_dir(self) -> Path:
        return self.instance_dir / "data"

    @property
    def logs_dir(self) -> Path:
        return self.instance_dir / "logs"

    @property
    def import_dir(self) -> Path:
        return self.instance_dir / "import"

    @property
    def pid_file(self) -> Path:
        return self.instance_dir / "run" / "neo4j.pid"

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def browser_url(self) -> str:
        return f"{self.http_url}/browser/"


def local_from_env(env: Mapping[str, str], instance: str | None = None) -> LocalNeo4j:
    """Build the local instance description from ``CM_NEO4J_*`` variables."""
    name = instance or env.get("CM_NEO4J_INSTANCE", "default")
    test = name == "test"
    return LocalNeo4j(
        home=Path(env.get("CM_NEO4J_HOME", str(DEFAULT_HOME))),
        instance=name,
        bolt_port=int(env.get("CM_NEO4J_BOLT_PORT", "17687" if test else "7687")),
        http_port=int(env.get("CM_NEO4J_HTTP_PORT", "17474" if test else "7474")),
        heap=env.get("CM_NEO4J_HEAP", "2g" if test else "4g"),
        pagecache=env.get("CM_NEO4J_PAGECACHE", "512m" if test else "2g"),
        password=env.get("NEO4J_PASSWORD", "community-map-dev"),
        user=env.get("NEO4J_USER", "neo4j"),
    )


# ---------------------------------------------------------------------------- java


def find_java() -> Path:
    """Return a Java 17 or 21 executable: JAVA_HOME, then PATH, then /usr/lib/jvm."""
    candidates: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path))
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        candidates.extend(sorted(jvm.glob("*/bin/java")))
    for java in candidates:
        if java.exists() and java_major(java) in SUPPORTED_JAVA:
            return java
    raise ProvisionError(
        "Neo4j 5.26 needs Java 17 or 21; none found (set JAVA_HOME). "
        f"Looked at: {', '.join(str(c) for c in candidates) or 'nothing'}"
    )


def java_major(java: Path) -> int:
    """Major version of a java executable, 0 when it cannot be read."""
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30
        ).stderr
    except (OSError, subprocess.SubprocessError):
        return 0
    match = re.search(r'version "(\d+)', out)
    return int(match.group(1)) if match else 0


# ---------------------------------------------------------------------------- install


def _pom_fingerprint() -> str:
    digest = hashlib.sha256()
    for pom in sorted(PROVISION_DIR.glob("*/pom.xml")):
        digest.update(pom.read_bytes())
    digest.update(f"{NEO4J_VERSION}/{GDS_VERSION}/{BROWSER_VERSION}".encode())
    return digest.hexdigest()[:16]


def _jars_intact(folder: Path) -> bool:
    jars = list(folder.glob("*.jar"))
    if not jars:
        return False
    for jar in jars:
        try:
            with zipfile.ZipFile(jar) as zf:  # reads the central directory: catches truncation
                zf.namelist()
        except (zipfile.BadZipFile, OSError):
            return False
    return True


def is_installed(local: LocalNeo4j) -> bool:
    """True when the home holds a complete install matching the current POMs."""
    marker = local.home / ".installed"
    if not marker.exists():
        return False
    try:
        info = json.loads(marker.read_text())
    except ValueError:
        return False
    return (
        info.get("fingerprint") == _pom_fingerprint()
        and _jars_intact(local.home / "lib")
        and _jars_intact(local.home / "plugins")
    )


def _mvn(project: Path, log: list[str]) -> None:
    mvn = shutil.which("mvn")
    if not mvn:
        raise ProvisionError("Maven (mvn) is needed to provision Neo4j; install it first")
    env = dict(os.environ)
    env["JAVA_HOME"] = str(find_java().parent.parent)
    cmd = [mvn, "-B", "-q", "--strict-checksums", "package"]
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-4000:]
        raise ProvisionError(f"`{' '.join(cmd)}` failed in {project}:\n{tail}")
    log.append(f"built {project.name}")


def install(local: LocalNeo4j, force: bool = False) -> list[str]:
    """Build the Neo4j home from Maven Central (cached: a second call is a no-op)."""
    log: list[str] = []
    if not force and is_installed(local):
        log.append(f"already installed in {local.home}")
        return log
    for project in ("server", "gds-plugin"):
        _mvn(PROVISION_DIR / project, log)
    staging = local.home / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "lib").mkdir(parents=True)
    (staging / "plugins").mkdir()
    for jar in (PROVISION_DIR / "server" / "target" / "lib").glob("*.jar"):
        shutil.copy2(jar, staging / "lib" / jar.name)
    plugin = PROVISION_DIR / "gds-plugin" / "target" / f"open-gds-{GDS_VERSION}.jar"
    shutil.copy2(plugin, staging / "plugins" / plugin.name)
    if not (_jars_intact(staging / "lib") and _jars_intact(staging / "plugins")):
        raise ProvisionError("a jar built by Maven is corrupt; delete ~/.m2/repository/org/neo4j")
    # Swap folders only once everything is in place, so a broken run never looks installed.
    for sub in ("lib", "plugins"):
        shutil.rmtree(local.home / sub, ignore_errors=True)
        (staging / sub).rename(local.home / sub)
    shutil.rmtree(staging, ignore_errors=True)
    (local.home / ".installed").write_text(
        json.dumps(
            {
                "fingerprint": _pom_fingerprint(),
                "neo4j": NEO4J_VERSION,
                "gds": GDS_VERSION,
                "browser": BROWSER_VERSION,
            }
        )
    )
    log.append(f"installed Neo4j {NEO4J_VERSION} + GDS {GDS_VERSION} into {local.home}")
    return log


# ---------------------------------------------------------------------------- config

JVM_FLAGS = (
    # The server.jvm.additional lines of the stock 5.26 neo4j.conf.
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
)


def render_conf(local: LocalNeo4j) -> str:
    """The neo4j.conf for an instance (only real 5.26 keys: Neo4j validates strictly)."""
    lines = [
        "# Generated by community-map (service/neo4j_local.py); edits are overwritten on start.",
        f"server.directories.data={local.data_dir}",
        f"server.directories.logs={local.logs_dir}",
        f"server.directories.run={local.instance_dir / 'run'}",
        f"server.directories.import={local.import_dir}",
        f"server.directories.plugins={local.home / 'plugins'}",
        f"server.directories.lib={local.home / 'lib'}",
        "server.default_listen_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{local.bolt_port}",
        f"server.bolt.advertised_address=127.0.0.1:{local.bolt_port}",
        f"server.http.listen_address=127.0.0.1:{local.http_port}",
        f"server.http.advertised_address=127.0.0.1:{local.http_port}",
        "server.https.enabled=false",
        # Heap holds GDS in-memory graphs and query state; page cache holds the store.
        # Defaults (4g + 2g) fit the 100k-account benchmark graph with room to spare on a
        # 2-core / 24 GB box that also runs gunicorn and the test runner.
        f"server.memory.heap.initial_size={local.heap}",
        f"server.memory.heap.max_size={local.heap}",
        f"server.memory.pagecache.size={local.pagecache}",
        "db.tx_log.rotation.retention_policy=1G size",
        # A self-hosted analytics service does not phone home: no usage report from the
        # server, and Browser (and Bloom) start with product analytics off (no consent
        # banner, nothing sent). Both are real 5.26 Community keys (strict validation).
        "dbms.usage_report.enabled=false",
        "client.allow_telemetry=false",
        "dbms.security.procedures.unrestricted=gds.*",
        "dbms.security.procedures.allowlist=gds.*",
        "server.logs.gc.enabled=false",
    ]
    lines += [f"server.jvm.additional={flag}" for flag in JVM_FLAGS]
    return "\n".join(lines) + "\n"


def _launcher_env(local: LocalNeo4j) -> dict[str, str]:
    env = dict(os.environ)
    java = find_java()
    env["JAVA_HOME"] = str(java.parent.parent)
    env["NEO4J_HOME"] = str(local.home)
    env["NEO4J_CONF"] = str(local.conf_dir)
    env.pop("JAVA_OPTS", None)
    env.pop("HEAP_SIZE", None)
    return env


def _java_cmd(local: LocalNeo4j, main: str, *args: str) -> list[str]:
    java = find_java()
    return [
        str(java),
        "-cp",
        f"{local.home / 'lib'}/*",
        f"-Dbasedir={local.home}",
        main,
        *args,
    ]


def _run(local: LocalNeo4j, main: str, *args: str, timeout: float = 180) -> str:
    proc = subprocess.run(
        _java_cmd(local, main, *args),
        cwd=local.home,
        env=_launcher_env(local),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise ProvisionError(f"neo4j {' '.join(args)} failed ({proc.returncode}):\n{out[-3000:]}")
    return out


def prepare_instance(local: LocalNeo4j) -> None:
    """Write the instance's config; set the initial password before the first start."""
    for folder in (local.conf_dir, local.data_dir, local.logs_dir, local.import_dir):
        folder.mkdir(parents=True, exist_ok=True)
    (local.instance_dir / "run").mkdir(exist_ok=True)
    (local.conf_dir / "neo4j.conf").write_text(render_conf(local))
    if not (local.data_dir / "dbms" / "auth.ini").exists():
        if len(local.password) < 8:
            raise ProvisionError("NEO4J_PASSWORD must have at least 8 characters")
        _run(local, ADMIN, "dbms", "set-initial-password", local.password)


# ---------------------------------------------------------------------------- control


def read_pid(local: LocalNeo4j) -> int | None:
    """The server's pid when its pid file names a live process."""
    try:
        pid = int(local.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def probe(local: LocalNeo4j) -> dict[str, str]:
    """Ask the running server for its Neo4j and GDS versions over Bolt."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(
        local.bolt_uri, auth=(local.user, local.password), connection_timeout=3
    ) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition "
            "RETURN versions[0] AS neo4j, edition, gds.version() AS gds",
            routing_="r",
        )
    row = records[0]
    return {"neo4j": row["neo4j"], "edition": row["edition"], "gds": row["gds"]}


def wait_ready(local: LocalNeo4j, timeout: float = 180) -> dict[str, str]:
    """Block until Bolt answers and ``gds.version()`` works; raise with the log tail if not."""
    deadline = time.monotonic() + timeout
    last_error = "not started"
    while time.monotonic() < deadline:
        if read_pid(local) is None and not port_open(local.bolt_port):
            # the launcher wrote a pid at start; a dead pid means the server exited
            if local.pid_file.exists() or last_error != "not started":
                break
        if port_open(local.bolt_port):
            try:
                return probe(local)
            except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
                last_error = str(exc)
        time.sleep(1)
    raise ProvisionError(
        f"Neo4j did not become ready in {timeout:.0f}s ({last_error}). "
        f"Log tail:\n{log_tail(local)}"
    )


def log_tail(local: LocalNeo4j, lines: int = 30) -> str:
    """Last lines of the instance's neo4j.log (and debug.log on a failed start)."""
    chunks = []
    for name in ("neo4j.log", "debug.log"):
        path = local.logs_dir / name
        if path.exists():
            chunks.append(f"--- {path}\n" + "\n".join(path.read_text().splitlines()[-lines:]))
    return "\n".join(chunks) or "(no logs yet)"


def start(local: LocalNeo4j, timeout: float = 180) -> tuple[bool, dict[str, str]]:
    """Provision if needed and start; returns (started_now, versions). No-op if running."""
    if read_pid(local) is not None and port_open(local.bolt_port):
        return False, wait_ready(local, timeout)
    for port in (local.bolt_port, local.http_port):
        if port_open(port):
            raise ProvisionError(
                f"port {port} is in use by another process; choose others with "
                "CM_NEO4J_BOLT_PORT / CM_NEO4J_HTTP_PORT"
            )
    install(local)
    prepare_instance(local)
    _run(local, LAUNCHER, "start")
    return True, wait_ready(local, timeout)


def stop(local: LocalNeo4j, timeout: float = 120) -> bool:
    """Stop the server cleanly; returns False when it was not running."""
    pid = read_pid(local)
    if pid is None:
        return False
    _run(local, LAUNCHER, "stop", timeout=timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.5)
    raise ProvisionError(f"Neo4j (pid {pid}) did not stop within {timeout:.0f}s")


def admin(local: LocalNeo4j, *args: str, timeout: float = 3600) -> str:
    """Run a ``neo4j-admin`` command against this instance (server stopped when it must be)."""
    return _run(local, ADMIN, *args, timeout=timeout)
