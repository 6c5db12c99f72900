"""``python -m service.cli``: the command line (``community-map`` without the entry point)."""

from __future__ import annotations

from . import main

main()
