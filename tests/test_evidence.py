"""Pure unit tests of ``service.evidence``: the method-of-moments prior, shrinkage, Wilson
intervals and Gamma-Poisson rates, on hand-derived numbers. No database."""

from __future__ import annotations

import numpy as np
import pytest

from service.evidence import PRIOR_CAP, PRIOR_FLOOR, Prior, shrink, shrink_rate, wilson


def test_prior_by_moments_on_hand_derived_numbers() -> None:
    # shares 2/10 and 8/10: m = 0.5; n-weighted spread = (0.09 + 0.09) / 2 / 0.25 = 0.36;
    # binomial noise M / N = 2 / 20 = 0.1; rho = (0.36 - 0.1) / 0.9 = 0.2889; s = 1/rho - 1
    prior = Prior.fit([2, 8], [10, 10], floor=0.0)
    assert prior.mean == pytest.approx(0.5)
    assert prior.strength == pytest.approx(1 / (0.26 / 0.9) - 1)
    # ... which the floor lifts: a prior always counts for PRIOR_FLOOR observations
    assert Prior.fit([2, 8], [10, 10]).strength == PRIOR_FLOOR


def test_prior_of_a_homogeneous_population_is_strong() -> None:
    # every share exactly the pooled one: no spread beyond noise, so the prior is capped
    prior = Prior.fit([5, 10, 50], [50, 100, 500])
    assert prior.mean == pytest.approx(0.1)
    assert prior.strength == PRIOR_CAP


def test_prior_without_trials_falls_back() -> None:
    assert Prior.fit([0, 0], [0, 0], default=0.2) == Prior(0.2, PRIOR_FLOOR)


def test_one_like_on_one_post_is_not_a_perfect_score() -> None:
    prior = Prior(mean=0.1, strength=10.0)
    est = shrink([1, 0, 60], [1, 0, 100], prior)
    # (1 + 10 x 0.1) / (1 + 10) = 2 / 11; no evidence = the prior; 61 / 110
    assert est.value == pytest.approx([2 / 11, 0.1, 61 / 110])
    assert est.value[0] < est.value[2] < 1.0
    assert (est.low <= est.value).all() and (est.value <= est.high).all()
    assert est.high[0] - est.low[0] > est.high[2] - est.low[2]  # less evidence, wider
    assert est.at(0) == {"value": 0.1818, "interval": [round(float(est.low[0]), 4),
                                                        round(float(est.high[0]), 4)],
                         "successes": 1.0, "trials": 1.0}


def test_wilson_interval_on_hand_derived_numbers() -> None:
    # k = 5, n = 10, z = 1.6449 (z^2 = 2.7057): centre (0.5 + z^2 / 20) / (1 + z^2 / 10)
    # = 0.5, half-width z sqrt(0.025 + z^2 / 400) / (1 + z^2 / 10) = 0.23073
    low, high = wilson([5, 0], [10, 0])
    assert low[0] == pytest.approx(0.5 - 0.23073, abs=1e-4)
    assert high[0] == pytest.approx(0.5 + 0.23073, abs=1e-4)
    assert (low[1], high[1]) == (0.0, 1.0)  # no trials: anything is possible


def test_shares_must_be_counts_within_their_trials() -> None:
    with pytest.raises(ValueError):
        shrink([3], [2], Prior(0.5, 10.0))


def test_gamma_poisson_rates_on_hand_derived_numbers() -> None:
    # exposures 100 and 100, counts 10 and 30: pooled r = 0.2; exposure-weighted variance
    # (0.01 + 0.01) / 2 = 0.01, minus Poisson noise r x M / X = 0.2 x 2 / 200 = 0.002;
    # shape a = r^2 / 0.008 = 5, b = a / r = 25; no exposure: the prior mean a / b
    est = shrink_rate([10, 30, 0], [100, 100, 0])
    assert est.value == pytest.approx([15 / 125, 35 / 125, 5 / 25])
    assert (est.low >= 0).all() and (est.low <= est.value).all()
    assert (est.value <= est.high).all()
    assert np.all(est.trials == [100, 100, 0])


def test_one_interaction_on_one_post_to_one_follower_is_shrunk() -> None:
    # pooled r = 41 / 401 = 0.10224; weighted variance 0.0045087 - noise 3r / 401 =
    # 0.0037438; a = r^2 / var = 2.792, b = a / r = 27.31: (1 + 2.792) / (1 + 27.31)
    est = shrink_rate([1, 10, 30], [1, 200, 200])
    assert est.value[0] == pytest.approx(0.1339, abs=5e-4)
    assert est.value[0] < est.value[2]  # 30 on 200 beats 1 on 1
