"""How a map is drawn, shared by the map page and the exports: colours and member positions.

A community's colour follows its rank in the run (largest first), so the map page, GEXF and
GraphML files show the same community in the same colour. A member sits inside its
community's disc (radius ``sqrt(size)`` around the layout position), leaders at the centre.
"""

from __future__ import annotations

import math

# 20 distinguishable hues (Tableau 20 order: strong tones first, then their light pairs)
PALETTE = (
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
    (174, 199, 232), (255, 187, 120), (152, 223, 138), (255, 152, 150), (197, 176, 213),
    (196, 156, 148), (247, 182, 210), (199, 199, 199), (219, 219, 141), (158, 218, 229),
)
UNCLUSTERED = (190, 190, 190)
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


def colour(rank: int | None) -> tuple[int, int, int]:
    """The colour of the community of that rank (0 = largest); grey when there is none.

    Past the palette, hues repeat darker each round so neighbours stay distinct."""
    if rank is None or rank < 0:
        return UNCLUSTERED
    r, g, b = PALETTE[rank % len(PALETTE)]
    shade = 0.75 ** (rank // len(PALETTE))
    return round(r * shade), round(g * shade), round(b * shade)


def hex_colour(rank: int | None) -> str:
    """``colour`` as ``#rrggbb``."""
    return "#{:02x}{:02x}{:02x}".format(*colour(rank))


def member_position(centre: tuple[float, float], size: int,
                    leader_rank: int) -> tuple[float, float]:
    """Where member number ``leader_rank`` (1 = top leader) of a community sits: on a
    sunflower spiral filling the community's disc, so the leaders are at its centre."""
    j = max(leader_rank, 1)
    radius = math.sqrt(max(size, 1)) * math.sqrt((j - 0.5) / max(size, 1)) * 0.95
    angle = j * GOLDEN_ANGLE
    return centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)


def member_size(leader_score: float | None) -> float:
    """A member's drawn size in layout units (0.3 .. 1.5, by leader score)."""
    return round(0.3 + 1.2 * max(0.0, min(1.0, leader_score or 0.0)), 3)
