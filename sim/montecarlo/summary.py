"""Headline figures from exact sums: the summary, survival, breakdown and power tables.

Each chunk contributes exact fixed-point integer sums (:data:`FIXED` = 2**40 resolution,
:class:`Sums`), so adding chunks in any order, from any worker, gives the same bits:
the same scenario, seed and draws give identical figures whatever ``workers`` and
``chunk_size``. :func:`finish` turns the run's total into the tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from sim.model import ChunkOutput, event_state_labels
from sim.montecarlo import typed
from sim.montecarlo.options import RunOptions, milestones, solver_settings
from sim.names import CAUSES
from sim.scenario import Scenario

__all__ = [
    "FIXED",
    "POWER_POINTS",
    "Sums",
    "Tables",
    "chunk_sums",
    "finish",
    "power_periods",
    "power_table",
]

FIXED = 2**40  # fixed-point scale for exact, order-independent sums
POWER_POINTS = 400
Z95 = 1.959963984540054


def _fixed(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """Exact fixed-point sum of values in about [-1, 1] along ``axis`` (object ints)."""
    q = np.rint(np.asarray(x, dtype=float) * FIXED).astype(np.int64)
    return np.asarray(q.sum(axis=axis), dtype=object)


@dataclass
class Sums:
    """Exact sums over draws (Python integers, or object arrays of them)."""

    n: int
    n_accepted: int
    surv: np.ndarray  # (T+1,) fixed-point sum of S_d(t)
    surv_sq: np.ndarray  # (T+1,) of S_d(t)**2
    rejected_by: np.ndarray  # (4,) counts: none, A, B, both
    reject_cause: np.ndarray  # counts per cause among rejected draws
    by_actor: np.ndarray  # (T, 4) A, B, both, incident
    by_cause: np.ndarray  # (T, len(CAUSES)) per cause
    types: typed.TypedSums | None = None  # with private information: by type, and beliefs

    def __add__(self, other: Sums) -> Sums:
        def add(a: Any, b: Any) -> Any:
            return None if a is None else a + b

        return Sums(
            **{f.name: add(getattr(self, f.name), getattr(other, f.name)) for f in fields(self)}
        )

    def accepted_mass(self) -> float:
        """How many draws accept, in expectation (with types, a sum of probabilities)."""
        return (
            float(self.n_accepted)
            if self.types is None
            else float(typed.as_float(self.types.accepted))
        )


def chunk_sums(out: ChunkOutput) -> Sums:
    """The exact sums of one chunk's outcomes."""
    surv = out.survival
    n, T = surv.shape[0], surv.shape[1] - 1
    w = surv[:, :T]
    by_actor = (
        np.stack([out.p_a_only, out.p_b_only, out.p_both, out.p_incident], axis=-1) * w[..., None]
    )
    if out.types is not None:
        return _typed_chunk_sums(out, by_actor)
    nonincident = (out.p_a_only + out.p_b_only + out.p_both) * w
    n_causes = len(CAUSES)
    by_cause = np.zeros((n, T, n_causes))
    for c in range(n_causes - 1):
        by_cause[..., c] = np.where(out.cause == c, nonincident, 0.0)
    by_cause[..., n_causes - 1] = by_actor[..., 3]
    acc = out.accepted
    rc = np.bincount(out.reject_cause[~acc].astype(np.int64), minlength=len(CAUSES))
    return Sums(
        n=n,
        n_accepted=int(acc.sum()),
        surv=_fixed(surv),
        surv_sq=_fixed(surv**2),
        rejected_by=np.bincount(out.rejected_by, minlength=4).astype(object),
        reject_cause=rc.astype(object),
        by_actor=_fixed(by_actor),
        by_cause=_fixed(by_cause),
    )


def _typed_chunk_sums(out: ChunkOutput, by_actor: np.ndarray) -> Sums:
    """The sums of a chunk with private information: mixtures over the true types."""
    surv = out.survival
    n = surv.shape[0]
    zeros = np.zeros(4, dtype=np.int64).astype(object)
    return Sums(
        n=n,
        n_accepted=0,
        surv=_fixed(surv),
        surv_sq=_fixed(surv**2),
        rejected_by=zeros,
        reject_cause=np.zeros(len(CAUSES), dtype=np.int64).astype(object),
        by_actor=_fixed(by_actor),
        by_cause=_fixed(typed.typed_by_cause(out)),
        types=typed.typed_sums(out),
    )


def _ci_mean(s: Any, sq: Any, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95% CLT band of per-draw values from their exact sums."""
    mean = np.asarray(s, dtype=float) / FIXED / n
    if n < 2:
        return mean, np.zeros_like(mean), np.ones_like(mean)
    ex2 = np.asarray(sq, dtype=float) / FIXED / n
    var = np.maximum(ex2 - mean**2, 0.0) * n / (n - 1)
    half = Z95 * np.sqrt(var / n)
    return mean, np.clip(mean - half, 0, 1), np.clip(mean + half, 0, 1)


def _wilson(k: int, n: int) -> dict[str, float]:
    """A share k/n with its 95% Wilson interval."""
    z = Z95
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return {"estimate": p, "ci_low": max(0.0, centre - half), "ci_high": min(1.0, centre + half)}


@dataclass
class Tables:
    """The headline summary and the tables of a run."""

    summary: dict
    survival: pd.DataFrame
    breakdown: pd.DataFrame
    power: pd.DataFrame
    beliefs: pd.DataFrame | None = None


def finish(scn: Scenario, opts: RunOptions, sums: Sums, power_parts: list[np.ndarray]) -> Tables:
    """Turn the exact sums into the summary, survival, breakdown and power tables."""
    n, T, ppy = sums.n, scn.horizon, scn.periods_per_year
    mean, lo, hi = _ci_mean(sums.surv, sums.surv_sq, n)
    na = sums.accepted_mass()
    # fixed-point rounding can put a ratio of sums a hair outside [0, 1]: clip
    cond = np.clip(mean * n / na, 0.0, 1.0) if na else np.full_like(mean, np.nan)
    survival = pd.DataFrame(
        {
            "period": np.arange(T + 1),
            "years": np.arange(T + 1) / ppy,
            "survival": mean,
            "ci_low": lo,
            "ci_high": hi,
            "survival_if_accepted": cond,
        }
    )
    by_actor = np.asarray(sums.by_actor, dtype=float).reshape(T, 4) / FIXED / n
    by_cause = np.asarray(sums.by_cause, dtype=float).reshape(T, len(CAUSES)) / FIXED / n
    breakdown = pd.DataFrame({"period": np.arange(T), "years": np.arange(T) / ppy})
    for j, name in enumerate((*scn.actor_ids, "both", "incident")):
        breakdown[f"breaker.{name}"] = by_actor[:, j]
    for j, name in enumerate(CAUSES):
        breakdown[f"cause.{name}"] = by_cause[:, j]
    summary = _summary(scn, opts, sums, (mean, lo, hi, cond), by_actor, by_cause)
    beliefs = None
    if sums.types is not None:
        for col, values in typed.survival_by_type(scn, sums.types).items():
            survival[col] = values
        summary["types"] = typed.typed_summary(scn, sums.types, n, milestones(scn))
        summary["p_accepted"] = typed.p_accepted(sums.types, n)
        rej, rc = typed.as_float(sums.types.rejected_by), typed.as_float(sums.types.reject_cause)
        a, b = scn.actor_ids
        summary["rejected_by"] = {a: rej[1] / n, b: rej[2] / n, "both": rej[3] / n}
        summary["rejection_cause"] = {
            c: float(rc[j] / rc.sum()) if rc.sum() > 0 else 0.0 for j, c in enumerate(CAUSES)
        }
        beliefs = typed.belief_table(scn, sums.types)
    return Tables(summary, survival, breakdown, power_table(scn, power_parts), beliefs)


def _summary(scn, opts, sums, curves, by_actor, by_cause) -> dict[str, Any]:
    """The contents of ``summary.json``."""
    mean, lo, hi, cond = curves
    n, na, T, ppy = sums.n, sums.accepted_mass(), scn.horizon, scn.periods_per_year
    a, b = scn.actor_ids
    broken = by_actor.sum()

    def est(t: int) -> dict[str, float]:
        return {"estimate": float(mean[t]), "ci_low": float(lo[t]), "ci_high": float(hi[t])}

    def share(col: np.ndarray) -> float:
        return min(1.0, float(col.sum() / broken)) if broken > 0 else 0.0

    marks = milestones(scn)
    median = next((t for t in range(T + 1) if na and cond[t] <= 0.5), None)
    rej, rc, n_rej = sums.rejected_by, sums.reject_cause, n - na
    note = None
    if median is None:
        note = (
            f"more than half of accepted ceasefires hold past the horizon ({T} periods)"
            if na
            else "no draw accepted the terms"
        )
    return {
        "scenario": scn.name,
        "title": scn.title,
        "actors": [a, b],
        "actor_labels": {a: scn.display_name(a), b: scn.display_name(b)},
        "period": scn.period,
        "horizon_periods": T,
        "draws": n,
        "seed": opts.seed,
        "sampler": opts.sampler,
        "solver": solver_settings(opts),
        "p_accepted": _wilson(na, n),
        "p_holds": {label: est(t) for label, t in marks.items()},
        "p_holds_if_accepted": {
            label: (float(cond[t]) if na else None) for label, t in marks.items()
        },
        "p_holds_end": est(T),
        "median_duration_periods": median,
        "median_duration_years": None if median is None else median / ppy,
        "median_duration_note": note,
        "p_breaks_within_horizon": min(1.0, max(0.0, float(broken))),
        "breakdown_by_actor": {
            name: share(by_actor[:, j]) for j, name in enumerate((a, b, "both", "incident"))
        },
        "breakdown_by_cause": {name: share(by_cause[:, j]) for j, name in enumerate(CAUSES)},
        "rejected_by": {a: int(rej[1]) / n, b: int(rej[2]) / n, "both": int(rej[3]) / n},
        "rejection_cause": {
            name: (int(rc[j]) / n_rej if n_rej else 0.0) for j, name in enumerate(CAUSES)
        },
    }


def power_periods(horizon: int) -> np.ndarray:
    """The periods ``power.csv`` reports: all of them up to :data:`POWER_POINTS`, else that
    many evenly spread (and the last). Chunks keep only these, so the power paths of the
    first draws stay small whatever the horizon (1000 draws x 32 states x 401 points)."""
    T = horizon
    return np.unique(np.linspace(0, T, min(T + 1, POWER_POINTS + 1)).astype(int))


def power_table(scn: Scenario, parts: list[np.ndarray]) -> pd.DataFrame:
    """A's neutral win probability per state and period: quantiles over the first draws.

    ``parts`` hold the paths at :func:`power_periods` only.
    """
    if not parts:
        return pd.DataFrame(
            columns=["state", "period", "years", "median", "q05", "q25", "q75", "q95", "draws"]
        )
    p = np.concatenate(parts, axis=0)  # (m, S, len(ts))
    ts = power_periods(scn.horizon)
    q = np.quantile(p, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)  # (5, S, len(ts))
    rows = []
    for s, label in enumerate(event_state_labels(scn)):
        rows.append(
            pd.DataFrame(
                {
                    "state": label,
                    "period": ts,
                    "years": ts / scn.periods_per_year,
                    "median": q[2, s],
                    "q05": q[0, s],
                    "q25": q[1, s],
                    "q75": q[3, s],
                    "q95": q[4, s],
                    "draws": p.shape[0],  # the quantiles are over the run's first draws
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
