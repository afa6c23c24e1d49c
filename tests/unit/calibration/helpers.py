"""Synthetic cases for the calibration tests, whose true parameter is known."""

from __future__ import annotations

import numpy as np
import yaml
from scipy import integrate

from sim.scenario import Scenario, parse_scenario_text
from tests.helpers import one_region

#: The prior of the synthetic incident hazard (per year).
LAMBDA_HIGH = 0.3


def incident_case(name: str = "synthetic", *, horizon: int = 6, observed=None, draws=200, **kw):
    """One region split evenly, war far costlier than peace: the ceasefire is always
    agreed and only an incident (hazard ~ uniform(0, 0.3) a year) breaks it, so its
    survival is (1 - λ)^t exactly. ``kw`` go to :func:`tests.helpers.one_region`."""
    kw.setdefault("cost_a", 2.0)
    kw.setdefault("cost_b", 2.0)
    data = yaml.safe_load(
        one_region(incident=f"uniform(0, {LAMBDA_HIGH})", horizon=horizon, draws=draws, **kw)
    )
    data["name"] = name
    if observed is not None:
        data["observed"] = observed
    return data


def scenario(data: dict) -> Scenario:
    return parse_scenario_text(yaml.safe_dump(data, sort_keys=False), f"{data['name']}.yaml")


def simulated_table(n: int, lam: float, seed: int = 0) -> dict:
    """The survival table of ``n`` histories of the draw λ = ``lam``: each breaks in year
    k >= 1 with probability (1 - λ)^(k-1) λ."""
    years = np.random.default_rng(seed).geometric(lam, size=n)
    return {"survival": {y: float(np.mean(years > y)) for y in (1, 2, 5)}, "cases": n}


def exact_posterior(table: dict) -> tuple[float, float]:
    """Posterior mean and sd of λ given the table, by numerical integration on the prior."""
    times = sorted(table["survival"])
    shares = [1.0] + [table["survival"][t] for t in times]
    n = table["cases"]
    counts = [n * (shares[b] - shares[b + 1]) for b in range(len(times))] + [n * shares[-1]]
    edges = [0, *times]

    def loglik(lam: float) -> float:
        s = [(1 - lam) ** t for t in edges]
        q = [s[b] - s[b + 1] for b in range(len(times))] + [s[-1]]
        return sum(c * np.log(qb) for c, qb in zip(counts, q, strict=True) if c > 0)

    grid = np.linspace(1e-6, LAMBDA_HIGH - 1e-6, 2001)
    top = max(loglik(x) for x in grid)

    def dens(lam: float) -> float:
        return float(np.exp(loglik(lam) - top))

    points = list(grid[::200])
    mass = integrate.quad(dens, 0, LAMBDA_HIGH, points=points, limit=400)[0]
    mean = integrate.quad(lambda x: x * dens(x), 0, LAMBDA_HIGH, points=points, limit=400)[0]
    second = integrate.quad(lambda x: x * x * dens(x), 0, LAMBDA_HIGH, points=points, limit=400)[0]
    mean /= mass
    return mean, float(np.sqrt(second / mass - mean**2))


def simulated_histories(k: int, lam: float, horizon: int, seed: int = 0) -> list[dict]:
    """``k`` single histories of the draw λ = ``lam``, each an observed block: broken by an
    incident in period ``year - 1`` (a geometric year >= 1), or, if not within the
    horizon, held the whole horizon (censored)."""
    years = np.random.default_rng(seed).geometric(lam, size=k)
    return [
        {"broke_after_years": float(y - 1), "broken_by": "incident"}
        if y - 1 < horizon
        else {"held_at_least_years": horizon}
        for y in years
    ]


def exact_posterior_of_histories(observed: list[dict], horizon: int) -> tuple[float, float]:
    """Posterior mean and sd of λ given single histories, by numerical integration."""

    def lik(lam: float) -> float:
        return float(
            np.prod(
                [
                    (1 - lam) ** o["broke_after_years"] * lam
                    if "broke_after_years" in o
                    else (1 - lam) ** horizon
                    for o in observed
                ]
            )
        )

    mass = integrate.quad(lik, 0, LAMBDA_HIGH, limit=200)[0]
    mean = integrate.quad(lambda x: x * lik(x), 0, LAMBDA_HIGH, limit=200)[0] / mass
    second = integrate.quad(lambda x: x * x * lik(x), 0, LAMBDA_HIGH, limit=200)[0] / mass
    return mean, float(np.sqrt(second - mean**2))
