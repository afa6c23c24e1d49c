"""Exact sums and tables for private information: figures by true type, and beliefs.

With types (:mod:`sim.model.private`) each draw's acceptance and survival are mixtures
over its true type with the prior. The run then also reports, per true type, acceptance,
survival and who breaks the ceasefire, and the uninformed side's belief over time: the
mean posterior of each type among the draws whose ceasefire still holds, by the event
state the draw is in (``beliefs.csv``). All sums are exact fixed-point integers, as in
:mod:`sim.montecarlo.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from sim.model import ChunkOutput, event_state_labels
from sim.names import CAUSES

__all__ = [
    "TypedSums",
    "as_float",
    "belief_table",
    "p_accepted",
    "survival_by_type",
    "typed_by_cause",
    "typed_summary",
    "typed_sums",
]

FIXED = 2**40
Z95 = 1.959963984540054


def _fixed(x: np.ndarray, axis: int = 0) -> np.ndarray:
    q = np.rint(np.asarray(x, dtype=float) * FIXED).astype(np.int64)
    return np.asarray(q.sum(axis=axis), dtype=object)


@dataclass
class TypedSums:
    """Exact sums over draws of the figures by type (fixed-point object arrays)."""

    accepted: Any  # Σ P(accepted)
    accepted_sq: Any
    rejected_by: np.ndarray  # (4,) Σ prior-weighted shares: none, A, B, both
    reject_cause: np.ndarray  # (C,) among rejections
    prior: np.ndarray  # (m,)
    accepted_by_type: np.ndarray  # (m,)
    surv_by_type: np.ndarray  # (m, T+1) Σ π_j S_j(t)
    by_actor_by_type: np.ndarray  # (m, 4) breakdowns over the horizon: A, B, both, incident
    belief: np.ndarray  # (T+1, S, m) Σ S(t) μ_t(j) in each event state
    belief_weight: np.ndarray  # (T+1, S) Σ S(t)

    def __add__(self, other: TypedSums) -> TypedSums:
        return TypedSums(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


def typed_by_cause(out: ChunkOutput) -> np.ndarray:
    """(n, T, C) unconditional breakdown probabilities by cause, over the true types."""
    ty = out.types
    assert ty is not None
    n, m, T = ty.p_a_only.shape
    w = ty.prior[:, :, None] * ty.survival[:, :, :T]
    nonincident = (ty.p_a_only + ty.p_b_only + ty.p_both) * w
    C = len(CAUSES)
    by_cause = np.zeros((n, T, C))
    for c in range(C - 1):
        by_cause[..., c] = np.where(ty.cause == c, nonincident, 0.0).sum(axis=1)
    by_cause[..., C - 1] = (ty.p_incident * w).sum(axis=1)
    return by_cause


def _states(event_period: np.ndarray, T: int) -> np.ndarray:
    """(n, T+1) each draw's event state at each period, from its event periods."""
    t = np.arange(T + 1)
    state = np.zeros((event_period.shape[0], T + 1), dtype=np.int64)
    for e in range(event_period.shape[1]):
        state |= (t[None, :] >= event_period[:, e, None]).astype(np.int64) << e
    return state


def typed_sums(out: ChunkOutput) -> TypedSums:
    """The exact sums of one chunk's figures by type."""
    ty = out.types
    assert ty is not None
    n, m, T1 = ty.survival.shape
    T, S = T1 - 1, 2 ** out.event_period.shape[1]
    prior = ty.prior
    acc = out.accepted
    rej = np.zeros((n, 4))
    cause = np.zeros((n, len(CAUSES)))
    for j in range(m):
        rej[np.arange(n), ty.rejected_by[:, j]] += prior[:, j]
        refused = ~ty.accepted[:, j].astype(bool)
        rows = np.flatnonzero(refused)
        cause[rows, np.maximum(ty.reject_cause[rows, j], 0)] += prior[rows, j]
    w = prior[:, :, None] * ty.survival[:, :, :T]
    by_actor = np.stack([ty.p_a_only, ty.p_b_only, ty.p_both, ty.p_incident], axis=-1)
    # the uninformed side's belief: the prior over the types it has not ruled out
    t = np.arange(T1)
    alive = prior[:, :, None] * (t[None, None, :] < ty.ruled_out[:, :, None])
    mu = alive / np.maximum(alive.sum(axis=1, keepdims=True), 1e-300)
    state = _states(out.event_period, T)
    onehot = (state[:, :, None] == np.arange(S)[None, None, :]).astype(float)  # (n, T+1, S)
    weight = out.survival[:, :, None] * onehot
    return TypedSums(
        accepted=_fixed(acc),
        accepted_sq=_fixed(acc**2),
        rejected_by=_fixed(rej),
        reject_cause=_fixed(cause),
        prior=_fixed(prior),
        accepted_by_type=_fixed(prior * ty.accepted),
        surv_by_type=_fixed(prior[:, :, None] * ty.survival),
        by_actor_by_type=_fixed((by_actor * w[..., None]).sum(axis=2)),
        belief=_fixed(np.einsum("nts,nmt->ntsm", weight, mu)),
        belief_weight=_fixed(weight),
    )


def as_float(x: Any) -> np.ndarray:
    """Fixed-point sums back to floats (the sums, not yet divided by the draws)."""
    return np.asarray(x, dtype=float) / FIXED


def p_accepted(sums: TypedSums, n: int) -> dict[str, float]:
    """Mean acceptance probability with its 95% band (a mean of per-draw probabilities)."""
    mean = float(as_float(sums.accepted)) / n
    if n < 2:
        return {"estimate": mean, "ci_low": 0.0, "ci_high": 1.0}
    var = max(float(as_float(sums.accepted_sq)) / n - mean**2, 0.0) * n / (n - 1)
    half = Z95 * (var / n) ** 0.5
    return {"estimate": mean, "ci_low": max(0.0, mean - half), "ci_high": min(1.0, mean + half)}


def typed_summary(scn, sums: TypedSums, n: int, marks: dict[str, int]) -> dict[str, Any]:
    """The ``types`` entry of ``summary.json``: acceptance, survival and breakers by type."""
    aid = scn.informed
    ids = list(scn.actors[aid].types)
    prior = as_float(sums.prior)
    acc = as_float(sums.accepted_by_type)
    surv = as_float(sums.surv_by_type)
    brk = as_float(sums.by_actor_by_type)
    a, b = scn.actor_ids
    out: dict[str, Any] = {
        "actor": aid,
        "ids": ids,
        "labels": {t: scn.actors[aid].types[t].label or t for t in ids},
        "prior": {t: float(prior[j] / n) for j, t in enumerate(ids)},
        "p_accepted": {}, "p_holds": {}, "p_holds_if_accepted": {}, "breakdown_by_actor": {},
    }  # fmt: skip
    for j, t in enumerate(ids):
        mass = prior[j] if prior[j] > 0 else np.nan
        out["p_accepted"][t] = float(acc[j] / mass) if prior[j] > 0 else None
        out["p_holds"][t] = {
            k: float(surv[j, s] / mass) if prior[j] > 0 else None for k, s in marks.items()
        }
        out["p_holds_if_accepted"][t] = {
            k: float(min(1.0, surv[j, s] / acc[j])) if acc[j] > 0 else None
            for k, s in marks.items()
        }
        total = brk[j].sum()
        out["breakdown_by_actor"][t] = {
            name: float(brk[j, i] / total) if total > 0 else 0.0
            for i, name in enumerate((a, b, "both", "incident"))
        }
    return out


def survival_by_type(scn, sums: TypedSums) -> dict[str, np.ndarray]:
    """``survival.<type>`` columns: P(accepted and holding at t | true type).

    A type whose prior is 0 in every draw has no column (no draw can be of that type)."""
    ids = list(scn.actors[scn.informed].types)
    prior, surv = as_float(sums.prior), as_float(sums.surv_by_type)
    return {f"survival.{t}": surv[j] / prior[j] for j, t in enumerate(ids) if prior[j] > 0}


def belief_table(scn, sums: TypedSums) -> pd.DataFrame:
    """``beliefs.csv``: the uninformed side's mean posterior of each type at each period, among
    draws still holding (weighted by survival), by the event state they are in."""
    ids = list(scn.actors[scn.informed].types)
    belief, weight = as_float(sums.belief), as_float(sums.belief_weight)
    labels = event_state_labels(scn)
    T1 = belief.shape[0]
    rows = []
    for s, label in enumerate(labels):
        wt = weight[:, s]
        years = np.arange(T1) / scn.periods_per_year
        frame = {"state": label, "period": np.arange(T1), "years": years, "weight": wt}
        for j, t in enumerate(ids):
            frame[f"belief.{t}"] = np.where(
                wt > 0, belief[:, s, j] / np.where(wt > 0, wt, 1.0), np.nan
            )
        rows.append(pd.DataFrame(frame))
    return pd.concat(rows, ignore_index=True)
