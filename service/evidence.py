"""Evidence-weighted estimates of ratios: empirical-Bayes shrinkage toward the population.

A share k / n (engaged followers / followers, responders / community, posts about a topic
/ posts) is estimated as the mean of its Beta-binomial posterior,

    value = (k + s·m) / (n + s)

where the prior Beta(s·m, s·(1 - m)) is fitted to the whole population by the method of
moments: m = Σk / Σn (the pooled share) and the prior strength s (pseudo-observations)
from how much the accounts' shares vary beyond binomial noise. s is kept within
[PRIOR_FLOOR, PRIOR_CAP]: one like on one post moves a share only 1 / (1 + s) of the way
from the population's share, and a well-evidenced account is never drowned by the prior.
No evidence (n = 0) gives the prior mean: unknown is "like everyone", not 0 and not 1.
The interval is the Wilson score interval (90%) of the posterior pseudo-counts.

A rate per unit of exposure (interactions per post per follower) is estimated the same
way with a Gamma-Poisson prior: value = (k + a) / (x + b), a / b = the pooled rate.

Pure numpy over arrays (one element per account); no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

PRIOR_FLOOR = 10.0  # pseudo-observations a prior counts for at least
PRIOR_CAP = 200.0  # ... and at most
Z90 = 1.6449  # two-sided 90% normal quantile


@dataclass(frozen=True)
class Prior:
    """A Beta prior as a mean share and a strength (pseudo-observations)."""

    mean: float
    strength: float

    @staticmethod
    def fit(successes: npt.ArrayLike, trials: npt.ArrayLike, floor: float = PRIOR_FLOOR,
            cap: float = PRIOR_CAP, default: float = 0.5) -> Prior:
        """Method-of-moments Beta-binomial prior of a population's shares.

        With n_i-weighted shares, E[Σ w_i (p_i - m)²] = m(1 - m)[ρ + (1 - ρ)·M / N] for M
        accounts with N trials in all and ρ = 1 / (s + 1): solved for s, kept within
        [floor, cap]. ``default`` is the mean when nobody has any trials."""
        k, n = _arrays(successes, trials)
        has = n > 0
        if not has.any():
            return Prior(default, floor)
        k, n = k[has], n[has]
        total = float(n.sum())
        m = float(np.clip(k.sum() / total, 1e-6, 1 - 1e-6))
        spread = float((n / total * (k / n - m) ** 2).sum()) / (m * (1 - m))
        noise = len(n) / total
        rho = (spread - noise) / (1 - noise) if noise < 1 else 1.0
        strength = cap if rho <= 0 else 1 / rho - 1
        return Prior(m, float(np.clip(strength, floor, cap)))


@dataclass(frozen=True)
class Estimate:
    """Shrunk values with their evidence and 90% intervals (arrays, one per account)."""

    value: FloatArray
    low: FloatArray
    high: FloatArray
    successes: FloatArray
    trials: FloatArray

    def at(self, i: int, successes: str = "successes", trials: str = "trials"
           ) -> dict[str, Any]:
        """One account's estimate as JSON-ready numbers (4 digits; counts 2), its counts
        under the given names."""
        value, low, high, k, n = self._rounded
        return {"value": value[i], "interval": [low[i], high[i]], successes: k[i],
                trials: n[i]}

    @cached_property
    def _rounded(self) -> tuple[list[float], ...]:
        # rounded once for every account: one row per account reads them (a refresh
        # spent seconds rounding element by element)
        return (np.round(self.value, 4).tolist(), np.round(self.low, 4).tolist(),
                np.round(self.high, 4).tolist(), np.round(self.successes, 2).tolist(),
                np.round(self.trials, 2).tolist())


def _arrays(successes: npt.ArrayLike, trials: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    if np.any(k < 0) or np.any(k > n + 1e-9):
        raise ValueError("successes must be within [0, trials]")
    return k, n


def wilson(successes: npt.ArrayLike, trials: npt.ArrayLike,
           z: float = Z90) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval of k successes in n trials ([0, 1] when n = 0)."""
    k, n = _arrays(successes, trials)
    safe = np.where(n > 0, n, 1.0)
    p = k / safe
    centre = (p + z * z / (2 * safe)) / (1 + z * z / safe)
    half = z * np.sqrt(p * (1 - p) / safe + z * z / (4 * safe * safe)) / (1 + z * z / safe)
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    return low, high


def shrink(successes: npt.ArrayLike, trials: npt.ArrayLike, prior: Prior) -> Estimate:
    """Posterior-mean shares (k + s·m) / (n + s) with Wilson intervals of the pseudo-counts."""
    k, n = _arrays(successes, trials)
    a = k + prior.strength * prior.mean
    b = n + prior.strength
    low, high = wilson(a, b)
    return Estimate(value=a / b, low=low, high=high, successes=k, trials=n)


def shrink_rate(counts: npt.ArrayLike, exposure: npt.ArrayLike,
                floor: float = 2.0) -> Estimate:
    """Gamma-Poisson posterior-mean rates (k + a) / (x + b), the prior fitted by moments.

    Pooled rate r = Σk / Σx; the rates' exposure-weighted variance beyond Poisson noise
    (r·M / Σx) gives the prior's shape a = r² / var (at least ``floor`` pseudo-counts),
    b = a / r. The interval is ± 1.645 posterior standard deviations, floored at 0."""
    k = np.asarray(counts, dtype=np.float64)
    x = np.asarray(exposure, dtype=np.float64)
    has = x > 0
    if not has.any() or k[has].sum() <= 0:
        zero = np.zeros(len(k))
        return Estimate(zero, zero, zero, k, x)
    total = float(x[has].sum())
    r = float(k[has].sum()) / total
    var = float((x[has] / total * (k[has] / x[has] - r) ** 2).sum()) - r * has.sum() / total
    a = max(floor, r * r / var) if var > 0 else 1e6
    b = a / r
    value = (k + a) / (x + b)
    sd = np.sqrt(k + a) / (x + b)
    return Estimate(value=value, low=np.maximum(value - Z90 * sd, 0.0), high=value + Z90 * sd,
                    successes=k, trials=x)
