"""Topics, adoptable items and the names the demo graph generator gives its accounts."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# Topic vocabulary; every topic has two adoptable items.
TOPIC_ITEMS: dict[str, tuple[str, str]] = {
    "tea": ("green-tea", "oolong-sampler"),
    "coffee": ("cold-brew-kit", "espresso-beans"),
    "running": ("trail-shoes", "gps-watch"),
    "jazz": ("jazz-festival-pass", "blue-note-box"),
    "python": ("type-checker", "notebook-pro"),
    "gardening": ("heirloom-seeds", "compost-bin"),
    "chess": ("chess-clock", "opening-course"),
    "vegan": ("oat-milk", "tofu-press"),
    "crypto": ("hardware-wallet", "staking-app"),
    "football": ("season-ticket", "retro-jersey"),
    "cycling": ("gravel-bike", "bike-lights"),
    "photography": ("prime-lens", "film-camera"),
    "baking": ("sourdough-starter", "stand-mixer"),
    "hiking": ("trekking-poles", "trail-map-app"),
    "climbing": ("chalk-bag", "bouldering-pass"),
    "yoga": ("yoga-mat", "meditation-app"),
    "gaming": ("handheld-console", "mech-keyboard"),
    "anime": ("streaming-pass", "figure-set"),
    "knitting": ("merino-yarn", "knitting-kit"),
    "astronomy": ("telescope", "star-chart-app"),
    "birding": ("binoculars", "bird-feeder"),
    "vinyl": ("turntable", "record-crate"),
    "travel": ("travel-backpack", "rail-pass"),
    "rust": ("rust-book", "embedded-kit"),
    "fishing": ("fly-rod", "tackle-box"),
    "poetry": ("poetry-zine", "writing-retreat"),
    "cinema": ("film-club-pass", "projector"),
    "cooking": ("cast-iron-pan", "spice-box"),
}
TOPICS: tuple[str, ...] = tuple(TOPIC_ITEMS)
ITEMS: tuple[str, ...] = tuple(f"item:{item}" for pair in TOPIC_ITEMS.values() for item in pair)
ITEM_TOPIC: npt.NDArray[np.int64] = np.repeat(np.arange(len(TOPICS), dtype=np.int64), 2)

HANDLE_SUFFIXES = np.array(
    ["lover", "fan", "nerd", "daily", "addict", "guru", "geek", "club", "life", "head", "talk"]
)
FIRST_NAMES = np.array(
    "Ada Ben Chloe Dmitri Elif Farah Gus Hana Ivan Jade Kofi Lena Mateo Nia Omar Priya Quinn "
    "Rosa Sven Tara Umar Vera Wen Ximena Yusuf Zoe Aiko Bruno Carmen Diego Emma Finn".split()
)
LAST_NAMES = np.array(
    "Smith Garcia Okafor Nguyen Kowalski Rossi Haddad Tanaka Muller Silva Ivanova Johansson "
    "Kim Patel Dubois Novak Moreau Costa Larsen Yilmaz Fischer Murphy Santos Chen Mensah "
    "Horvat".split()
)
