"""Building the Neo4j home from Maven Central: Java found, server and GDS plugin jars built."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from .instance import (
    BROWSER_VERSION,
    GDS_VERSION,
    NEO4J_VERSION,
    PROVISION_DIR,
    SUPPORTED_JAVA,
    LocalNeo4j,
    ProvisionError,
)

# ---------------------------------------------------------------------------- java


@functools.cache  # it runs `java -version`: once per process is enough
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
