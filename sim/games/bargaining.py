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
:func:`nash_bargaining`, :func:`kalai_smorodinsky` or :func:`nash_split_batch`.

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

Batched frontier helpers
------------------------
The simulator's stake is a set of R regions. Actor i values region r at
v_i[..., r] >= 0 (normalised by the caller so each actor's values sum to 1; nothing
here assumes it). A split gives A the share h_r in [0, 1] of region r and B the rest,
with peace flows

    x_A(h) = sum_r h_r v_A[r] + f_A,    x_B(h) = sum_r (1 - h_r) v_B[r] + f_B,

f_i being the other flows under the ceasefire. The feasible set of (x_A, x_B) is a
convex polygon (a zonotope); its upper-right boundary is piecewise linear and concave,
traced by giving A the regions in decreasing order of v_A / v_B (a fractional knapsack).
Regions with v_B = 0 come first (A gains at no cost to B), regions with v_A = 0 last,
and regions that neither side values are irrelevant. :func:`max_a_given_floor_b`,
:func:`max_b_given_floor_a` and :func:`nash_split_batch` work on that boundary exactly
(no grid), vectorised over any leading "draw" axes: one sort over the R regions per
draw, and no Python loop over draws or regions.

Conventions for impossible requests: :func:`max_a_given_floor_b` returns ``-inf`` where
no split meets the floor; :func:`nash_split_batch` returns ``NaN`` where the bargaining
set is empty; the scalar functions raise ``ValueError``.
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
    "max_a_given_floor_b",
    "max_b_given_floor_a",
    "nash_split_batch",
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

        def g(u: float) -> float:
            return 1.0 - u

        lo, hi = max(0.0, d_a), min(1.0, 1.0 - d_b)
        if lo > hi:
            raise ValueError(_EMPTY_SET.format(d_a=d_a, d_b=d_b))
        return lo, hi, g

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


# --------------------------------------------------------------------------------------
# Batched helpers on the piecewise-linear region frontier
# --------------------------------------------------------------------------------------
def _regions(v_a, v_b, *per_draw):
    """Broadcast region values (..., R) and per-draw quantities (...) together."""
    v_a = np.asarray(v_a, dtype=float)
    v_b = np.asarray(v_b, dtype=float)
    if v_a.ndim == 0 or v_b.ndim == 0:
        raise ValueError("v_a and v_b must have a trailing region axis of length R >= 1")
    v_shape = np.broadcast_shapes(v_a.shape, v_b.shape)
    if v_shape[-1] < 1:
        raise ValueError("the stake needs at least one region (R >= 1)")
    for v, name in ((v_a, "v_a"), (v_b, "v_b")):
        if not np.all(np.isfinite(v) & (v >= 0)):
            raise ValueError(f"{name} (region values) must be finite and >= 0")
    others = [np.asarray(x, dtype=float) for x in per_draw]
    batch = np.broadcast_shapes(v_shape[:-1], *(x.shape for x in others))
    v_a = np.broadcast_to(v_a, batch + v_shape[-1:])
    v_b = np.broadcast_to(v_b, batch + v_shape[-1:])
    others = [np.broadcast_to(x, batch) for x in others]
    return v_a, v_b, others


def _ratio(v_a: np.ndarray, v_b: np.ndarray) -> np.ndarray:
    """v_a / v_b per region: +inf where only A values it, 0 where nobody does."""
    safe_b = np.where(v_b > 0, v_b, 1.0)
    return np.where(v_b > 0, v_a / safe_b, np.where(v_a > 0, np.inf, 0.0))


def _exclusive_cumsum(x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    np.cumsum(x[..., :-1], axis=-1, out=out[..., 1:])
    return out


def _take(x: np.ndarray, index: np.ndarray) -> np.ndarray:
    return np.take_along_axis(x, index[..., None], axis=-1)[..., 0]


def max_a_given_floor_b(v_a, v_b, f_a, f_b, floor_b):
    """Largest peace flow x_A over region splits that give B at least ``floor_b``.

    Solves max_h sum_r h_r v_a[r] + f_a subject to sum_r (1 - h_r) v_b[r] + f_b >= floor_b,
    h in [0, 1]^R, exactly: B is handed the regions A values least per unit of B's
    value (ascending v_a / v_b), the last one fractionally, until its floor is met
    (fractional knapsack). Regions only A values (v_b = 0) are never handed over;
    regions only B values (v_a = 0) are handed over first at no cost to A; regions
    nobody values and ties in the ratio do not change the value.

    Parameters
    ----------
    v_a, v_b : array_like, shape (..., R)
        Each actor's non-negative, finite value of each region (conventionally summing
        to 1 over regions: one period of the whole stake).
    f_a, f_b : array_like, shape (...)
        Other per-period flows under the ceasefire.
    floor_b : array_like, shape (...)
        B's required per-period flow; may be -inf (no constraint) or +inf.

    Returns
    -------
    np.ndarray, shape (...) (the broadcast batch shape)
        The maximal x_A; ``-inf`` where even giving B every region leaves
        x_B = sum(v_b) + f_b < floor_b. Exact up to floating-point rounding, so a floor
        equal to sum(v_b) + f_b can fall on either side.
    """
    v_a, v_b, (f_a, f_b, floor_b) = _regions(v_a, v_b, f_a, f_b, floor_b)
    if np.any(np.isnan(floor_b)):
        raise ValueError("floor_b must not be NaN")
    order = np.argsort(_ratio(v_a, v_b), axis=-1, kind="stable")  # B's regions first
    va = np.take_along_axis(v_a, order, axis=-1)
    vb = np.take_along_axis(v_b, order, axis=-1)
    cum_b = np.cumsum(vb, axis=-1)
    given_b_before = cum_b - vb
    kept_a_after = _exclusive_cumsum(va[..., ::-1])[..., ::-1]  # A's value of later regions
    need = floor_b - f_b
    n_regions = va.shape[-1]
    # the region handed over fractionally: the first whose cumulative value meets `need`
    k = np.minimum(np.sum(cum_b < need[..., None], axis=-1), n_regions - 1)
    vb_k, va_k = _take(vb, k), _take(va, k)
    gap = need - _take(given_b_before, k)
    frac = np.where(vb_k > 0, gap / np.where(vb_k > 0, vb_k, 1.0), 0.0)
    # exact at vertices; a region B does not value is never handed over
    frac = np.where((vb_k > 0) & (need >= _take(cum_b, k)), 1.0, np.clip(frac, 0.0, 1.0))
    x_a = f_a + _take(kept_a_after, k) + (1.0 - frac) * va_k
    return np.where(need > cum_b[..., -1], -np.inf, x_a)


def max_b_given_floor_a(v_a, v_b, f_a, f_b, floor_a):
    """Largest peace flow x_B over region splits that give A at least ``floor_a``.

    The mirror image of :func:`max_a_given_floor_b` (same shapes and conventions,
    ``-inf`` where even giving A every region leaves x_A < floor_a).
    """
    return max_a_given_floor_b(v_b, v_a, f_b, f_a, floor_a)


def nash_split_batch(d_a, d_b, v_a, v_b, f_a, f_b, alpha=0.5):
    """Asymmetric Nash bargaining solution on the region frontier, vectorised over draws.

    Maximises alpha log(x_A - d_a) + (1 - alpha) log(x_B - d_b) over region splits h
    (see the module docstring for x_A, x_B). The upper-right boundary of the feasible
    set is the polyline of segments obtained by giving A the regions one at a time in
    decreasing order of v_a / v_b; along segment r, x_A rises by s v_a[r] and x_B falls
    by s v_b[r], s in [0, 1]. On each segment the weighted log Nash product is concave
    and its maximiser has the closed form

        s* = (alpha v_a gain_b0 - (1 - alpha) v_b gain_a0) / (v_a v_b),

    with gain_i0 the gains over d at the segment's start (s* = 1 if v_b = 0 < v_a,
    s* = 0 if v_a = 0). s* is clipped to [0, 1] and the best segment taken: exact, with
    no loop over draws and no grid.

    Parameters
    ----------
    d_a, d_b : array_like, shape (...)
        Disagreement payoffs (war values as per-period flows).
    v_a, v_b : array_like, shape (..., R)
        Region values, finite and >= 0.
    f_a, f_b : array_like, shape (...)
        Other per-period flows under the ceasefire.
    alpha : float or array_like, shape (...), default 0.5
        A's bargaining weight in [0, 1].

    Returns
    -------
    (u_a, u_b, share_a) : tuple of np.ndarray, each of the broadcast batch shape
        u_a, u_b are the peace flows x_A, x_B at the solution; share_a = sum_r h_r v_a[r]
        = u_a - f_a is A's share of its own valuation of the stake (1 = A gets everything
        it values, when v_a sums to 1). All three are NaN exactly where the bargaining set
        is empty, i.e. no split gives A at least d_a and B at least d_b (up to rounding).
        Where the set is not empty but has no split giving both strictly more than d
        (d on the frontier), the unique Pareto-efficient point of the set is returned.
        alpha = 1 (0) gives the Pareto-efficient split best for A (B).

    Raises
    ------
    ValueError
        If alpha is outside [0, 1], values are negative or inputs are not finite.
    """
    v_a, v_b, (d_a, d_b, f_a, f_b, alpha) = _regions(v_a, v_b, d_a, d_b, f_a, f_b, alpha)
    for x, name in ((d_a, "d_a"), (d_b, "d_b"), (f_a, "f_a"), (f_b, "f_b")):
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name} must be finite")
    if not np.all((alpha >= 0) & (alpha <= 1)):
        raise ValueError("alpha (A's bargaining weight) must lie in [0, 1]")

    order = np.argsort(-_ratio(v_a, v_b), axis=-1, kind="stable")  # A's regions first
    va = np.take_along_axis(v_a, order, axis=-1)
    vb = np.take_along_axis(v_b, order, axis=-1)
    share_a0 = _exclusive_cumsum(va)  # A's share of its valuation at each segment start
    kept_b0 = vb.sum(axis=-1, keepdims=True) - _exclusive_cumsum(vb)  # B's, likewise
    gain_a0 = f_a[..., None] + share_a0 - d_a[..., None]
    gain_b0 = f_b[..., None] + kept_b0 - d_b[..., None]

    w = alpha[..., None]
    interior = (va > 0) & (vb > 0)
    denom = np.where(interior, va * vb, 1.0)
    s = np.where(
        interior,
        (w * va * gain_b0 - (1.0 - w) * vb * gain_a0) / denom,
        np.where(va > 0, 1.0, 0.0),
    )
    s = np.clip(s, 0.0, 1.0)
    gain_a = gain_a0 + s * va
    gain_b = gain_b0 - s * vb
    positive = (gain_a > 0) & (gain_b > 0)
    log_product = np.where(
        positive,
        w * np.log(np.where(positive, gain_a, 1.0))
        + (1.0 - w) * np.log(np.where(positive, gain_b, 1.0)),
        -np.inf,
    )
    best = np.argmax(log_product, axis=-1)
    share_a = _take(share_a0 + s * va, best)
    kept_b = _take(kept_b0 - s * vb, best)
    u_a = f_a + share_a
    u_b = f_b + kept_b

    # the ideal point: each side's best with the other held to its disagreement payoff
    ideal_a = max_a_given_floor_b(v_a, v_b, f_a, f_b, d_b)
    ideal_b = max_b_given_floor_a(v_a, v_b, f_a, f_b, d_a)
    feasible = ideal_a >= d_a
    # d on the frontier: the set is a point or a horizontal/vertical piece whose
    # Pareto-efficient end is the (then feasible) ideal point
    degenerate = feasible & ~np.any(positive, axis=-1)
    u_a = np.where(degenerate, ideal_a, u_a)
    u_b = np.where(degenerate, ideal_b, u_b)
    # alpha at 0 or 1: the Pareto-efficient end of the bargaining set
    # (where the set is empty the ideal floors are -inf: harmless, masked below)
    for_a_b = np.maximum(max_b_given_floor_a(v_a, v_b, f_a, f_b, ideal_a), d_b)
    for_b_a = np.maximum(max_a_given_floor_b(v_a, v_b, f_a, f_b, ideal_b), d_a)
    u_a = np.where(alpha == 1, ideal_a, np.where(alpha == 0, for_b_a, u_a))
    u_b = np.where(alpha == 1, for_a_b, np.where(alpha == 0, ideal_b, u_b))
    share_a = np.where(degenerate | (alpha == 0) | (alpha == 1), u_a - f_a, share_a)

    nan = np.full_like(u_a, np.nan)
    return (
        np.where(feasible, u_a, nan),
        np.where(feasible, u_b, nan),
        np.where(feasible, share_a, nan),
    )
