"""Under CI=true a suite that cannot reach Neo4j fails loudly instead of skipping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE_TEST = '''
def test_needs_the_database(database):
    assert database is not None
'''


def test_unreachable_neo4j_fails_under_ci(tmp_path: Path) -> None:
    tests_dir = Path(__file__).parent
    probe = tests_dir / "test_zz_ci_probe_tmp.py"
    probe.write_text(PROBE_TEST)
    try:
        env = dict(os.environ, CI="true", NEO4J_URI="bolt://127.0.0.1:9",
                   NEO4J_PASSWORD="x", CM_NEO4J_CONNECT_TIMEOUT="1")
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
            cwd=tests_dir.parent, env=env, capture_output=True, text=True, timeout=120,
        )
    finally:
        probe.unlink()
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "Neo4j is not reachable" in proc.stdout
    assert "1 error" in proc.stdout or "1 failed" in proc.stdout
    assert " skipped" not in proc.stdout.splitlines()[-1]
