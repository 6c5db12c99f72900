"""Seeded, deterministic generator of realistic social graphs with planted communities,
leaders and the accounts that fool naive rankings (``community-map generate``)."""

from __future__ import annotations

from .generator import generate
from .names import ITEMS, TOPICS
from .spec import COLUMNS, FORMATS, PRESETS, GraphSpec

__all__ = ["COLUMNS", "FORMATS", "ITEMS", "PRESETS", "TOPICS", "GraphSpec", "generate"]
