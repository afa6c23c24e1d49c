"""Logit quantal response equilibrium of 2x2 games: the principal branch, vectorised.

A logit quantal response equilibrium (McKelvey and Palfrey 1995) at precision λ is a
profile in which each player plays each strategy with probability proportional to
exp(λ × its expected payoff): players err, and costly errors are rarer. At λ = 0
everyone randomises uniformly; as λ grows the *principal branch*, the unique connected
path of equilibria that starts there, converges to a Nash equilibrium (generically a
unique one: in 2x2 games with two strict equilibria, the risk-dominant one). This module
returns the point of the principal branch at the given λ, as Gambit's
``pygambit.qre.logit_solve_lambda`` does (the tests compare the two on random games).

Per unit of time. :func:`qre_2x2` takes ``per_year`` k, the number of decisions per
unit of time. The payoff gain of attacking is divided by k (a game of stake-periods
becomes a game of stake-years) and the logit choice gives the probability of attacking
within the unit of time, spread evenly over its k decisions: a player attacks in one
decision with probability 1 - (1 + exp(λ Δ / k))^(-1/k), where Δ is its expected gain
from attacking. With k = 1 this is the logit rule exactly; with k > 1 the yearly hazard
of a given situation does not depend on how finely the year is cut into periods. That
is a modelling judgement (the alternative, the logit rule per period, makes a ceasefire
written in months break about three times as often as the same one written in quarters).

Method. Write p and q for the row and the column player's attack probabilities and
u = λ Δ_row(q) / k for the row player's logit argument; an equilibrium is a root of the
scalar equation H(u, λ) = λ Δ_row(R(λ Δ_col(R(u)) / k)) / k - u = 0, with R the response
above. All roots lie between the smallest and the largest value of λ Δ_row / k.

* When the two players' gains move in opposite directions with the other's attack
  probability (matching pennies, chicken with one side), H is strictly decreasing: the
  root is unique and is found by bracketed Newton steps.
* Otherwise (coordination, the stag hunt) there may be three roots. A game whose H has
  a single root at the target λ needs nothing more; for the others the branch is
  followed from λ = 0 by pseudo-arclength continuation in (u, λ), which also passes the
  turning points where the branch bends back in λ (it does in a few random games), and
  the first point where it reaches the target λ is returned.
* In the degenerate game whose centre is an equilibrium at every precision (a
  symmetric coordination game with its mixed equilibrium at (1/2, 1/2)), the branch
  forks where the centre loses stability; beyond the fork ties go toward peace, as in
  :mod:`sim.games.rules`: the root at which the row player attacks least. (Gambit
  crosses such a fork with a small perturbation of its own and may take either side.)

Continuity. The returned profile moves continuously with the payoffs except where a
turning point of the branch crosses the target precision; there it jumps to the other
side, as the risk-dominant equilibrium switches in the limit. At a precision low enough
for the branch to have no turning point (λ below the fold), it is continuous.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["qre_2x2", "logit_response"]

#: Newton steps of the bracketed root finder for games with a unique equilibrium.
NEWTON_STEPS = 60
#: Most predictor-corrector steps of the branch continuation.
MAX_STEPS = 3000
_GRID = 257  # points on which H is scanned for a second root


def logit_response(x: np.ndarray, per_year: float = 1.0) -> np.ndarray:
    """Probability of attacking in one decision for logit argument ``x`` (see above)."""
    # 1 - (1 + e^x)^(-1/k), written to stay exact for large |x|
    log1pexp = np.logaddexp(0.0, x)
    return -np.expm1(-log1pexp / per_year)


def _response_slope(x: np.ndarray, per_year: float) -> np.ndarray:
    """d logit_response / dx."""
    log1pexp = np.logaddexp(0.0, x)
    sig = np.exp(x - log1pexp)  # e^x / (1 + e^x)
    return np.exp(-log1pexp / per_year) * sig / per_year


class _Games:
    """Attack gains of a batch of 2x2 games as affine functions of the other's attack
    probability: row gain dA0 + sA q, column gain dB0 + sB p."""

    def __init__(self, A: np.ndarray, B: np.ndarray) -> None:
        self.dA0 = A[:, 1, 0] - A[:, 0, 0]
        self.sA = (A[:, 1, 1] - A[:, 0, 1]) - self.dA0
        self.dB0 = B[:, 0, 1] - B[:, 0, 0]
        self.sB = (B[:, 1, 1] - B[:, 1, 0]) - self.dB0

    def take(self, rows: np.ndarray) -> _Games:
        g = object.__new__(_Games)
        g.dA0, g.sA, g.dB0, g.sB = self.dA0[rows], self.sA[rows], self.dB0[rows], self.sB[rows]
        return g


def _H(g: _Games, u: np.ndarray, mu: np.ndarray, k: float):
    """H(u, μ) with μ = λ / k, and its partial derivatives in u and μ; also p and q."""
    p = logit_response(u, k)
    v = mu * (g.dB0 + g.sB * p)
    q = logit_response(v, k)
    dA = g.dA0 + g.sA * q
    h = mu * dA - u
    rp, rq = _response_slope(u, k), _response_slope(v, k)
    h_u = mu * g.sA * rq * mu * g.sB * rp - 1.0
    h_mu = dA + mu * g.sA * rq * (g.dB0 + g.sB * p)
    return h, h_u, h_mu, p, q


def qre_2x2(
    A: npt.ArrayLike, B: npt.ArrayLike, precision: npt.ArrayLike, per_year: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Attack probabilities at the principal-branch logit QRE of many 2x2 games.

    Parameters
    ----------
    A, B : array_like, shape (..., 2, 2)
        Row and column payoffs; index 0 is Hold, 1 is Attack.
    precision : array_like, broadcastable to (...)
        Logit precision λ >= 0, per unit of payoff (per stake-year in the simulator).
    per_year : float
        Decisions per unit of time k (see the module docstring); 1 gives the plain
        logit QRE.

    Returns
    -------
    p, q : ndarray, shape (...)
        Probability that the row (p) and the column (q) player attack.

    Examples
    --------
    Matching pennies has its QRE at the centre for every precision; in the stag hunt
    the branch heads for the risk-dominant equilibrium, mutual attack:

    >>> from sim.games import qre_2x2
    >>> [float(round(x, 6)) for x in qre_2x2([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], 5.0)]
    [0.5, 0.5]
    >>> p, q = qre_2x2([[4, 0], [3, 3]], [[4, 3], [0, 3]], 10.0)
    >>> bool(p > 0.99 and q > 0.99)
    True
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.shape != B.shape or A.shape[-2:] != (2, 2):
        raise ValueError(f"A and B must have shape (..., 2, 2), got {A.shape} and {B.shape}")
    shape = A.shape[:-2]
    lam = np.broadcast_to(np.asarray(precision, dtype=float), shape).reshape(-1)
    if not np.all(np.isfinite(lam) & (lam >= 0)):
        raise ValueError("the precision must be a finite number >= 0")
    if not per_year > 0:
        raise ValueError(f"per_year must be > 0, got {per_year}")
    g = _Games(A.reshape(-1, 2, 2), B.reshape(-1, 2, 2))
    k = float(per_year)
    mu = lam / k
    lo = mu * np.minimum(g.dA0, g.dA0 + g.sA)  # every root lies in [lo, hi]
    hi = mu * np.maximum(g.dA0, g.dA0 + g.sA)
    u = _bracketed_root(g, mu, lo, hi, k)
    coordination = g.sA * g.sB > 0.0
    several = np.zeros(mu.size, dtype=bool)
    if coordination.any():
        c = np.flatnonzero(coordination)
        several[c] = _has_other_roots(g.take(c), mu[c], lo[c], hi[c], u[c], k)
    if several.any():
        s = np.flatnonzero(several)
        u[s] = _trace(g.take(s), mu[s], k)
    _, _, _, p, q = _H(g, u, mu, k)
    return p.reshape(shape), q.reshape(shape)


def _bracketed_root(g: _Games, mu, lo, hi, k: float) -> np.ndarray:
    """A root of H(., μ) in [lo, hi] by Newton steps kept inside a shrinking bracket
    (the unique root where H is decreasing).

    Each game stops at its own convergence (its last step applied), so its root does not
    depend on the other games of the batch: a draw's answer is the same whatever chunk
    it is solved in.
    """
    a, b = lo.copy(), hi.copy()
    u = 0.5 * (a + b)
    act = np.arange(u.size)
    for _ in range(NEWTON_STEPS):
        if act.size == 0:
            break
        ua, aa, ba = u[act], a[act], b[act]
        h, h_u, _, _, _ = _H(g.take(act), ua, mu[act], k)
        aa = np.where(h > 0, ua, aa)  # H(a) >= 0 >= H(b): H(lo) >= 0 and H(hi) <= 0 always
        ba = np.where(h < 0, ua, ba)
        step = ua - h / np.where(h_u != 0, h_u, -1.0)
        inside = (step > aa) & (step < ba)
        u_new = np.where(inside, step, 0.5 * (aa + ba))
        converged = np.abs(u_new - ua) <= 1e-15 * (1.0 + np.abs(ua))
        u[act], a[act], b[act] = u_new, aa, ba
        act = act[~converged]
    return u


def _has_other_roots(g: _Games, mu, lo, hi, u, k: float) -> np.ndarray:
    """Whether H(., μ) has more than one root: its sign changes more than once on a grid.

    The grid runs from lo - 1 to hi + 1, where H is strictly positive and negative (a root
    can sit exponentially close to lo or hi, where a player's gain saturates).
    """
    grid = (lo - 1.0)[:, None] + (hi - lo + 2.0)[:, None] * np.linspace(0.0, 1.0, _GRID)[None, :]
    G = _Games.take(g, np.repeat(np.arange(mu.size), _GRID))
    h = _H(G, grid.reshape(-1), np.repeat(mu, _GRID), k)[0].reshape(mu.size, _GRID)
    sign = np.sign(h)
    changes = (sign[:, 1:] * sign[:, :-1] < 0) | ((sign[:, 1:] == 0) & (sign[:, :-1] != 0))
    return changes.sum(axis=1) > 1


def _phi(g: _Games, x: np.ndarray, y: np.ndarray, k: float):
    """The QRE curve in logit coordinates, phi(x, y) = x Δ_col(R(x)) - y Δ_row(R(y)), with its
    gradient; (x, y) is on it at precision μ = x / Δ_row(R(y)) = y / Δ_col(R(x))."""
    p, q = logit_response(x, k), logit_response(y, k)
    dA, dB = g.dA0 + g.sA * q, g.dB0 + g.sB * p
    f = x * dB - y * dA
    f_x = dB + x * g.sB * _response_slope(x, k)
    f_y = -dA - y * g.sA * _response_slope(y, k)
    return f, f_x, f_y, dA, dB


def _mu(x: np.ndarray, y: np.ndarray, dA: np.ndarray, dB: np.ndarray) -> np.ndarray:
    """μ at a point of the curve, from whichever player's gain is the larger."""
    use_a = np.abs(dA) >= np.abs(dB)
    return np.where(use_a, x / np.where(dA != 0, dA, 1.0), y / np.where(dB != 0, dB, 1.0))


def _trace(g: _Games, mu_target: np.ndarray, k: float) -> np.ndarray:
    """u at the first point where the principal branch reaches μ_target.

    The branch is followed as a curve in logit coordinates (x, y) = (R^-1(p), R^-1(q)),
    where it does not depend on the precision (see :func:`_phi`), from the centre (0, 0)
    at μ = 0, by pseudo-arclength continuation; μ is read off along it, so turning points
    of μ (where the branch bends back) are passed like any other point.
    """
    n = mu_target.size
    x, y = np.zeros(n), np.zeros(n)
    _, _, _, dA, dB = _phi(g, x, y, k)
    tx, ty = dA.copy(), dB.copy()  # the branch leaves the centre along (Δ_row, Δ_col)
    norm = np.hypot(tx, ty)
    still = norm == 0  # the centre is an equilibrium at every precision
    tx, ty = (
        np.where(still, 1.0, tx / np.where(still, 1.0, norm)),
        np.where(still, 0.0, ty / np.where(still, 1.0, norm)),
    )
    mu_now = np.zeros(n)
    h = np.full(n, 0.05)
    done = still | (mu_target <= 0)
    out = np.zeros(n)
    for _ in range(MAX_STEPS):
        act = np.flatnonzero(~done)
        if act.size == 0:
            break
        ga = g.take(act)
        hs = h[act]
        px, py = x[act] + hs * tx[act], y[act] + hs * ty[act]
        zx, zy = px.copy(), py.copy()
        ok = np.zeros(act.size, dtype=bool)
        for _ in range(8):  # Newton on [phi = 0, tangent . (z - predicted) = 0]
            f, fx, fy, _, _ = _phi(ga, zx, zy, k)
            r2 = tx[act] * (zx - px) + ty[act] * (zy - py)
            det = fx * ty[act] - fy * tx[act]
            det = np.where(det != 0, det, 1e-300)
            zx, zy = zx + (-f * ty[act] + fy * r2) / det, zy + (-fx * r2 + tx[act] * f) / det
            ok = np.abs(f) <= 1e-12 * (1.0 + np.abs(zx) + np.abs(zy))
        f, fx, fy, dA, dB = _phi(ga, zx, zy, k)
        nx, ny = fy, -fx  # the tangent at the new point, oriented like the last one
        nn = np.hypot(nx, ny)
        nx, ny = nx / np.where(nn > 0, nn, 1.0), ny / np.where(nn > 0, nn, 1.0)
        turn = nx * tx[act] + ny * ty[act]
        nx, ny, turn = np.where(turn < 0, -nx, nx), np.where(turn < 0, -ny, ny), np.abs(turn)
        near = np.hypot(zx - px, zy - py) <= 0.3 * hs
        good = ok & np.isfinite(zx) & np.isfinite(zy) & ((near & (turn >= 0.999)) | (hs <= 1e-8))
        mu_new = _mu(zx, zy, dA, dB)
        target = mu_target[act]
        crossed = good & (mu_new >= target)
        if crossed.any():
            c = np.flatnonzero(crossed)
            m0 = mu_now[act][c]
            w = (target[c] - m0) / np.maximum(mu_new[c] - m0, 1e-300)
            u0 = x[act][c] + w * (zx[c] - x[act][c])
            out[act[c]] = _newton_at(ga.take(c), u0, target[c], k)
            done[act[c]] = True
        move = np.flatnonzero(good & ~crossed)
        idx = act[move]
        x[idx], y[idx], mu_now[idx] = zx[move], zy[move], mu_new[move]
        tx[idx], ty[idx] = nx[move], ny[move]
        grow = np.minimum(hs * 1.5, 0.05 * (1.0 + np.hypot(x[act], y[act])))
        h[act] = np.where(good, grow, hs * 0.5)
    if still.any():  # ties go toward peace: the root where the row player attacks least
        c = np.flatnonzero(still & (mu_target > 0))
        if c.size:
            gc = g.take(c)
            lo = mu_target[c] * np.minimum(gc.dA0, gc.dA0 + gc.sA)
            hi = mu_target[c] * np.maximum(gc.dA0, gc.dA0 + gc.sA)
            out[c] = _smallest_root(gc, mu_target[c], lo, hi, k)
    if not done.all():  # a game stuck at a near-degenerate bend: follow it in μ instead
        rest = np.flatnonzero(~done)
        out[rest] = _follow_mu(g.take(rest), mu_target[rest], k)
    return out


def _smallest_root(g: _Games, mu, lo, hi, k: float) -> np.ndarray:
    """The smallest root of H(., μ): the first sign change on a grid, then bisection."""
    grid = (lo - 1.0)[:, None] + (hi - lo + 2.0)[:, None] * np.linspace(0.0, 1.0, _GRID)[None, :]
    G = g.take(np.repeat(np.arange(mu.size), _GRID))
    h = _H(G, grid.reshape(-1), np.repeat(mu, _GRID), k)[0].reshape(mu.size, _GRID)
    first = np.argmax(h <= 0.0, axis=1)  # H > 0 left of the smallest root
    rows = np.arange(mu.size)
    a, b = grid[rows, np.maximum(first - 1, 0)], grid[rows, first]
    for _ in range(100):
        m = 0.5 * (a + b)
        pos = _H(g, m, mu, k)[0] > 0.0
        a, b = np.where(pos, m, a), np.where(pos, b, m)
    return 0.5 * (a + b)


def _follow_mu(g: _Games, mu_target: np.ndarray, k: float, steps: int = 4000) -> np.ndarray:
    """The branch followed in small steps of μ with Newton's method: a fallback for the
    rare game whose branch bends too sharply for the arclength steps (a game within
    rounding of one whose mixed equilibrium sits at the centre)."""
    u = np.zeros(mu_target.size)
    for j in range(1, steps + 1):
        u = _newton_at(g, u, mu_target * (j / steps) ** 2, k, iterations=6)
    return u


def _newton_at(
    g: _Games, u: np.ndarray, mu: np.ndarray, k: float, iterations: int = 50
) -> np.ndarray:
    """Newton's method on H(., μ) from a start close to the root (on the branch); each
    game stops at its own convergence (so its answer does not depend on its batch)."""
    u = np.array(u, dtype=float)
    act = np.arange(u.size)
    for _ in range(iterations):
        if act.size == 0:
            break
        h, h_u, _, _, _ = _H(g.take(act), u[act], mu[act], k)
        step = h / np.where(h_u != 0, h_u, -1.0)
        u[act] = u[act] - step
        act = act[~(np.abs(step) <= 1e-14 * (1.0 + np.abs(u[act])))]
    return u
