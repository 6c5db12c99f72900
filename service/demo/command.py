"""``community-map generate``: write a preset graph's entity files and truth.json."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import click

from .generator import generate
from .spec import FORMATS, PRESETS


@click.command("generate")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default="demo", show_default=True,
              help="demo (3k accounts), bench (100k) or scale (1M: several GB of files).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Override the preset's random seed (same seed, same files).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default var/<preset>).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
def generate_command(preset: str, seed: int | None, out: Path | None, fmt: str) -> None:
    """Generate a synthetic social graph with planted communities, leaders, topics and
    inauthentic accounts: one file per entity (ready for `load --dir` / `import --dir`)
    and truth.json (what was planted)."""
    spec = PRESETS[preset] if seed is None else replace(PRESETS[preset], seed=seed)
    folder = out if out is not None else Path("var") / preset
    began = time.perf_counter()
    paths = generate(spec, folder, fmt)
    elapsed = time.perf_counter() - began
    counts = spec.counts()
    for entity, path in paths.items():
        label = f"{counts[entity]:>10,}" if entity in counts else " " * 10
        click.echo(f"{entity:<13}{label}  {path}")
    click.echo(f"generated preset {preset!r} (seed {spec.seed}) in {elapsed:.2f}s")
