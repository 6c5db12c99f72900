"""truth.json: what the generator planted, for tests and benchmarks to score against."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from .adoptions import Launches
from .names import ITEMS
from .output import Labels
from .population import Population
from .spec import CHUNK, GraphSpec


def planted(spec: GraphSpec, pop: Population, labels: Labels, plan: Launches) -> dict[str, Any]:
    """Everything planted but the community of each account.

    ``leaders`` and ``topics`` per community; ``topic_leaders``: per topic, the leaders of
    the communities about it (the accounts a topical ranking should name first);
    ``inauthentic`` (bought followers), ``giants`` (many followers, no response),
    ``pods`` (rings that engage each other's posts), ``tiny`` (a few single-topic posts,
    a like or two); ``items`` each community adopts; the ``spec``."""
    acc = labels.accounts
    topic_leaders: dict[str, list[str]] = defaultdict(list)
    for c, lead in enumerate(pop.leaders):
        for topic in pop.topics_of(c):
            topic_leaders[topic].extend(acc[lead].tolist())
    return {
        "leaders": {str(c): acc[lead].tolist() for c, lead in enumerate(pop.leaders)},
        "topics": {str(c): pop.topics_of(c) for c in range(spec.communities)},
        "topic_leaders": {t: sorted(topic_leaders[t]) for t in sorted(topic_leaders)},
        "inauthentic": acc[pop.inauthentic].tolist(),
        "giants": acc[pop.giants].tolist(),
        "pods": [acc[pod].tolist() for pod in pop.pods],
        "tiny": acc[pop.tiny].tolist(),
        "items": {str(c): [ITEMS[i] for i in its] for c, its in enumerate(plan.items)},
        "spec": spec.to_json(),
    }


def write_truth(path: Path, spec: GraphSpec, pop: Population, labels: Labels,
                plan: Launches) -> Path:
    """Write truth.json: ``communities`` (account id -> planted community number, written a
    chunk at a time), then everything :func:`planted` lists."""
    acc = labels.accounts
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{\n "communities": {')
        for lo in range(0, spec.accounts, CHUNK):
            hi = min(lo + CHUNK, spec.accounts)
            pairs = zip(acc[lo:hi].tolist(), pop.comm[lo:hi].tolist(), strict=True)
            fh.write(("," if lo else "") + ",".join(f'\n  "{a}": {c}' for a, c in pairs))
        rest = json.dumps(planted(spec, pop, labels, plan), indent=1)
        fh.write("\n },\n" + rest[2:] + "\n")
    return path
