"""Why a ceasefire breaks: the region-split frontier and Powell's commitment condition.

A breakdown that is not an incident is attributed to a cause (see the model statement in
:mod:`sim.model`). :func:`commitment_flags` decides ``commitment``: no split of the stake
at t keeps a side from attacking, because the most it can be promised later is less than
what attacking now is worth (Powell 2006, generalised to many regions valued
differently by the two sides through the exact Pareto frontier of region splits,
:class:`Frontier`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.splits import StrengthTable

if TYPE_CHECKING:
    from sim.model.inputs import Inputs
    from sim.model.splits import Rows, SplitWars

__all__ = ["TOL", "Frontier", "commitment_flags", "tol"]

#: Regula falsi (Illinois) steps that narrow the smallest concession satisfying the other side.
REFINE_STEPS = 10

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
        self.order = order.reshape(-1, R)

    def effects(self, x: np.ndarray, cells: np.ndarray | None = None) -> np.ndarray:
        """Cumulative sums (cells, ..., R+1) of ``x`` (draws x states x ... x regions) over
        the regions given away first, in the frontier's order (column 0: nothing given
        yet), at the flat cells ``cells`` (default: all)."""
        R = x.shape[-1]
        x = x.reshape(-1, *x.shape[2:])
        order = self.order
        if cells is not None:
            x, order = x[cells], order[cells]
        order = order.reshape(order.shape[0], *[1] * (x.ndim - 2), R)
        xs = np.take_along_axis(x, order, axis=-1)
        out = np.zeros((*xs.shape[:-1], R + 1))
        np.cumsum(xs, axis=-1, out=out[..., 1:])
        return out

    def _at(self, cum: np.ndarray, vals: np.ndarray, theta: np.ndarray, cells: np.ndarray):
        R = vals.shape[-1]
        k = np.minimum(np.floor(theta).astype(np.int64), R - 1)
        return cum[cells, k] + (theta - k) * vals[cells, k]

    def given(self, theta: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """The other side's value of the first ``theta`` regions (a fraction of the last)."""
        return self._at(self.cum_o, self.vo, theta, cells)

    def kept(self, theta: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """This side's value of what it keeps after giving away ``theta`` regions."""
        R = self.vm.shape[-1]
        return self.cum_m[cells, R] - self._at(self.cum_m, self.vm, theta, cells)

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
    splits: SplitWars | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Powell's condition, generalised: is there no bargain at t that keeps i from attacking?

    For A: the most A can get from peace at t is the whole stake now (its total value
    plus f_A) plus the largest stationary continuation that still leaves B at least its
    first-strike war value at t+1 (the frontier of region splits, :class:`Frontier`).
    Commitment fails for A when its value of attacking now exceeds that. In the
    one-region case with common δ, no flows and no incidents this is exactly Powell
    (2006): war iff W_A(t) > 1 + δ (1/(1-δ) - W_B(t+1)).

    Where regions move power (``splits`` given, and some region has an effect in that
    draw and state), B's war values at t+1 are those of the split itself
    (:mod:`sim.model.splits`): the smallest concession along the frontier that satisfies
    B, with B as strong as that concession makes it.

    ``frontiers`` is (Frontier(v_A, v_B), Frontier(v_B, v_A)); the other arguments are
    arrays of one shape (draws x states). ``where`` (bool, that shape) limits the work to
    the cells that need an answer; the others are False.
    """
    shape = np.shape(w_a_now)
    idx = np.flatnonzero(where) if where is not None else np.arange(int(np.prod(shape)))
    moving = np.zeros(idx.size, dtype=bool)
    if splits is not None and idx.size:
        moving = splits.m.moves_power.reshape(-1)[idx]
    sides = (
        (w_a_now, w_b_next, winc_a_next, winc_b_next, f_a, f_b, d_a, d_b),
        (w_b_now, w_a_next, winc_b_next, winc_a_next, f_b, f_a, d_b, d_a),
    )

    def query(me: int, cells: np.ndarray) -> _Query:
        def flat(a):
            return np.broadcast_to(a, shape).ravel()[cells]

        w_now, w_other_next, winc_me, winc_other, f_me, f_other, d_me, d_other = sides[me]
        return _Query(
            cells, flat(w_now), flat(w_other_next), flat(winc_me), flat(winc_other),
            flat(f_me), flat(f_other), flat(d_me), flat(d_other), flat(lam),
            frontiers[me].total_m.ravel()[cells],
        )  # fmt: skip

    out = (np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool))
    still = idx[~moving]
    if still.size:
        for me in (0, 1):
            q = query(me, still)
            # the other side's perpetual flow must give it at least its war value next period
            best = frontiers[me].most(q.f_me, q.f_other, q.floor(q.wf_other, q.winc_other), still)
            out[me].ravel()[still] = q.fails(best, q.winc_me)
    moved = idx[moving]
    if moved.size:
        assert splits is not None
        q = _Query.join(query(0, moved), query(1, moved))
        fails = _fails_moving(splits, frontiers, moved, q)
        out[0].ravel()[moved], out[1].ravel()[moved] = fails[: moved.size], fails[moved.size :]
    return out


class _Query:
    """One side's commitment test at a set of flat cells (all arrays over those cells)."""

    def __init__(
        self, cells, w_now, wf_other, winc_me, winc_other, f_me, f_other, d_me, d_o, lam, total
    ):
        self.cells, self.w_now, self.wf_other = cells, w_now, wf_other
        self.winc_me, self.winc_other, self.f_me, self.f_other = winc_me, winc_other, f_me, f_other
        self.d_me, self.d_o, self.lam, self.total = d_me, d_o, lam, total

    FIELDS = ("cells", "w_now", "wf_other", "winc_me", "winc_other", "f_me", "f_other", "d_me",
              "d_o", "lam", "total")  # fmt: skip

    @classmethod
    def join(cls, a: _Query, b: _Query) -> _Query:
        """A's rows, then B's."""
        return cls(*(np.concatenate([getattr(a, k), getattr(b, k)]) for k in cls.FIELDS))

    def subset(self, sub: np.ndarray) -> _Query:
        """The same query at a subset of its cells."""
        return _Query(*(getattr(self, k)[sub] for k in self.FIELDS))

    def floor(self, wf_other: np.ndarray, winc_other: np.ndarray) -> np.ndarray:
        """The least perpetual flow that keeps the other side from attacking next period."""
        return wf_other * (1.0 - self.d_o * (1.0 - self.lam)) - self.d_o * self.lam * winc_other

    def fails(self, best_flow: np.ndarray, winc_me: np.ndarray) -> np.ndarray:
        """True where attacking now beats the most peace can promise (or no split works)."""
        feasible = np.isfinite(best_flow)
        safe = np.where(feasible, best_flow, 0.0)
        d, lam = self.d_me, self.lam
        cont = (safe + d * lam * winc_me) / (1.0 - d * (1.0 - lam))
        most = (self.total + self.f_me) + d * ((1.0 - lam) * cont + lam * winc_me)
        return ~feasible | (self.w_now > most + tol(self.w_now, most))


def _fails_moving(
    splits: SplitWars, frontiers: tuple[Frontier, Frontier], cells: np.ndarray, q: _Query
) -> np.ndarray:
    """Powell's condition where the split moves power (see :mod:`sim.model.splits`), for
    both sides at once: rows are A's tests at ``cells``, then B's (``q`` likewise).

    Along the frontier, the smallest concession theta (regions given to the other side, in
    the frontier's order) whose flow gives the other at least its war value next period,
    with the power that concession gives it, is bracketed between two whole regions;
    the test is decided at the ends of the bracket and refined only where they disagree.
    """
    n = cells.size
    R = frontiers[0].vo.shape[-1]
    rows = splits.rows(cells)
    table = _strength_table(frontiers, splits.m).rows(cells)
    # every whole number of regions given, at once (rows, R+1)
    log_k = np.stack(rows.log_k, axis=1)[:, :, None]  # mine, the other's
    s = np.logaddexp(log_k + table[:, 0:2], table[:, 2:4]) + table[:, 4:6]
    base = rows.base()
    p_n, w_first, w_neutral = rows.wars(s[:, 0], s[:, 1], column=True)
    wf = q.wf_other[:, None] + (w_first - base[0][:, None])
    wi = q.winc_other[:, None] + (w_neutral - base[1][:, None])
    floor = wf * (1.0 - q.d_o * (1.0 - q.lam))[:, None] - (q.d_o * q.lam)[:, None] * wi
    cum_o, cum_m = table[:, 6], table[:, 7]
    gaps = cum_o + q.f_other[:, None] - floor
    ok = gaps >= 0.0
    feasible = ok.any(axis=-1)
    j = np.where(feasible, np.argmax(ok, axis=-1), 0)
    r = np.arange(2 * n)

    def fails_at(col: np.ndarray) -> np.ndarray:
        best = cum_m[r, R] - cum_m[r, col] + q.f_me
        winc = q.winc_me + (rows.my_war(p_n[r, col]) - base[2])
        return q.fails(np.where(feasible, best, -np.inf), winc)

    # decide at the ends of the bracket: giving only j-1 regions is the most I could hope
    # for, giving j the least; only where the two disagree is the bracket refined
    fails_hi = fails_at(j)
    fails_lo = fails_at(np.maximum(j - 1, 0))
    result = fails_hi  # exact where j == 0 (nothing to give) or where no split works
    open_ = np.flatnonzero(feasible & (j > 0) & fails_hi & ~fails_lo)
    if open_.size:
        sides = (cells[open_[open_ < n]], cells[open_[open_ >= n] - n])  # A's rows, B's
        # cumulative effects along each row's frontier: mine, then the other's (rows, 6, R+1)
        effects = _strength_table(frontiers, splits.m).effects
        cum = np.concatenate([effects[me][sides[me]] for me in (0, 1)])
        vo, vm = (
            np.concatenate([getattr(frontiers[me], a)[sides[me]] for me in (0, 1)])
            for a in ("vo", "vm")
        )
        tabs = (cum_o[open_], vo, cum_m[open_], vm)
        result[open_] = _refine(
            rows.take(open_), q.subset(open_), tabs, cum, tuple(b[open_] for b in base),
            j[open_], gaps[open_],
        )  # fmt: skip
    return result


def _strength_table(frontiers: tuple[Frontier, Frontier], m: Inputs) -> StrengthTable:
    """The chunk's strength table (:class:`sim.model.splits.StrengthTable`), taken once per
    pair of frontiers and kept on the first."""
    kept = frontiers[0].__dict__.get("_strengths")
    if kept is None or kept[0] is not m or kept[1] is not frontiers[1]:
        kept = (m, frontiers[1], StrengthTable(m, frontiers))
        frontiers[0].__dict__["_strengths"] = kept
    return kept[2]


def _refine(rows: Rows, q: _Query, tabs, cum, base, j, gaps) -> np.ndarray:
    """The test at the smallest concession in (j-1, j], found by regula falsi (Illinois).

    ``tabs`` are the rows' frontier tables (cum_o, vo, cum_m, vm), ``cum`` the cumulative
    effect sums (mine, the other's) and ``base`` the war values under the terms."""
    cum_o, vo, cum_m, vm = tabs
    R = vo.shape[-1]
    r = np.arange(j.size)

    # the frontier's values given and kept, and their slopes, as planes (rows, 4, R+1)
    front = np.stack([cum_o, np.pad(vo, ((0, 0), (0, 1))), cum_m, np.pad(vm, ((0, 0), (0, 1)))], 1)

    def evaluate(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s_me, s_other = rows.along(cum, theta)
        p_n, w_first, w_neutral = rows.wars(s_me, s_other)
        wf = q.wf_other + (w_first - base[0])
        wi = q.winc_other + (w_neutral - base[1])
        k = np.minimum(np.floor(theta).astype(np.int64), R - 1)
        at = front[r, :, k]
        vals = at[:, 0::2] + (theta - k)[:, None] * at[:, 1::2]  # given, and kept's complement
        gap = vals[:, 0] + q.f_other - q.floor(wf, wi)
        kept = cum_m[r, R] - vals[:, 1]
        return gap, kept + q.f_me, q.winc_me + (rows.my_war(p_n) - base[2])

    a, b = (j - 1).astype(float), j.astype(float)
    ga, gb = gaps[r, j - 1], gaps[r, j]  # ga < 0 <= gb
    _, best, winc = evaluate(b)
    eps = 1e-12 * (1.0 + np.abs(gb))
    kept_a = np.zeros(j.size, dtype=bool)
    for _ in range(REFINE_STEPS):
        x = np.clip(b - gb * (b - a) / np.where(gb != ga, gb - ga, 1.0), a, b)
        gx, bx, wx = evaluate(x)
        right = gx >= -eps  # a root within rounding counts as reached
        # the end kept twice in a row has its value halved, so the secant moves on
        ga = np.where(right, np.where(kept_a, ga * 0.5, ga), gx)
        a = np.where(right, a, x)
        gb, b = np.where(right, gx, gb), np.where(right, x, b)
        best, winc = np.where(right, bx, best), np.where(right, wx, winc)
        kept_a = right
    return q.fails(best, winc)
