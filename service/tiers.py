"""Follower tiers of influencer marketing (nano to mega): names, bounds and parsing.

A tier is a half-open follower range [lower bound, next tier's lower bound); mega has no
upper bound. The bounds are the industry's usual ones by default and configurable with
``CM_TIERS`` (``nano:0,micro:10000,...``: every tier once, lower bounds ascending).
"""

from __future__ import annotations

TIER_NAMES: tuple[str, ...] = ("nano", "micro", "mid", "macro", "mega")
DEFAULT_TIERS: tuple[tuple[str, int], ...] = (
    ("nano", 0), ("micro", 10_000), ("mid", 50_000), ("macro", 500_000), ("mega", 1_000_000))

Tiers = tuple[tuple[str, int], ...]


def parse_tiers(raw: str) -> Tiers:
    """``name:lower,...`` into tiers in TIER_NAMES order; ValueError says what is wrong."""
    bounds: dict[str, int] = {}
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        name, sep, value = part.partition(":")
        name = name.strip()
        if not sep or name not in TIER_NAMES:
            raise ValueError(f"expected name:lower_bound with a name in {', '.join(TIER_NAMES)}, "
                             f"got {part!r}")
        if name in bounds:
            raise ValueError(f"tier {name!r} given twice")
        try:
            bounds[name] = int(value)
        except ValueError:
            raise ValueError(f"tier {name!r}: expected an integer, got {value!r}") from None
    missing = [n for n in TIER_NAMES if n not in bounds]
    if missing:
        raise ValueError(f"every tier needs a lower bound; missing {', '.join(missing)}")
    lows = [bounds[n] for n in TIER_NAMES]
    if lows[0] < 0 or any(b <= a for a, b in zip(lows, lows[1:], strict=False)):
        raise ValueError(f"lower bounds must be >= 0 and strictly ascending, got {lows}")
    return tuple((n, bounds[n]) for n in TIER_NAMES)


def tier_range(tiers: Tiers, name: str) -> tuple[int, int | None]:
    """[lower, upper) followers of a tier (upper None: unbounded)."""
    names = [n for n, _ in tiers]
    at = names.index(name)
    return tiers[at][1], tiers[at + 1][1] if at + 1 < len(tiers) else None


def tier_of(tiers: Tiers, followers: int) -> str | None:
    """The tier of a follower count (None below the lowest tier's bound)."""
    found = None
    for name, lower in tiers:
        if followers >= lower:
            found = name
    return found
