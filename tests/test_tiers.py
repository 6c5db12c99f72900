"""Pure unit tests of ``service.tiers``: follower tiers, their bounds and CM_TIERS parsing."""

from __future__ import annotations

import pytest

from service.settings import SettingsError, load_settings
from service.tiers import DEFAULT_TIERS, parse_tiers, tier_of, tier_range


def test_default_tiers_are_half_open_ranges() -> None:
    assert tier_range(DEFAULT_TIERS, "nano") == (0, 10_000)
    assert tier_range(DEFAULT_TIERS, "mid") == (50_000, 500_000)
    assert tier_range(DEFAULT_TIERS, "mega") == (1_000_000, None)
    assert tier_of(DEFAULT_TIERS, 0) == "nano"
    assert tier_of(DEFAULT_TIERS, 9_999) == "nano"
    assert tier_of(DEFAULT_TIERS, 10_000) == "micro"
    assert tier_of(DEFAULT_TIERS, 2_000_000) == "mega"


def test_tiers_are_configurable_and_validated() -> None:
    tiers = parse_tiers("nano:1000, micro:5000,mid:20000,macro:100000,mega:1000000")
    assert tier_of(tiers, 999) is None  # below the lowest bound: no tier
    assert tier_range(tiers, "micro") == (5_000, 20_000)
    for bad, says in (("nano:0,micro:10", "missing mid"), ("nano:0,nano:1", "twice"),
                      ("giga:1", "name:lower_bound"), ("nano:x", "integer"),
                      ("nano:0,micro:0,mid:1,macro:2,mega:3", "ascending")):
        with pytest.raises(ValueError, match=says):
            parse_tiers(bad)


def test_settings_read_cm_tiers() -> None:
    settings = load_settings({"CM_TIERS": "nano:1,micro:2,mid:3,macro:4,mega:5"})
    assert tier_range(settings.tiers, "mega") == (5, None)
    assert load_settings({}).tiers == DEFAULT_TIERS
    with pytest.raises(SettingsError, match="CM_TIERS"):
        load_settings({"CM_TIERS": "nano:5"})
