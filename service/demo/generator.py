"""generate(): write a seeded synthetic social graph, entity by entity, a chunk at a time.

Memory stays bounded: per-account arrays and the posts are held (interactions pick their
targets' posts); follows, interactions and adoptions are made a block of accounts at a
time (each block's rows are distinct by construction, since every key holds the block's
account) and written as they are made. Each block has its own random stream, so the
files depend on the spec (seed included) only. Rows are in time order within a block.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..vocabulary import ENTITIES
from .adoptions import adoption_blocks, launches
from .follows import follow_blocks
from .interactions import interaction_blocks
from .output import Labels, Table
from .population import GIANT, INAUTHENTIC, Population, population
from .posts import make_posts
from .rows import (
    account_columns,
    adoption_columns,
    follow_columns,
    interaction_columns,
    post_columns,
)
from .sampling import IntArray, stream
from .spec import CHUNK, COLUMNS, FORMATS, GraphSpec, validate
from .truth import write_truth


def generate(spec: GraphSpec, out_dir: Path, fmt: str = "csv") -> dict[str, Path]:
    """Generate the graph described by `spec` into `out_dir` and return entity -> file path
    (and "truth" -> truth.json)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    validate(spec)
    pop = population(spec)
    posts = make_posts(spec, pop)
    labels = Labels.of(spec)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {entity: out_dir / f"{entity}.{fmt}" for entity in ENTITIES}
    in_degree = np.zeros(spec.accounts, dtype=np.int64)
    with Table(paths["follows"], fmt, COLUMNS["follows"]) as table:
        for follows in follow_blocks(spec, pop):
            in_degree += np.bincount(follows.followee, minlength=spec.accounts)
            table.write(follow_columns(follows, labels))
    with Table(paths["posts"], fmt, COLUMNS["posts"]) as table:
        for lo in range(0, spec.posts, CHUNK):
            table.write(post_columns(posts, slice(lo, min(lo + CHUNK, spec.posts)), labels, fmt))
    with Table(paths["interactions"], fmt, COLUMNS["interactions"]) as table:
        for interactions in interaction_blocks(spec, pop, posts):
            table.write(interaction_columns(interactions, labels, fmt))
    plan = launches(spec, pop)
    with Table(paths["adoptions"], fmt, COLUMNS["adoptions"]) as table:
        for adoptions in adoption_blocks(spec, pop, plan):
            table.write(adoption_columns(adoptions, labels))
    followers = declared_followers(spec, pop, in_degree)
    with Table(paths["accounts"], fmt, COLUMNS["accounts"]) as table:
        for chunk, lo in enumerate(range(0, spec.accounts, CHUNK)):
            sl = slice(lo, min(lo + CHUNK, spec.accounts))
            table.write(account_columns(spec.seed, chunk, sl, pop, labels, followers))
    return {**paths, "truth": write_truth(out_dir / "truth.json", spec, pop, labels, plan)}


def declared_followers(spec: GraphSpec, pop: Population, in_degree: IntArray) -> IntArray:
    """The followers_count each account declares: its follower edges and some from outside
    the graph; passive giants' audiences are mostly outside it, inauthentic accounts
    declare what they bought."""
    rng = stream(spec.seed, "plan", 6)
    count = in_degree + rng.poisson(in_degree * 0.5 + 3.0)
    giants = pop.role == GIANT
    count[giants] = (in_degree[giants] * rng.uniform(3.0, 8.0, size=int(giants.sum())))
    fake = pop.role == INAUTHENTIC
    declared = rng.integers(50_000, 200_001, size=int(fake.sum()))
    count[fake] = np.maximum(declared, in_degree[fake] * 2)
    return count.astype(np.int64)
