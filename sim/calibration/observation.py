"""The probability of what was observed, exactly, from a draw's survival and breakdowns.

For each draw the model gives (:class:`sim.model.ChunkOutput`) the survival S(t) (accepted
and still holding after t periods, S(0) the probability of acceptance) and, per period,
the probability of a breakdown by each breaker, p_A(t), p_B(t), p_both(t), p_incident(t),
conditional on reaching t. So the probability of each observation of
:mod:`sim.scenario.observed` is a closed form, with no tolerance and no simulation:

* accepted: S(0); refused: 1 - S(0);
* broke in period t: S(t) - S(t+1); broke in period t by breaker k: S(t) p_k(t); in a
  window of periods t0..t1: S(t0) - S(t1+1), or the sum of S(t) p_k(t) over it;
* held at least t periods: S(t);
* a survival table of ``cases`` agreed ceasefires with shares s_1 >= s_2 >= ... at periods
  t_1 < t_2 < ...: the cases fall in the intervals (0, t_1], (t_1, t_2], ..., beyond t_last
  in the proportions n_b = cases (s_{b-1} - s_b) (s_0 = 1, the last n = cases s_last), and
  each case falls in interval b with q_b = (S(t_{b-1}) - S(t_b)) / S(0), its probability
  given that it was agreed. The log probability is the multinomial
  log Γ(cases + 1) - Σ log Γ(n_b + 1) + Σ n_b log q_b. The counts are the table's shares
  times ``cases`` without rounding (exact when they are whole, as for counted cases).
  Each case of a class is a ceasefire of its own, so S here is the class's: the mean of
  the survival curves of the class's own draws at the shared beliefs
  (:func:`table_log_probability`; :mod:`~sim.calibration.cases` says how it is integrated).

With private information the draw's arrays are mixtures over the informed actor's true
type with its prior (S(t) p_k(t) mixes as Σ_j π_j S_j(t) p_kj(t)), so these are the
probabilities of a draw not knowing its type, as the observer of history did not; each
case of a table draws its own type. Per type, :func:`type_shares` gives π_j P(obs | j) /
P(obs): what the observation says about the type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from sim.errors import CalibrationError
from sim.model import ChunkOutput
from sim.scenario import Scenario
from sim.scenario.observed import BREAKERS, break_periods, elapsed_periods, table_periods

__all__ = [
    "Observation",
    "log_probability",
    "table_counts",
    "table_log_probability",
    "type_shares",
]


@dataclass(frozen=True)
class Observation:
    """One case's observation, in periods (see :mod:`sim.scenario.observed`).

    Attributes
    ----------
    kind
        ``accepted``, ``refused``, ``break``, ``held`` or ``table``.
    period
        The (first) break period, or the whole periods held.
    last
        The last period of a break's window (``period`` for one period).
    breaker
        0 A, 1 B, 2 both, 3 incident; None: anyone.
    table
        (label, period, share) of a survival table, by period.
    cases
        The ceasefires a table counts.
    text
        The observation in words.
    """

    kind: str
    period: int = 0
    last: int = 0
    breaker: int | None = None
    table: tuple[tuple[str, int, float], ...] = ()
    cases: int = 1
    text: str = ""

    @classmethod
    def of(cls, scn: Scenario) -> Observation:
        """The observation of a validated scenario; CalibrationError when it has none."""
        obs = scn.observed
        where = scn.source_path or scn.name
        if obs is None:
            raise CalibrationError(
                f"{where}: has no observed block; a case for sim calibrate says what happened, "
                "e.g. observed: {accepted: true, held_at_least_years: 70}"
            )
        ppy = scn.periods_per_year
        if obs.survival is not None:
            rows = sorted((y, table_periods(y, ppy), s) for y, s in obs.survival.items())
            table = tuple((f"{y:g}y", int(t or 0), float(s)) for y, t, s in rows)
            text = ", ".join(f"{s:.0%} hold {label}" for label, _, s in table)
            return cls("table", table=table, cases=obs.cases, text=f"{obs.cases} cases: {text}")
        if obs.broke_after_years is not None:
            t0, t1 = break_periods(obs.broke_after_years, obs.broke_before_years, ppy)
            by = obs.broken_by
            breaker = None if by is None else [*scn.actor_ids, *BREAKERS].index(by)
            when = f"{obs.broke_after_years:g} years (period {t0})"
            if obs.broke_before_years is not None:
                when = f"{obs.broke_after_years:g} to {obs.broke_before_years:g} years "
                when += f"(periods {t0}-{t1})"
            text = f"accepted, broke after {when}" + (f" by {by}" if by else "")
            return cls("break", t0, t1, breaker, text=text)
        if obs.held_at_least_years is not None:
            t = elapsed_periods(obs.held_at_least_years, ppy)
            text = f"accepted, held at least {obs.held_at_least_years:g} years ({t} periods)"
            return cls("held", t, t, text=text)
        if obs.accepted is False:
            return cls("refused", text="refused")
        return cls("accepted", text="accepted")


@dataclass(frozen=True)
class _Arrays:
    """Survival and breakdowns by breaker: (..., T+1) and four (..., T) arrays."""

    survival: np.ndarray
    by: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(np.clip(x, 0.0, None))


def _log_of(obs: Observation, a: _Arrays) -> np.ndarray:
    """log P(obs) from one set of arrays (a draw's mixture, or one type's)."""
    S = a.survival
    if obs.kind == "accepted":
        return _log(S[..., 0])
    if obs.kind == "refused":
        return _log(1.0 - S[..., 0])
    if obs.kind == "held":
        return _log(S[..., obs.period])
    if obs.kind == "break":
        t0, t1 = obs.period, obs.last
        if obs.breaker is None:
            return _log(S[..., t0] - S[..., t1 + 1])
        return _log(np.sum(S[..., t0 : t1 + 1] * a.by[obs.breaker][..., t0 : t1 + 1], axis=-1))
    return _log_table(obs, S)


def _log_table(obs: Observation, S: np.ndarray) -> np.ndarray:
    """The multinomial log probability of a survival table (see the module docstring)."""
    periods = [0] + [t for _, t, _ in obs.table]
    counts = table_counts(obs)
    acc = S[..., 0]
    safe = np.where(acc > 0, acc, 1.0)
    out = np.full(acc.shape, gammaln(obs.cases + 1.0))
    for b, count in enumerate(counts):
        if count <= 0:
            continue
        if b < len(counts) - 1:
            q = (S[..., periods[b]] - S[..., periods[b + 1]]) / safe
        else:
            q = S[..., periods[-1]] / safe
        out = out + count * _log(q) - gammaln(count + 1.0)
    return np.where(acc > 0, out, -np.inf)


def table_log_probability(obs: Observation, survival: np.ndarray) -> np.ndarray:
    """(n,) the log probability of a survival table given survival curves (n, T+1).

    A reference class's curve is the mean over its cases' own draws
    (:class:`~sim.calibration.cases.Case`), so the table's q_b are ratios of means.
    """
    return _log_table(obs, survival)


def _arrays(out: ChunkOutput) -> _Arrays:
    return _Arrays(out.survival, (out.p_a_only, out.p_b_only, out.p_both, out.p_incident))


def log_probability(obs: Observation, out: ChunkOutput) -> np.ndarray:
    """(n,) log P(obs | draw) for each draw of a chunk (-inf where it is impossible)."""
    return _log_of(obs, _arrays(out))


def type_shares(obs: Observation, out: ChunkOutput, log_p: np.ndarray) -> np.ndarray | None:
    """(n, m) π_j P(obs | type j) / P(obs) per draw: the posterior of the informed actor's
    type given the observation, in each draw (0 where the observation is impossible).

    None without private information, and for a table (each of its cases has its own type).
    """
    ty = out.types
    if ty is None or obs.kind == "table":
        return None
    per_type = _Arrays(ty.survival, (ty.p_a_only, ty.p_b_only, ty.p_both, ty.p_incident))
    log_j = _log_of(obs, per_type)  # (n, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.exp(_log(ty.prior) + log_j - log_p[:, None])
    share = np.where(np.isfinite(log_p)[:, None], np.nan_to_num(share), 0.0)
    return share


def table_counts(obs: Observation) -> list[float]:
    """The (fractional) number of a table's cases in each interval, as the likelihood uses."""
    shares = [1.0] + [s for _, _, s in obs.table]
    n = obs.cases
    return [n * (shares[b - 1] - shares[b]) for b in range(1, len(shares))] + [n * shares[-1]]
