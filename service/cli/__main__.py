"""``python -m service.cli``: the command line (the API's refresh worker uses this)."""

from __future__ import annotations

from . import main

main()
