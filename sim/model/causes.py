"""Why a ceasefire breaks: the region-split frontier and Powell's commitment condition.

A breakdown that is not an incident is attributed to a cause (see the model statement in
:mod:`sim.model`). :func:`commitment_flags` decides ``commitment``: no split of the stake
at t keeps a side from attacking, because the most it can be promised later is less than
what attacking now is worth (Powell 2006, generalised to many regions valued
differently by the two sides through the exact Pareto frontier of region splits,
:class:`Frontier`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["TOL", "Frontier", "commitment_flags", "tol"]

#: Relative tolerance for payoff comparisons (acceptance, Powell's condition).
TOL = 1e-9


def tol(*arrays: np.ndarray) -> np.ndarray:
    """The comparison tolerance for these payoffs: TOL times the largest magnitude (at least 1)."""
    scale = np.ones_like(arrays[0])
    for a in arrays:
        scale = np.maximum(scale, np.abs(a))
    return TOL * scale


class Frontier:
    """The Pareto frontier of region splits between two sides, per draw and state.

    For a floor on the other side's flow, :meth:`most` gives the most this side can get
    (the fractional knapsack of :func:`sim.games.max_a_given_floor_b`). The regions
    are sorted once, so each period's query is a few vectorised comparisons; queries
    take flat indices into the (draws x states) grid so that only the cells that need
    an answer are computed.
    """

    def __init__(self, v_me: np.ndarray, v_other: np.ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(
                v_me > 0,
                v_other / np.where(v_me > 0, v_me, 1.0),
                np.where(v_other > 0, np.inf, 0.0),
            )
        order = np.argsort(
            -ratio, axis=-1, kind="stable"
        )  # give the other what it prizes most first
        R = v_me.shape[-1]
        self.shape = v_me.shape[:-1]
        self.vo = np.take_along_axis(v_other, order, axis=-1).reshape(-1, R)
        self.vm = np.take_along_axis(v_me, order, axis=-1).reshape(-1, R)
        zero = np.zeros((self.vo.shape[0], 1))
        # cumulative values before each region (column 0 = nothing given yet)
        self.cum_o = np.concatenate([zero, np.cumsum(self.vo, axis=-1)], axis=-1)
        self.cum_m = np.concatenate([zero, np.cumsum(self.vm, axis=-1)], axis=-1)
        self.total_m = self.cum_m[:, -1].reshape(self.shape)

    def most(self, f_me, f_other, floor, idx: np.ndarray | None = None) -> np.ndarray:
        """Largest flow of this side over splits giving the other at least ``floor``.

        -inf where even the whole stake leaves the other below it. With ``idx`` (flat
        indices into draws x states) the arguments are already flat and only those cells
        are computed.
        """
        if idx is None:
            flat = np.arange(self.vo.shape[0])
            fm, fo, fl = (np.broadcast_to(a, self.shape).ravel() for a in (f_me, f_other, floor))
            return self.most(fm, fo, fl, flat).reshape(self.shape)
        R = self.vo.shape[-1]
        need = floor - f_other
        cum_o = self.cum_o[idx]
        k = np.minimum((cum_o[:, 1:] < need[:, None]).sum(axis=-1), R - 1)
        rows = np.arange(idx.size)
        prev_o = cum_o[rows, k]
        prev_m = self.cum_m[idx, k]
        vo_k = self.vo[idx, k]
        vm_k = self.vm[idx, k]
        frac = np.clip((need - prev_o) / np.where(vo_k > 0, vo_k, 1.0), 0.0, 1.0)
        total_m = self.cum_m[idx, R]
        best = total_m - prev_m - frac * vm_k + f_me
        best = np.where(need <= 0.0, total_m + f_me, best)
        return np.where(need > cum_o[:, R] * (1 + 1e-12) + 1e-300, -np.inf, best)


def commitment_flags(
    frontiers,
    w_a_now,
    w_b_now,
    w_a_next,
    w_b_next,
    winc_a_next,
    winc_b_next,
    f_a,
    f_b,
    d_a,
    d_b,
    lam,
    where: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Powell's condition, generalised: is there no bargain at t that keeps i from attacking?

    For A: the most A can get from peace at t is the whole stake now (1 + f_A) plus the
    largest stationary continuation that still leaves B at least its first-strike war
    value at t+1 (the frontier of region splits, :class:`Frontier`). Commitment fails
    for A when its value of attacking now exceeds that. In the one-region case with
    common δ, no flows and no incidents this is exactly Powell (2006):
    war iff W_A(t) > 1 + δ (1/(1-δ) - W_B(t+1)).

    ``frontiers`` is (Frontier(v_A, v_B), Frontier(v_B, v_A)); the other arguments are
    arrays of one shape (draws x states). ``where`` (bool, that shape) limits the work to
    the cells that need an answer; the others are False.
    """
    shape = np.shape(w_a_now)
    idx = np.flatnonzero(where) if where is not None else np.arange(int(np.prod(shape)))
    flat = lambda a: np.broadcast_to(a, shape).ravel()[idx]  # noqa: E731
    out = []
    for frontier, w_now, w_other_next, winc_me, winc_other, f_me, f_other, d_me, d_other in (
        (frontiers[0], w_a_now, w_b_next, winc_a_next, winc_b_next, f_a, f_b, d_a, d_b),
        (frontiers[1], w_b_now, w_a_next, winc_b_next, winc_a_next, f_b, f_a, d_b, d_a),
    ):
        flag = np.zeros(shape, dtype=bool)
        if idx.size:
            lam_, d_me_, d_other_, winc_me_ = flat(lam), flat(d_me), flat(d_other), flat(winc_me)
            # the other side's perpetual flow must give it at least its war value next period
            floor = flat(w_other_next) * (1.0 - d_other_ * (1.0 - lam_)) - d_other_ * lam_ * flat(
                winc_other
            )
            best_flow = frontier.most(flat(f_me), flat(f_other), floor, idx)
            feasible = np.isfinite(best_flow)
            safe = np.where(feasible, best_flow, 0.0)
            cont = (safe + d_me_ * lam_ * winc_me_) / (1.0 - d_me_ * (1.0 - lam_))
            most = (frontier.total_m.ravel()[idx] + flat(f_me)) + d_me_ * (
                (1.0 - lam_) * cont + lam_ * winc_me_
            )
            w = flat(w_now)
            flag.ravel()[idx] = ~feasible | (w > most + tol(w, most))
        out.append(flag)
    return out[0], out[1]
