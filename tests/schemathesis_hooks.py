"""Schemathesis hooks for tests/test_contract.py: the one ingest rule OpenAPI cannot state.

Ingest refuses a follow of oneself and an interaction with oneself (422, said in the
operations' descriptions). JSON Schema cannot express "these two fields differ", so the
fuzzer generates such rows as "valid" ones. This hook makes the second account of such a
row differ (same length, last character changed), so the row stays as valid or as invalid
as it was for every other reason. No check is disabled and nothing else is touched.
"""

from __future__ import annotations

from typing import Any

import schemathesis

PAIRS = {"follows": ("follower", "followee"), "interactions": ("actor", "target")}


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    """Make self-referencing follow and interaction rows name two accounts (every phase:
    the coverage phase applies case hooks, not body hooks)."""
    body = case.body
    if not isinstance(body, dict):
        return case
    for entity, (first, second) in PAIRS.items():
        rows = body.get(entity)
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, dict):
                continue
            value = row.get(second)
            if isinstance(value, str) and value and row.get(first) == value:
                row[second] = value[:-1] + ("y" if value.endswith("x") else "x")
    return case
