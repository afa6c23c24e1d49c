"""Bargaining references: the closed-form results the simulator must reproduce.

Pure functions (numpy, scipy where a frontier is given). Nothing here knows about
scenarios, draws or stage games; callers pass numbers in the units below.

Units
-----
The stake (every region together) yields a **flow of 1 per period**: "1" is one period
of the whole stake, for each actor in its own valuation. Peace terms, Nash and
Kalai-Smorodinsky payoffs and disagreement points are **per-period flows** in those
units. War costs are **lump sums measured in periods of the whole stake** (a cost of 2
is worth two periods of holding everything). A discounted total V (a sum over periods)
becomes a per-period flow as (1 - delta) V; in particular a lump-sum cost c is worth
(1 - delta) c per period and the war value W_i = lottery_i / (1 - delta_i) - c_i is the
flow lottery_i - (1 - delta_i) c_i, which is the disagreement point to pass to
:func:`nash_bargaining`, :func:`kalai_smorodinsky` or
:func:`sim.games.frontier.nash_split_batch`.

Reference results
-----------------
Fearon (1995), "Rationalist explanations for war", *International Organization* 49(3).
    A wins a war with probability p; war costs c_A, c_B. A split giving A the share x
    of the stake is preferred to war by A iff x > p - c_A and by B iff 1 - x > 1 - p - c_B,
    so every x in the open interval (p - c_A, p + c_B) is preferred by both: with
    positive costs the bargaining range is never empty (negative costs are rejected, so
    clipping to [0, 1] cannot empty it either). :func:`fearon_range` is Fearon's
    one-shot model (the stake is worth one period), so a lump-sum cost of c periods is a
    share c of the stake. For a perpetual flow discounted at delta, pass (1 - delta) c to
    get the range of per-period shares.
Nash (1950), "The bargaining problem", *Econometrica* 18(2); the asymmetric version with
bargaining weights (Kalai 1977; Roth 1979).
    The solution maximises (u_A - d_A)^alpha (u_B - d_B)^(1 - alpha) over feasible
    points that give both at least the disagreement point d. On the linear pie
    u_A + u_B = 1: u_A = d_A + alpha (1 - d_A - d_B), u_B = 1 - u_A, clipped to the
    pie (u_A in [0, 1]) when a disagreement payoff is negative (:func:`nash_bargaining`).
Kalai & Smorodinsky (1975), "Other solutions to Nash's bargaining problem",
*Econometrica* 43(3).
    The Pareto point on the segment from d to the ideal point
    I = (max u_A s.t. u_B >= d_B, max u_B s.t. u_A >= d_A) (:func:`kalai_smorodinsky`).
    On the linear pie with d_A, d_B >= 0 it coincides with the symmetric Nash solution.
Rubinstein (1982), "Perfect equilibrium in a bargaining model", *Econometrica* 50(1).
    Alternating offers over a pie of 1 with per-round discount factors delta_A, delta_B
    and A proposing first: the unique subgame-perfect equilibrium gives A the share
    (1 - delta_B) / (1 - delta_A delta_B) at once (:func:`rubinstein_split`): 1/(1 + delta)
    with equal factors, tending to 1/2 as both tend to 1.
Powell (2006), "War as a commitment problem", *International Organization* 60(1).
    Flow 1 per period, common delta, A's win probability moving from p_t to p_{t+1}.
    The most B can promise A today is the whole flow now plus, from t+1 on, what is
    left after B gets its war value W_B(t+1). War is unavoidable iff A's war value
    exceeds that: W_A(t) > 1 + delta (1 / (1 - delta) - W_B(t + 1)) with
    W_A(t) = p_t / (1 - delta) - c_A and W_B(t+1) = (1 - p_{t+1}) / (1 - delta) - c_B.
    Multiplying by (1 - delta): p_t - delta p_{t+1} > (1 - delta)(1 + c_A + delta c_B),
    and symmetrically for B (:func:`powell_war`). With constant power (p_t = p_{t+1})
    this never holds: only shifting power can empty the range of acceptable bargains.

The batched region-split frontier the model works on (many regions, vectorised over
draws) is :mod:`sim.games.frontier`; with one region it reduces to the closed forms
here.

Convention for impossible requests: the scalar functions raise ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq, minimize_scalar

__all__ = [
    "fearon_range",
    "rubinstein_split",
    "nash_bargaining",
    "kalai_smorodinsky",
    "powell_war",
]

Frontier = Callable[[float], float]

_EMPTY_SET = (
    "the bargaining set is empty: no feasible point gives A at least d_a={d_a!r} "
    "and B at least d_b={d_b!r}"
)


# --------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------
def _arrays(*values: object) -> tuple[list[np.ndarray], bool]:
    """Broadcast inputs to float arrays; report whether all of them were scalars."""
    arrays = [np.asarray(v, dtype=float) for v in values]
    scalar = all(a.ndim == 0 for a in arrays)
    return list(np.broadcast_arrays(*arrays)), scalar


def _out(x: np.ndarray, scalar: bool):
    return x.item() if scalar else x


def _check_between(x: np.ndarray, name: str, low: float, high: float, open_high: bool = False):
    ok = (x >= low) & ((x < high) if open_high else (x <= high))
    if not np.all(ok):
        bad = float(x[~ok].flat[0])
        interval = f"[{low}, {high})" if open_high else f"[{low}, {high}]"
        raise ValueError(f"{name} must lie in {interval}, got {bad!r}")


def _check_cost(x: np.ndarray, name: str):
    ok = np.isfinite(x) & (x >= 0)
    if not np.all(ok):
        bad = float(x[~ok].flat[0])
        raise ValueError(
            f"{name} must be a finite, non-negative lump sum (periods of the whole stake), "
            f"got {bad!r}"
        )


def _check_finite_scalar(x: object, name: str) -> float:
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {x!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


# --------------------------------------------------------------------------------------
# Fearon, Rubinstein, Powell: closed forms, vectorised
# --------------------------------------------------------------------------------------
def fearon_range(p, cost_a, cost_b):
    """Fearon's (1995) bargaining range for A's share of the stake.

    Parameters
    ----------
    p : float or array_like
        A's probability of winning a war, in [0, 1].
    cost_a, cost_b : float or array_like
        War costs, finite and >= 0, as shares of the stake (Fearon's one-shot model,
        where the stake is worth one period). For a perpetual flow discounted at delta
        with lump-sum costs c in periods of the whole stake, pass ``(1 - delta) * c``.

    Returns
    -------
    (low, high) : tuple of float, or of arrays (inputs broadcast)
        Endpoints of the range (p - cost_a, p + cost_b) of A's shares, clipped to [0, 1].
        Every share strictly between them is strictly preferred to war by both sides; at
        an unclipped endpoint one side is indifferent. Because costs are validated
        non-negative, ``low <= p <= high`` always: the range is never empty. With zero
        costs it is the single point ``low == high == p`` (Fearon's open interval is
        then empty, but the split p leaves both exactly indifferent).

    Raises
    ------
    ValueError
        If p is outside [0, 1] or a cost is negative, infinite or NaN.

    Examples
    --------
    >>> from sim.games import fearon_range
    >>> fearon_range(0.6, 0.1, 0.2)
    (0.5, 0.8)
    """
    (p, cost_a, cost_b), scalar = _arrays(p, cost_a, cost_b)
    _check_between(p, "p (A's win probability)", 0.0, 1.0)
    _check_cost(cost_a, "cost_a")
    _check_cost(cost_b, "cost_b")
    low = np.clip(p - cost_a, 0.0, 1.0)
    high = np.clip(p + cost_b, 0.0, 1.0)
    return _out(low, scalar), _out(high, scalar)


def rubinstein_split(delta_a, delta_b):
    """Rubinstein's (1982) alternating-offers split, A proposing first.

    Parameters
    ----------
    delta_a, delta_b : float or array_like
        Per-round discount factors in [0, 1].

    Returns
    -------
    (share_a, share_b) : tuple of float, or of arrays (inputs broadcast)
        share_a = (1 - delta_b) / (1 - delta_a delta_b) and
        share_b = delta_b (1 - delta_a) / (1 - delta_a delta_b); they sum to 1.
        The denominator is evaluated as (1 - delta_a) + delta_a (1 - delta_b), which
        avoids cancellation when both factors are close to 1 (the shares then tend to
        (1 - delta_b) : (1 - delta_a) in proportion).

    Notes
    -----
    Limits, all continuous extensions of the formula:

    - delta_b = 0: A takes everything (B cannot wait); delta_a = 0 < delta_b: A gets
      1 - delta_b.
    - delta_a = delta_b = delta: A gets 1 / (1 + delta), the first-mover advantage.
    - delta_b = 1 > delta_a: A gets 0; delta_a = 1 > delta_b: A gets 1.
    - delta_a = delta_b = 1: the formula is 0/0; we return (1/2, 1/2), the limit along
      equal discount factors (and the symmetric Nash solution, as Binmore, Rubinstein
      and Wolinsky 1986 show for vanishing time between offers).

    Raises
    ------
    ValueError
        If a discount factor is outside [0, 1] or NaN.

    Examples
    --------
    >>> from sim.games import rubinstein_split
    >>> [round(s, 4) for s in rubinstein_split(0.9, 0.9)]  # 1 / (1 + delta) for A
    [0.5263, 0.4737]
    """
    (da, db), scalar = _arrays(delta_a, delta_b)
    _check_between(da, "delta_a", 0.0, 1.0)
    _check_between(db, "delta_b", 0.0, 1.0)
    both_one = (da == 1.0) & (db == 1.0)
    denom = np.where(both_one, 1.0, (1.0 - da) + da * (1.0 - db))
    share_a = np.where(both_one, 0.5, (1.0 - db) / denom)
    share_b = np.where(both_one, 0.5, db * (1.0 - da) / denom)
    return _out(share_a, scalar), _out(share_b, scalar)


def powell_war(p_now, p_next, delta, cost_a, cost_b):
    """Powell's (2006) commitment condition: is war unavoidable at t?

    One-dimensional model: the stake yields a flow of 1 per period, both sides discount
    by ``delta``, ``p_now`` and ``p_next`` are A's win probabilities at t and t + 1, and
    costs are lump sums in periods of the whole stake. War is unavoidable iff

        p_now - delta p_next > (1 - delta)(1 + cost_a + delta cost_b)          (A declining)
        (1 - p_now) - delta (1 - p_next) > (1 - delta)(1 + cost_b + delta cost_a)  (B)

    i.e. iff W_A(t) > 1 + delta (1/(1-delta) - W_B(t+1)) or the same with A and B
    swapped. Both inequalities are strict: at equality the side
    whose power declines is indifferent and peace is (just) possible.

    Parameters
    ----------
    p_now, p_next : float or array_like
        A's win probability now and next period, in [0, 1].
    delta : float or array_like
        Common discount factor in [0, 1).
    cost_a, cost_b : float or array_like
        Finite, non-negative lump-sum war costs in periods of the whole stake.

    Returns
    -------
    bool, or bool array (inputs broadcast)

    Examples
    --------
    A rising fast enough makes war unavoidable; constant power never does:

    >>> from sim.games import powell_war
    >>> powell_war(0.2, 0.9, 0.9, 0.1, 0.1), powell_war(0.5, 0.5, 0.9, 0.1, 0.1)
    (True, False)
    """
    (p0, p1, d, ca, cb), scalar = _arrays(p_now, p_next, delta, cost_a, cost_b)
    _check_between(p0, "p_now", 0.0, 1.0)
    _check_between(p1, "p_next", 0.0, 1.0)
    _check_between(d, "delta", 0.0, 1.0, open_high=True)
    _check_cost(ca, "cost_a")
    _check_cost(cb, "cost_b")
    a_declining = p0 - d * p1 > (1.0 - d) * (1.0 + ca + d * cb)
    b_declining = (1.0 - p0) - d * (1.0 - p1) > (1.0 - d) * (1.0 + cb + d * ca)
    war = a_declining | b_declining
    return bool(war) if scalar else war


# --------------------------------------------------------------------------------------
# Nash and Kalai-Smorodinsky on a linear pie or a given concave frontier (scalar)
# --------------------------------------------------------------------------------------
def _bargaining_interval(
    d_a: float, d_b: float, frontier: Frontier | None
) -> tuple[float, float, Frontier]:
    """Return (lo, hi, g): the u_a in [lo, hi] are those giving both at least d.

    The feasible set is {(u_a, u_b): u_a in [0, 1], u_b <= g(u_a)} with g the frontier
    (1 - u_a for the linear pie). lo = max(0, d_a); hi = the largest u_a with
    g(u_a) >= d_b. Raises ValueError if the interval is empty.
    """
    if frontier is None:

        def linear_pie(u: float) -> float:
            return 1.0 - u

        lo, hi = max(0.0, d_a), min(1.0, 1.0 - d_b)
        if lo > hi:
            raise ValueError(_EMPTY_SET.format(d_a=d_a, d_b=d_b))
        return lo, hi, linear_pie

    def g(u: float) -> float:
        return float(frontier(u))

    lo = max(0.0, d_a)
    if lo > 1.0 or not g(lo) >= d_b:
        raise ValueError(_EMPTY_SET.format(d_a=d_a, d_b=d_b))
    if g(1.0) >= d_b:
        hi = 1.0
    else:
        hi = brentq(lambda u: g(u) - d_b, lo, 1.0, xtol=1e-14, rtol=4 * np.finfo(float).eps)
    return lo, hi, g


def nash_bargaining(d_a, d_b, alpha=0.5, frontier=None):
    """Asymmetric Nash (1950) bargaining solution with disagreement point d.

    Maximises (u_a - d_a)^alpha (u_b - d_b)^(1 - alpha) over the feasible points
    giving both at least their disagreement payoff (war, in the simulator).

    Parameters
    ----------
    d_a, d_b : float
        Disagreement payoffs, per-period flows (for a war value W pass (1 - delta) W).
    alpha : float, default 0.5
        A's bargaining weight in [0, 1]; 1/2 is Nash's symmetric solution.
    frontier : callable, optional
        ``u_b = frontier(u_a)`` for u_a in [0, 1], decreasing and concave; the feasible
        set is everything on or below it. Default: the linear pie u_a + u_b = 1.

    Returns
    -------
    (u_a, u_b) : tuple of float
        On the linear pie u_a = d_a + alpha (1 - d_a - d_b), u_b = 1 - u_a, clipped to
        u_a in [0, 1]. Clipping only binds when a disagreement payoff is negative
        (war worse than getting nothing), and the clipped point is then the constrained
        optimum because the log Nash product is concave. With a frontier, the negative
        log Nash product is minimised with scipy's bounded scalar method over the u_a
        where both gains are positive (accuracy about 1e-8 in u_a; the ends of that
        interval are also tried, so an optimum at u_a = 0 or 1 is exact) and
        u_b = frontier(u_a). alpha = 1 (0) returns the feasible point best for A (B).
        If the bargaining set is a single point (d on the frontier) that point is
        returned.

    Raises
    ------
    ValueError
        If the bargaining set is empty (no feasible point gives both at least d),
        alpha is outside [0, 1], or d is not finite. On the linear pie the set is empty
        iff max(0, d_a) > min(1, 1 - d_b) (in floating point, so within rounding of
        d_a + d_b = 1 either answer can occur).

    Examples
    --------
    >>> from sim.games import nash_bargaining
    >>> [round(u, 6) for u in nash_bargaining(0.2, 0.3)]
    [0.45, 0.55]
    >>> [round(u, 6) for u in nash_bargaining(0.2, 0.3, alpha=0.8)]
    [0.6, 0.4]
    """
    d_a = _check_finite_scalar(d_a, "d_a")
    d_b = _check_finite_scalar(d_b, "d_b")
    alpha = _check_finite_scalar(alpha, "alpha")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha (A's bargaining weight) must lie in [0, 1], got {alpha!r}")
    lo, hi, g = _bargaining_interval(d_a, d_b, frontier)
    if frontier is None:
        u_a = min(max(d_a + alpha * (1.0 - d_a - d_b), lo), hi)
        return u_a, 1.0 - u_a
    if alpha == 1.0 or hi <= lo:
        return hi, g(hi)
    if alpha == 0.0:
        return lo, g(lo)

    def negative_log_product(u: float) -> float:
        gain_a, gain_b = u - d_a, g(u) - d_b
        if gain_a <= 0.0 or gain_b <= 0.0:
            return np.inf
        return -(alpha * np.log(gain_a) + (1.0 - alpha) * np.log(gain_b))

    res = minimize_scalar(
        negative_log_product, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}
    )
    # the bounded method stops about 1e-8 short of a bound; an optimum on the boundary
    # of the pie (a negative disagreement payoff) is then found exactly
    u_a = min((float(res.x), lo, hi), key=negative_log_product)
    return u_a, g(u_a)


def kalai_smorodinsky(d_a, d_b, frontier=None):
    """Kalai-Smorodinsky (1975) bargaining solution with disagreement point d.

    The Pareto point on the segment from d to the ideal point
    I = (max u_a with u_b >= d_b, max u_b with u_a >= d_a): each side gets the same
    fraction of its largest possible gain.

    Parameters
    ----------
    d_a, d_b : float
        Disagreement payoffs, per-period flows.
    frontier : callable, optional
        ``u_b = frontier(u_a)`` for u_a in [0, 1], decreasing and concave. Default: the
        linear pie u_a + u_b = 1.

    Returns
    -------
    (u_a, u_b) : tuple of float
        Closed form on the linear pie: t = (1 - d_a - d_b) / ((I_a - d_a) + (I_b - d_b)),
        u_a = d_a + t (I_a - d_a), u_b = 1 - u_a; with d_a, d_b >= 0 this is the
        symmetric Nash split. With a frontier, t solves
        d_b + t (I_b - d_b) = frontier(d_a + t (I_a - d_a)) by brentq, the feasible set
        being extended to u_a < 0 by free disposal (u_b <= frontier(0)) so the segment
        from a negative d_a is well defined; u_b = frontier(u_a). If the bargaining set
        is a single point that point is returned.

    Raises
    ------
    ValueError
        If the bargaining set is empty or d is not finite.

    Examples
    --------
    On the quarter circle u_b = sqrt(1 - u_a^2) from d = 0 both get 1/sqrt(2):

    >>> from sim.games import kalai_smorodinsky
    >>> [round(u, 6) for u in kalai_smorodinsky(0.0, 0.0, frontier=lambda u: (1 - u * u) ** 0.5)]
    [0.707107, 0.707107]
    """
    d_a = _check_finite_scalar(d_a, "d_a")
    d_b = _check_finite_scalar(d_b, "d_b")
    lo, hi, g = _bargaining_interval(d_a, d_b, frontier)
    ideal_a, ideal_b = hi, g(lo)
    if hi <= lo:
        return hi, g(hi)
    span_a, span_b = ideal_a - d_a, ideal_b - d_b
    if frontier is None:
        t = (1.0 - d_a - d_b) / (span_a + span_b)
        u_a = d_a + t * span_a
        return u_a, 1.0 - u_a

    def excess(t: float) -> float:
        return d_b + t * span_b - g(max(d_a + t * span_a, 0.0))

    t = brentq(excess, 0.0, 1.0, xtol=1e-14, rtol=4 * np.finfo(float).eps)
    u_a = max(d_a + t * span_a, 0.0)
    return u_a, g(u_a)
