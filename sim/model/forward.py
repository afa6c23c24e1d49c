"""Forward along each draw's path with private information: acceptance per type, the
masks of types the uninformed side has not ruled out, and survival per true type.

The backward pass (:mod:`sim.model.private`) leaves, for every period and mask, how each
type and the uninformed side U play on the draw's realised event path. Going forward, the
mask starts at the types with a positive prior; after each quiet period it becomes the
set of types that held (those that would have attacked are ruled out), so a draw's belief
path is the sequence of masks, recorded as the period each type is ruled out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.backward import INFORMATION, TypeOutput, acceptance
from sim.model.causes import tol

if TYPE_CHECKING:
    from sim.model.private import MaskSolver

__all__ = ["follow_masks"]


def _code(actor: int) -> int:
    """The rejected_by code of one actor (1 A, 2 B)."""
    return 1 if actor == 0 else 2


class _Singles:
    """Each type's complete-information play on the path, oriented informed / uninformed."""

    def __init__(self, pv: MaskSolver) -> None:
        self.pv = pv
        inf = pv.I
        paths = [bw.path for bw in pv.bws]
        # (n, m, T) per type, from A/B to informed/uninformed
        p_a = np.stack([p.p_a for p in paths], axis=1)
        p_b = np.stack([p.p_b for p in paths], axis=1)
        self.p_I, self.p_U = (p_a, p_b) if inf == 0 else (p_b, p_a)
        self.p_both = np.stack([p.p_ab for p in paths], axis=1)
        hold = np.stack([(1 - p.sig_a) * (1 - p.sig_b) for p in paths], axis=1)
        self.lam = np.stack([p.lam for p in paths], axis=1)
        self.p_inc = hold * self.lam
        self.cause = np.stack([p.cause for p in paths], axis=1)
        firsts = [bw.first for bw in pv.bws]
        assert all(f is not None for f in firsts)  # every type's t = 0 step ran
        accs = [acceptance(f, bw.path.cause[:, 0]) for f, bw in zip(firsts, pv.bws, strict=True)]  # type: ignore[arg-type]
        self.accepted = np.stack([a.accepted for a in accs], axis=1)
        self.rejected_by = np.stack([a.rejected_by for a in accs], axis=1)
        self.reject_cause = np.stack([a.reject_cause for a in accs], axis=1)


def _first_period(pv: MaskSolver, singles: _Singles, a0: np.ndarray, out: dict) -> None:
    """Acceptance at t = 0 for the draws whose initial mask has several types."""
    inf, U = pv.I, pv.U
    for a in pv.multi:
        rows = np.flatnonzero(a0 == a)
        if rows.size == 0:
            continue
        ts = [j for j in range(pv.m) if a >> j & 1]
        pl, (wi, wu) = pv.first[a], pv.first_wars[a]
        mu = pv.beliefs(a)[:, rows, 0]
        VU = pl.V_U[:, rows, 0]
        WU = wu[0][:, rows]
        u_rejects = (pl.q[rows, 0] >= 1.0) | (
            (mu * VU).sum(0) < (mu * WU).sum(0) - tol((mu * VU).sum(0), (mu * WU).sum(0))
        )
        for k, j in enumerate(ts):
            VI, WI = pl.V_I[k, rows, 0], wi[0][k, rows]
            i_rejects = (pl.sigma[k, rows, 0] >= 1.0) | (VI < WI - tol(VI, WI))
            out["accepted"][rows, j] = ~i_rejects & ~u_rejects
            code = i_rejects.astype(np.int8) * _code(inf) + u_rejects.astype(np.int8) * _code(U)
            out["rejected_by"][rows, j] = code
            single = singles.reject_cause[rows, j]
            u_alone = u_rejects & (singles.rejected_by[rows, j] & _code(U) == 0)
            fallback = np.where(single >= 0, single, singles.cause[rows, j, 0])
            cause = np.where(u_alone & ~i_rejects, INFORMATION, fallback)
            out["reject_cause"][rows, j] = np.where(out["accepted"][rows, j], -1, cause)


def follow_masks(pv: MaskSolver, types, T: int) -> TypeOutput:
    """Per-type acceptance, survival and breakdowns along each draw's mask path."""
    prior = types.prior
    n, m = prior.shape
    s = _Singles(pv)
    a0 = sum((prior[:, j] > 0).astype(np.int64) << j for j in range(m))
    out = {
        "accepted": s.accepted.copy(),
        "rejected_by": s.rejected_by.copy(),
        "reject_cause": s.reject_cause.copy(),
    }
    _first_period(pv, s, a0, out)
    shape = (n, m, T)
    p_I, p_U, p_both, p_inc = np.zeros(shape), np.zeros(shape), np.zeros(shape), np.zeros(shape)
    cause = np.zeros(shape, dtype=np.int8)
    ruled_out = np.full((n, m), np.inf)
    for j in range(m):
        ruled_out[prior[:, j] <= 0, j] = 0.0
    mask = a0.copy()
    several = np.zeros(shape, dtype=bool)  # the mask at t has several types (and j)
    for t in range(T):
        several[:, :, t] = np.stack(
            [(mask >> j & 1).astype(bool) & (mask != 1 << j) for j in range(m)], axis=1
        )
        for j in range(m):  # a one-type mask: that type's complete-information play
            rows = np.flatnonzero(mask == 1 << j)
            p_I[rows, j, t], p_U[rows, j, t] = s.p_I[rows, j, t], s.p_U[rows, j, t]
            p_both[rows, j, t], p_inc[rows, j, t] = s.p_both[rows, j, t], s.p_inc[rows, j, t]
            cause[rows, j, t] = s.cause[rows, j, t]
        nxt = mask.copy()
        for a in pv.multi:
            rows = np.flatnonzero(mask == a)
            if rows.size:
                nxt[rows] = _multi(pv, s, a, rows, t, (p_I, p_U, p_both, p_inc, cause))
        for j in range(m):
            gone = (mask >> j & 1).astype(bool) & ~(nxt >> j & 1).astype(bool)
            ruled_out[gone & np.isinf(ruled_out[:, j]), j] = t + 1
        mask = nxt
    if any(bw.m.reveal.any() for bw in pv.bws):
        _reveal(pv, s, (p_I, p_U, p_both, p_inc, cause), several)
    hazard = p_I + p_U + p_both + p_inc
    surv = np.empty((n, m, T + 1))
    surv[:, :, 0] = out["accepted"]
    np.cumprod(1.0 - hazard, axis=2, out=surv[:, :, 1:])
    surv[:, :, 1:] *= out["accepted"][:, :, None]
    p_a, p_b = (p_I, p_U) if pv.I == 0 else (p_U, p_I)
    return TypeOutput(
        ids=types.ids, informed=pv.I, prior=prior, accepted=out["accepted"],
        rejected_by=out["rejected_by"], reject_cause=out["reject_cause"], survival=surv,
        p_a_only=p_a, p_b_only=p_b, p_both=p_both, p_incident=p_inc, cause=cause,
        ruled_out=ruled_out,
    )  # fmt: skip


def _multi(pv: MaskSolver, s: _Singles, a: int, rows: np.ndarray, t: int, arrays) -> np.ndarray:
    """Fill period t for the draws in mask ``a`` (several types); return their next mask."""
    p_I, p_U, p_both, p_inc, cause = arrays
    r = pv.records[a]
    q = r.q[rows, t]
    for k, j in enumerate(jj for jj in range(pv.m) if a >> jj & 1):
        sig = r.sigma[rows, t, k]
        dI, dU = r.dev_I[rows, t, k], r.dev_U[rows, t, k]
        brk = 1.0 - (1.0 - sig) * (1.0 - q)
        only_I, only_U = dI & ~dU, dU & ~dI
        mutual, fear = dI & dU, ~(dI | dU)
        p_I[rows, j, t] = np.where(only_I, brk, np.where(fear, sig * (1 - q), 0.0))
        p_U[rows, j, t] = np.where(only_U, brk, np.where(fear, (1 - sig) * q, 0.0))
        p_both[rows, j, t] = np.where(mutual, brk, np.where(fear, sig * q, 0.0))
        p_inc[rows, j, t] = (1.0 - brk) * s.lam[rows, j, t]
        # U attacks a type it would leave in peace if it knew it: a matter of information
        informed_attack = (q > 0) & ~dU & (sig < 1)
        cause[rows, j, t] = np.where(informed_attack, INFORMATION, s.cause[rows, j, t])
    nxt = r.holders[rows, t]
    return np.where(nxt == 0, a, nxt)


def _reveal(pv: MaskSolver, s: _Singles, arrays, several: np.ndarray) -> None:
    """Mix, in place, each type's play on its mask path with its complete-information play
    after monitoring has revealed it.

    For true type j, A_t is the chance that the ceasefire holds at t with j not yet
    revealed (U's belief follows the mask path) and R_t that it holds with j revealed
    (U knows j: the complete-information game of j, whatever the period of revelation,
    since that game depends only on the period and the event state). With r_t the chance
    of revelation in period t: A_{t+1} = A_t (1 - h^mask_t) (1 - r_t) and
    R_{t+1} = R_t (1 - h^j_t) + A_t (1 - h^mask_t) r_t. Each breakdown probability is the
    mixture by A_t and R_t; the cause is the one of the larger part. The masks recorded
    (``ruled_out``) are those of the path on which the type is not revealed.
    """
    p_I, p_U, p_both, p_inc, cause = arrays
    n, m, T = p_I.shape
    st = pv.bws[0].path_state
    r = np.stack([np.take_along_axis(bw.m.reveal, st[:, :T], axis=1) for bw in pv.bws], axis=1)
    r = np.where(several, r, 0.0)
    single = (s.p_I, s.p_U, s.p_both, s.p_inc)
    A, R = np.ones((n, m)), np.zeros((n, m))
    for t in range(T):
        tot = A + R
        wa = np.where(tot > 0, A / np.where(tot > 0, tot, 1.0), 1.0)
        pool = [x[:, :, t].copy() for x in (p_I, p_U, p_both, p_inc)]
        known = [x[:, :, t] for x in single]
        h_pool, h_known = sum(pool), sum(known)
        for x, a, b in zip((p_I, p_U, p_both, p_inc), pool, known, strict=True):
            x[:, :, t] = wa * a + (1 - wa) * b
        nonincident = (1 - wa) * (h_known - known[3]) > wa * (h_pool - pool[3])
        cause[:, :, t] = np.where(nonincident, s.cause[:, :, t], cause[:, :, t])
        A, R = (
            A * (1 - h_pool) * (1 - r[:, :, t]),
            R * (1 - h_known) + A * (1 - h_pool) * r[:, :, t],
        )
