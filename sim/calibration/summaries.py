"""What a calibration reports: predictive checks per case and the shared beliefs moved.

Every figure is a mean over particles, with equal weights for the prior population and
the posterior's weights for the posterior:

* **prior predictive** of a case: P(observation) under the prior, the mean of the
  particles' probabilities (with its Monte Carlo standard error); **posterior
  predictive**: the same under the posterior. Their ratio says how much better the
  posterior beliefs make the history look; a posterior predictive that stays low says the
  model cannot tell that story well whatever its beliefs;
* acceptance, and survival of an agreed ceasefire at t, as ratios of means,
  Σ w S(t) / Σ w S(0): the share of agreed ceasefires still holding, which is what a
  survival table of a reference class counts (``posterior_survival``);
* with private information, the posterior of the informed actor's type given the
  observation, Σ w π_j P(obs | j) / P(obs) (:func:`~sim.calibration.observation.type_shares`);
* for each shared belief, its prior and posterior mean, standard deviation and 5%, 50% and
  95% quantiles, and how far history moved it (the shift of the mean in prior standard
  deviations, and the ratio of the standard deviations).

The weighted quantiles take the inverted empirical CDF (numpy's ``inverted_cdf`` with
weights, against which the tests check them).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from sim.calibration.cases import Case
from sim.calibration.observation import table_counts
from sim.montecarlo import milestones

__all__ = [
    "QUANTILES",
    "belief_summary",
    "case_summary",
    "survival_curves",
    "weighted_quantiles",
]

#: The quantiles reported for each shared belief.
QUANTILES = (0.05, 0.5, 0.95)


def weighted_quantiles(x: np.ndarray, w: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Quantiles of ``x`` with weights ``w``: the smallest x whose cumulative weight is >= q."""
    order = np.argsort(x, kind="stable")
    xs, cum = x[order], np.cumsum(w[order])
    cum = cum / cum[-1]
    idx = np.searchsorted(cum, np.asarray(qs) - 1e-12, side="left")
    return xs[np.minimum(idx, len(xs) - 1)]


def _moments(x: np.ndarray, w: np.ndarray) -> dict[str, float]:
    w = w / w.sum()
    mean = float(np.sum(w * x))
    sd = float(math.sqrt(max(float(np.sum(w * (x - mean) ** 2)), 0.0)))
    q = weighted_quantiles(x, w, QUANTILES)
    return {"mean": mean, "sd": sd, **{f"q{int(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q, strict=True)}}  # noqa: E501  # fmt: skip


def belief_summary(prior: np.ndarray, post: np.ndarray, w: np.ndarray) -> dict[str, float]:
    """Prior and posterior moments and quantiles of one shared belief, and how far it moved."""
    a = _moments(prior, np.ones_like(prior))
    b = _moments(post, w)
    out = {f"prior_{k}": v for k, v in a.items()}
    out.update({f"posterior_{k}": v for k, v in b.items()})
    out["shift_sd"] = (b["mean"] - a["mean"]) / a["sd"] if a["sd"] > 0 else 0.0
    out["sd_ratio"] = b["sd"] / a["sd"] if a["sd"] > 0 else 1.0
    return out


def _predictive(ll: np.ndarray, w: np.ndarray | None) -> float:
    """Σ w exp(ll) (equal weights when ``w`` is None), computed in logs."""
    if not np.isfinite(ll).any():
        return 0.0
    if w is None:
        return float(np.exp(logsumexp(ll) - math.log(len(ll))))
    keep = w > 0
    return float(np.exp(logsumexp(ll[keep], b=w[keep]))) if keep.any() else 0.0


def _log_predictive(ll: np.ndarray, w: np.ndarray | None) -> float | None:
    if not np.isfinite(ll).any():
        return None
    if w is None:
        return float(logsumexp(ll) - math.log(len(ll)))
    keep = (w > 0) & np.isfinite(ll)
    return float(logsumexp(ll[keep], b=w[keep])) if keep.any() else None


def _holding(surv: np.ndarray, w: np.ndarray, t: int) -> float | None:
    """Σ w S(t) / Σ w S(0): the share of agreed ceasefires still holding after t periods."""
    agreed = float(np.sum(w * surv[:, 0]))
    return float(np.sum(w * surv[:, t]) / agreed) if agreed > 0 else None


def _observed(scn: Any) -> dict[str, Any]:
    """The observed block as written (a table's years as text keys)."""
    out = scn.observed.model_dump(exclude_none=True) if scn.observed is not None else {}
    if "survival" in out:
        out["survival"] = {f"{y:g}": s for y, s in out["survival"].items()}
    return out


def case_summary(
    case: Case, prior: dict[str, np.ndarray], post: dict[str, np.ndarray], w: np.ndarray
) -> dict[str, Any]:
    """The ``cases.<name>`` entry of ``calibration.json`` (see the module docstring)."""
    scn, obs = case.scenario, case.observation
    n = len(prior["loglik"])
    ones = np.full(n, 1.0 / n)
    p_prior = np.exp(np.where(np.isfinite(prior["loglik"]), prior["loglik"], -np.inf))
    out: dict[str, Any] = {
        "file": scn.source_path,
        "observed": _observed(scn),
        "observation": obs.text,
        "prior_predictive": _predictive(prior["loglik"], None),
        "prior_predictive_se": float(np.std(p_prior) / math.sqrt(n)),
        "posterior_predictive": _predictive(post["loglik"], w),
        "log_prior_predictive": _log_predictive(prior["loglik"], None),
        "log_posterior_predictive": _log_predictive(post["loglik"], w),
        "consistent_prior_draws": int(np.isfinite(prior["loglik"]).sum()),
        "shared_beliefs": list(case.shared),
        "own_beliefs": len(case.own),
        "p_accepted": {
            "prior": float(np.mean(prior["survival"][:, 0])),
            "posterior": float(np.sum(w * post["survival"][:, 0])),
        },
        "p_holds_if_accepted": {
            label: {"prior": _holding(prior["survival"], ones, t),
                    "posterior": _holding(post["survival"], w, t)}
            for label, t in milestones(scn).items()
        },
    }  # fmt: skip
    if obs.kind == "table":
        out["observed_survival"] = {label: share for label, _, share in obs.table}
        times = [(lab, t) for lab, t, _ in obs.table]
        out["prior_survival"] = {lab: _holding(prior["survival"], ones, t) for lab, t in times}
        out["posterior_survival"] = {lab: _holding(post["survival"], w, t) for lab, t in times}
        out["cases_per_interval"] = [round(c, 6) for c in table_counts(obs)]
    if "types" in prior:
        ids = list(scn.actors[scn.informed].types) if scn.informed else []
        out["types"] = {
            "actor": scn.informed,
            "prior": {t: float(np.mean(prior["prior"][:, j])) for j, t in enumerate(ids)},
            "posterior": {t: float(np.sum(w * post["types"][:, j])) for j, t in enumerate(ids)},
        }
    return out


def survival_curves(
    case: Case, prior: dict[str, np.ndarray], post: dict[str, np.ndarray], w: np.ndarray
) -> pd.DataFrame:
    """Survival of an agreed ceasefire over time, prior and posterior (for the figure)."""
    scn = case.scenario
    T = scn.horizon
    n = len(prior["loglik"])
    ones = np.full(n, 1.0 / n)
    return pd.DataFrame(
        {
            "period": np.arange(T + 1),
            "years": np.arange(T + 1) / scn.periods_per_year,
            "prior": [_holding(prior["survival"], ones, t) for t in range(T + 1)],
            "posterior": [_holding(post["survival"], w, t) for t in range(T + 1)],
        }
    )
