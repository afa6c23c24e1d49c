"""Region splits of a multi-region stake: the batched frontier helpers the model uses.

The simulator's stake is a set of R regions. Actor i values region r at
v_i[..., r] >= 0 (normalised by the caller so each actor's values sum to 1; nothing
here assumes it). A split gives A the share h_r in [0, 1] of region r and B the rest,
with peace flows

    x_A(h) = sum_r h_r v_A[r] + f_A,    x_B(h) = sum_r (1 - h_r) v_B[r] + f_B,

f_i being the other flows under the ceasefire (per-period flows, in the units of
:mod:`sim.games.bargaining`). The feasible set of (x_A, x_B) is a convex polygon (a
zonotope); its upper-right boundary is piecewise linear and concave, traced by giving A
the regions in decreasing order of v_A / v_B (a fractional knapsack). Regions with
v_B = 0 come first (A gains at no cost to B), regions with v_A = 0 last, and regions
that neither side values are irrelevant. :func:`max_a_given_floor_b`,
:func:`max_b_given_floor_a` and :func:`nash_split_batch` work on that boundary exactly
(no grid), vectorised over any leading "draw" axes: one sort over the R regions per
draw, and no Python loop over draws or regions. With one region and a linear pie they
reduce to the closed forms of :mod:`sim.games.bargaining` (the tests check it).

Conventions for impossible requests: :func:`max_a_given_floor_b` returns ``-inf`` where
no split meets the floor; :func:`nash_split_batch` returns ``NaN`` where the bargaining
set is empty.
"""

from __future__ import annotations

import numpy as np

__all__ = ["max_a_given_floor_b", "max_b_given_floor_a", "nash_split_batch"]


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

    Examples
    --------
    Three regions; B's floor of 0.5 is met by handing it region 2, which A values
    least per unit of B's value:

    >>> import numpy as np
    >>> from sim.games import max_a_given_floor_b
    >>> v_a, v_b = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.3, 0.5])
    >>> max_a_given_floor_b(v_a, v_b, 0.0, 0.0, np.array([0.0, 0.5, 1.0, 1.5])).tolist()
    [1.0, 0.8, 0.0, -inf]
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


def _best_segment(d_a, d_b, v_a, v_b, f_a, f_b, alpha):
    """The Nash product's maximiser on each frontier segment, and the best segment.

    Returns ``positive (..., R)`` (segments whose optimum gives both sides more than d)
    and, at the best segment, the flows ``u_a``, ``u_b`` and A's share ``share_a``.
    """
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
    return positive, f_a + share_a, f_b + kept_b, share_a


def _pareto_ends(d_a, d_b, v_a, v_b, f_a, f_b, alpha, positive, u_a, u_b, share_a):
    """Where the best segment is not the answer: d on the frontier, or alpha 0 or 1.

    Returns ``feasible`` (the bargaining set is not empty) and the corrected flows
    ``u_a``, ``u_b`` and share ``share_a``.
    """
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
    # (where the set is empty the ideal floors are -inf: harmless, masked by the caller)
    for_a_b = np.maximum(max_b_given_floor_a(v_a, v_b, f_a, f_b, ideal_a), d_b)
    for_b_a = np.maximum(max_a_given_floor_b(v_a, v_b, f_a, f_b, ideal_b), d_a)
    u_a = np.where(alpha == 1, ideal_a, np.where(alpha == 0, for_b_a, u_a))
    u_b = np.where(alpha == 1, for_a_b, np.where(alpha == 0, ideal_b, u_b))
    share_a = np.where(degenerate | (alpha == 0) | (alpha == 1), u_a - f_a, share_a)
    return feasible, u_a, u_b, share_a


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

    Examples
    --------
    Trading regions each side values more than the other lifts both above the even
    split of a linear pie (0.5 each):

    >>> import numpy as np
    >>> from sim.games import nash_split_batch
    >>> v_a, v_b = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.3, 0.5])
    >>> u_a, u_b, share_a = nash_split_batch(0.1, 0.1, v_a, v_b, 0.0, 0.0)
    >>> [round(float(u), 6) for u in (u_a, u_b, share_a)]
    [0.65, 0.65, 0.65]
    """
    v_a, v_b, (d_a, d_b, f_a, f_b, alpha) = _regions(v_a, v_b, d_a, d_b, f_a, f_b, alpha)
    for x, name in ((d_a, "d_a"), (d_b, "d_b"), (f_a, "f_a"), (f_b, "f_b")):
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name} must be finite")
    if not np.all((alpha >= 0) & (alpha <= 1)):
        raise ValueError("alpha (A's bargaining weight) must lie in [0, 1]")

    positive, u_a, u_b, share_a = _best_segment(d_a, d_b, v_a, v_b, f_a, f_b, alpha)
    feasible, u_a, u_b, share_a = _pareto_ends(
        d_a, d_b, v_a, v_b, f_a, f_b, alpha, positive, u_a, u_b, share_a
    )
    nan = np.full_like(u_a, np.nan)
    return (
        np.where(feasible, u_a, nan),
        np.where(feasible, u_b, nan),
        np.where(feasible, share_a, nan),
    )
