"""Scale: generate, import and fully refresh 10k, 100k and 1M-account graphs; time and memory.

Command: ``python -m bench.scale`` (``--sizes 10k,100k`` for fewer; ``--heap``/``--pagecache``
for the server). Each size is generated (the ``scale`` preset at 1M, the ``bench`` preset at
100k, the bench preset scaled down at 10k), imported with ``community-map import`` and
refreshed with ``community-map refresh`` (influence and seed sets included), each step a
process of its own timed by GNU time (peak resident memory, ``Maximum resident set size``
of the process and the children it waited for). The server's own peak (VmHWM of its JVM)
is read after the refresh. Not part of ``make test``: the 1M run takes most of an hour.
Each size's figures are kept in ``var/scale-<size>/result.json``; ``--report`` lists the
sizes to report, those not run now as an earlier run kept them (their times are shown).
Default server memory (heap 6g, page cache 2g) is the setting for big graphs on 24 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from service import neo4j_local
from service.db import Database
from service.demo import PRESETS, GraphSpec
from service.refresh.runs import current_run

from .instances import PORTS, instance_settings
from .results import write_section

ROOT = Path(__file__).resolve().parents[1]
INSTANCE = "scale"
SIZES: dict[str, GraphSpec] = {
    "10k": replace(PRESETS["bench"], accounts=10_000, follows=100_000, interactions=100_000,
                   posts=5_000, adoptions=2_000, communities=6, giants=3, pods=2),
    "100k": PRESETS["bench"],
    "1m": PRESETS["scale"],
}


@dataclass
class Step:
    """One timed process: wall seconds, peak RSS (MB), exit code, output."""

    seconds: float
    peak_mb: float
    code: int
    output: str


def timed(args: list[str], env: dict[str, str]) -> Step:
    """Run a command under GNU time; its wall time and peak resident memory."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *args], env=env, capture_output=True,
                          text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    peak = int(match.group(1)) / 1024 if match else float("nan")
    return Step(seconds, peak, proc.returncode, proc.stdout + proc.stderr)


def server_peak_mb(pid: int | None) -> float:
    """The server JVM's peak resident memory so far (VmHWM), MB."""
    if pid is None:
        return float("nan")
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    match = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else float("nan")


def generate_script(spec: GraphSpec, out: Path) -> list[str]:
    """A Python process that generates ``spec`` into ``out`` (timed on its own)."""
    code = ("import json, sys; from pathlib import Path; "
            "from service.demo import GraphSpec, generate; "
            "from datetime import datetime; d = json.loads(sys.argv[1]); "
            "d['end'] = datetime.fromisoformat(d['end']); "
            "generate(GraphSpec(**d), Path(sys.argv[2]))")
    return [sys.executable, "-c", code, json.dumps(spec.to_json()), str(out)]


def run_size(name: str, env: dict[str, str]) -> dict[str, Any]:
    """Generate (unless present), import and refresh one size; what each step took."""
    spec, data = SIZES[name], ROOT / "var" / f"scale-{name}"
    out: dict[str, Any] = {"size": name, "spec": spec}
    if not (data / "truth.json").exists():
        print(f"[{name}] generating ...", flush=True)
        out["generate"] = check(timed(generate_script(spec, data), env), "generate")
    cli = [sys.executable, "-m", "service.cli"]
    print(f"[{name}] importing ...", flush=True)
    out["import"] = check(timed([*cli, "import", "--dir", str(data), "--force",
                                 "--rejects", str(data / "rejects.csv")], env), "import")
    out["import_stages"] = dict(re.findall(r"(\w+) ([\d.]+)s", out["import"].output.split(
        "timings:")[-1])) if "timings:" in out["import"].output else {}
    print(f"[{name}] import {out['import'].seconds:.0f} s, peak RSS "
          f"{out['import'].peak_mb:,.0f} MB", flush=True)
    print(f"[{name}] refreshing ...", flush=True)
    out["refresh"] = check(timed([*cli, "refresh"], env), "refresh")
    settings = instance_settings(INSTANCE)
    database = Database(settings)
    try:
        run = database.fetch("runs/get_run", runId=current_run(database)["runId"])[0]["run"]
    finally:
        database.close()
    out["timings"] = json.loads(run["timings"])
    out["server_peak_mb"] = server_peak_mb(neo4j_local.read_pid(settings.local))
    print(f"[{name}] refresh {out['refresh'].seconds:.0f} s {out['timings']}", flush=True)
    save(data / "result.json", out, run)
    return out


def save(path: Path, out: dict[str, Any], run: dict[str, Any]) -> None:
    """Keep a size's figures beside its data, so a later run can report it unchanged."""
    kept = {"size": out["size"], "import_stages": out["import_stages"],
            "timings": out["timings"], "server_peak_mb": out["server_peak_mb"],
            "heap": os.environ.get("CM_NEO4J_HEAP"),
            "pagecache": os.environ.get("CM_NEO4J_PAGECACHE"),
            "started": str(run.get("startedAt"))[:16], "finished": str(run.get("finishedAt"))[:16],
            **{step: {"seconds": out[step].seconds, "peak_mb": out[step].peak_mb}
               for step in ("import", "refresh")}}
    path.write_text(json.dumps(kept, indent=1))


def load(name: str, kept: bool) -> dict[str, Any] | None:
    """A size's figures as an earlier run kept them (None: never measured)."""
    path = ROOT / "var" / f"scale-{name}" / "result.json"
    if not path.exists():
        return None
    saved = json.loads(path.read_text())
    return {**saved, "spec": SIZES[name], "kept": kept,
            **{step: Step(saved[step]["seconds"], saved[step]["peak_mb"], 0, "")
               for step in ("import", "refresh")}}


def check(step: Step, what: str) -> Step:
    """Stop the benchmark, showing the output's tail, when a step failed."""
    if step.code != 0:
        raise SystemExit(f"{what} failed ({step.code}):\n{step.output[-3000:]}")
    return step


def report(results: list[dict[str, Any]], heap: str, pagecache: str) -> str:
    """The RESULTS.md section: per size, steps and stages; growth per 10x."""
    stages = sorted({k for r in results for k in r["timings"]},
                    key=lambda k: list(results[-1]["timings"]).index(k)
                    if k in results[-1]["timings"] else 99)
    head = "| | " + " | ".join(r["size"] for r in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    row("accounts / follows / interactions", [
        f"{r['spec'].accounts:,} / {r['spec'].follows:,} / {r['spec'].interactions:,}"
        for r in results])
    row("Neo4j heap / page cache", [f"{r.get('heap')} / {r.get('pagecache')}" for r in results])
    row("import s (peak RSS MB)", [f"{r['import'].seconds:.0f} ({r['import'].peak_mb:,.0f})"
                                   for r in results])
    row("import stages", [", ".join(f"{k} {float(v):.0f}" for k, v in
                                    r["import_stages"].items()) for r in results])
    row("**refresh s** (peak RSS MB)", [f"**{r['refresh'].seconds:.0f}** "
                                        f"({r['refresh'].peak_mb:,.0f})" for r in results])
    for stage in stages:
        row(f"  stage {stage}", [f"{r['timings'].get(stage, 0):.1f}" for r in results])
    row("Neo4j server peak RSS MB", [f"{r['server_peak_mb']:,.0f}" for r in results])
    growth = []
    for a, b in zip(results, results[1:], strict=False):
        refresh = b["refresh"].seconds / a["refresh"].seconds
        imported = b["import"].seconds / a["import"].seconds
        growth.append(f"{a['size']} → {b['size']}: refresh {refresh:.1f}x, "
                      f"import {imported:.1f}x")
    row("refresh measured (UTC)", [f"{r.get('started', '')} – {r.get('finished', '')[11:]}"
                                   + (" (kept from an earlier run)" if r.get("kept") else "")
                                   for r in results])
    return "\n".join([
        f"Neo4j heap {heap}, page cache {pagecache} (`CM_NEO4J_HEAP`, `CM_NEO4J_PAGECACHE`). "
        "Command: `python -m bench.scale`. Each step is its own process under GNU time.", "",
        *lines, "", "Growth per 10x of data (goal: ≤ 12x): " + "; ".join(growth)])


def main() -> None:
    """Run the sizes in order and rewrite the "Scale" section of bench/RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--report", default="10k,100k,1m",
                        help="sizes to report: those run now, the others as kept by an "
                             "earlier run (var/scale-<size>/result.json)")
    # the settings for big graphs: ~9 GB for the server leaves the refresh process ~14 GB
    parser.add_argument("--heap", default="6g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    bolt, http = PORTS[INSTANCE]
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    env.update(CM_NEO4J_INSTANCE=INSTANCE, CM_NEO4J_BOLT_PORT=str(bolt),
               CM_NEO4J_HTTP_PORT=str(http), CM_NEO4J_HEAP=args.heap,
               CM_NEO4J_PAGECACHE=args.pagecache)
    os.environ.update(env)
    measured, failure = {}, ""
    for name in args.sizes.split(","):
        try:
            measured[name] = run_size(name, env)
        except SystemExit as exc:  # a failed step: report the sizes done and what failed
            failure = f"**{name} failed**: {str(exc)[:1500]}"
            print(failure, flush=True)
            break
    # every size as kept beside its data (those run now were just saved there)
    results = [r for r in (load(name, kept=name not in measured)
                           for name in args.report.split(",")) if r is not None]
    body = report(results, args.heap, args.pagecache) if results else ""
    body += f"\n\n{failure}" if failure else ""
    print(body)
    if not args.no_write:
        write_section("Scale", body)


if __name__ == "__main__":
    main()
