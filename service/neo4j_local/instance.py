"""A local Neo4j instance: where it lives, its ports, memory and password (from CM_NEO4J_*)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
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
