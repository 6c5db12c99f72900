"""Compact JSON text for the JSON-valued properties a refresh stores (evidence,
components, leaders, seed sets).

orjson instead of the standard encoder: a 100k-account refresh spent ~8 s of Python in
``json.dumps`` building its account and topic rows. The text parses to the same values;
it is compact (no spaces), int keys become strings and numpy numbers are accepted.
"""

from __future__ import annotations

from typing import Any

import orjson

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def dumps(value: Any) -> str:
    """``value`` as compact JSON text."""
    return orjson.dumps(value, option=OPTIONS).decode()
