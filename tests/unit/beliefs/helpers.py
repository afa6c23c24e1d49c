"""Shared strategies and constants of the tests of sim.beliefs."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

from sim.beliefs import (
    ALLOWED_FORMS,
    Beta,
    Choice,
    Distribution,
    DistributionError,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
)

FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
USAGES = {
    "uniform": "uniform(low, high)",
    "triangular": "triangular(low, mode, high)",
    "normal": "normal(mu, sd[, low=, high=])",
    "lognormal": "lognormal(mu, sigma)",
    "beta": "beta(a, b[, low=, high=])",
    "choice": "choice([values], [weights])",
}
U_GRID = np.array([0.0, 1e-9, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-9, 1.0])


def names_what_is_allowed(message: str) -> bool:
    """An error message must name what is allowed: the full list or the one usage."""
    return ALLOWED_FORMS in message or any(f"usage: {u}" in message for u in USAGES.values())


# ----------------------------------------------------------------------- strategies

finite = st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)
positive = st.floats(1e-3, 1e3)
beta_shape = st.floats(1e-8, 1e4) | st.floats(0.1, 10)


@st.composite
def distributions(draw: st.DrawFn) -> Distribution:
    kind = draw(st.sampled_from(sorted(USAGES)))
    try:
        if kind == "uniform":
            lo, hi = sorted(draw(st.lists(finite, min_size=2, max_size=2, unique=True)))
            return Uniform(lo, hi)
        if kind == "triangular":
            lo, mode, hi = sorted(draw(st.lists(finite, min_size=3, max_size=3)))
            assume(lo < hi)
            return Triangular(lo, mode, hi)
        if kind == "normal":
            mu, sd = draw(st.floats(-100, 100)), draw(positive)
            bounds = draw(st.sampled_from(["none", "low", "high", "both"]))
            low = mu - draw(st.floats(-1, 5)) * sd if bounds in ("low", "both") else None
            high = mu + draw(st.floats(-1, 5)) * sd if bounds in ("high", "both") else None
            return Normal(mu, sd, low=low, high=high)
        if kind == "lognormal":
            return LogNormal(draw(st.floats(-10, 10)), draw(st.floats(1e-3, 5)))
        if kind == "beta":
            a, b = draw(beta_shape), draw(beta_shape)
            if draw(st.booleans()):
                lo, hi = sorted(draw(st.lists(finite, min_size=2, max_size=2, unique=True)))
                return Beta(a, b, low=lo, high=hi)
            return Beta(a, b)
        values = draw(st.lists(finite, min_size=1, max_size=8))
        if draw(st.booleans()):
            weights = draw(st.lists(st.floats(0, 10), min_size=len(values), max_size=len(values)))
            assume(sum(weights) > 0)
            return Choice(values, weights)
        return Choice(values)
    except DistributionError:
        assume(False)
        raise  # unreachable
