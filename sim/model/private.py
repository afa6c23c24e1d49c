"""Private information: the informed actor's types, the other side's learning, and why
a quiet year makes the next one safer.

One actor (the *informed* side I) may have types: versions of itself that differ in some
keys (aims, resolve, costs), each with a prior; the other side (U) knows the priors but
not the type, and each draw's true type is drawn from the prior. This is Fearon's (1995)
private information, with learning during the ceasefire as in Powell (2004) and Slantchev
(2003): every period in which the ceasefire holds is evidence about the type.

Solution concept: a perfect Bayesian equilibrium of the dynamic Hold/Attack game, solved
by backward induction over (period, event state, belief) with the Bayesian stage game of
:mod:`sim.model.bayes`. Type strategies are pure, so U's belief is always the prior
restricted to the set of types it has not ruled out (the *mask*), a finite state: with m
types there are 2**m - 1 masks. A mask of one type is the complete-information game of
that type, solved exactly as without types (:mod:`sim.model.backward`); a larger mask is a
Bayesian game whose continuation, for the types that hold, is the mask of the holders.
Beyond the horizon each mask's continuation is the stationary game over event states,
solved by policy iteration as without types.

Each draw's figures are mixtures over its true type with the prior: the probability that
the ceasefire is accepted and still holds, not knowing the type, which is how the analyst
(who knows what U knows) sees it. Per type, the chunk also reports survival, breakdowns
and the period at which U rules the type out (:class:`sim.model.backward.TypeOutput`).

A breakdown in a mask of several types has the cause ``information`` when U attacks a
type it would leave in peace if it knew it (U's attack does not pay against that type
holding); otherwise the cause of that type's complete-information game at that period.

References: J. D. Fearon, Rationalist Explanations for War, IO 49(3), 1995; R. Powell,
Bargaining and Learning While Fighting, AJPS 48(2), 2004; B. Slantchev, The Principle of
Convergence in Wartime Negotiations, APSR 97(4), 2003.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.model.backward import Backward, ChunkOutput, Wars, references
from sim.model.bayes import BayesPlay, play_bayes
from sim.model.events import event_states
from sim.model.forward import follow_masks
from sim.model.inputs import Inputs
from sim.model.params import Params
from sim.model.stage import expect_next, gather

__all__ = ["MaskSolver", "solve_private"]

#: Most rounds of policy iteration for a mask's stationary game beyond the horizon.
MAX_ROUNDS = 30


def _members(mask: int, m: int) -> list[int]:
    return [j for j in range(m) if mask >> j & 1]


def _subsets(mask: int, j: int) -> list[int]:
    """Every subset of ``mask`` that contains type j."""
    rest = mask & ~(1 << j)
    out, sub = [], rest
    while True:
        out.append(sub | (1 << j))
        if sub == 0:
            break
        sub = (sub - 1) & rest
    return out


@dataclass
class _MaskRecord:
    """Per period on each draw's path, for one mask of several types (arrays (n, T, k))."""

    sigma: np.ndarray
    q: np.ndarray  # (n, T)
    holders: np.ndarray  # (n, T)
    dev_I: np.ndarray
    dev_U: np.ndarray

    @classmethod
    def empty(cls, n: int, T: int, k: int) -> _MaskRecord:
        return cls(np.zeros((n, T, k)), np.zeros((n, T)), np.zeros((n, T), dtype=np.int64),
                   np.zeros((n, T, k), bool), np.zeros((n, T, k), bool))  # fmt: skip


class MaskSolver:
    """Backward induction over masks, in lockstep with each type's complete-information
    solver (:class:`sim.model.backward.Backward`), which provides the one-type masks."""

    def __init__(self, bws: list[Backward], prior: np.ndarray, informed: int, rule: str):
        self.bws, self.prior, self.I, self.rule = bws, prior, informed, rule
        self.U = 1 - informed
        self.m = len(bws)
        self.multi = [a for a in range(1, 2**self.m) if bin(a).count("1") >= 2]
        self.multi.sort(key=lambda a: bin(a).count("1"))
        self.V: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # mask -> (V_I, V_U) (k, n, S)
        n, T = bws[0].path_state.shape[0], bws[0].path_state.shape[1] - 1
        self.records = {a: _MaskRecord.empty(n, T, bin(a).count("1")) for a in self.multi}
        self.first: dict[int, BayesPlay] = {}
        self.first_wars: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.T = T

    # -- the pieces of one mask's stage game -------------------------------------------------
    def beliefs(self, a: int) -> np.ndarray:
        """(k, n, 1) U's belief over the mask's types: the prior restricted to them."""
        ts = _members(a, self.m)
        p = self.prior[:, ts].T
        total = p.sum(axis=0, keepdims=True)
        p = np.where(total > 0, p / np.where(total > 0, total, 1.0), 1.0 / len(ts))
        return p[:, :, None]

    def values(self, a: int, j: int) -> tuple[np.ndarray, np.ndarray]:
        """(V_I, V_U) of type j in mask a at the next period (n, S)."""
        if a == 1 << j:
            V = self.bws[j].V
            return V[self.I], V[self.U]
        k = _members(a, self.m).index(j)
        VI, VU = self.V[a]
        return VI[k], VU[k]

    def wars(self, w: list[Wars], j: int, cols=slice(None)) -> tuple[np.ndarray, np.ndarray]:
        """Type j's war values (neutral, own first, U first) and U's against it (neutral,
        type first, U first), at the state columns ``cols``."""
        inf, U = self.I, self.U
        own, other = (w[j].Af, w[j].Bf) if inf == 0 else (w[j].Bf, w[j].Af)
        wi = np.stack([w[j].N[inf][:, cols], own[inf][:, cols], other[inf][:, cols]])
        wu = np.stack([w[j].N[U][:, cols], own[U][:, cols], other[U][:, cols]])
        return wi, wu

    def hold_tables(self, a: int, next_wars: list[Wars], t: int) -> tuple[list[dict], list[dict]]:
        """For each type j of the mask: continuation mask -> hold payoff (type's, U's).

        With monitoring that may reveal the type (chance r this period), the continuation
        into a mask of several holders is (1 - r) V(holders) + r V({j}).
        """
        hold_I, hold_U = [], []
        for j in _members(a, self.m):
            mj = self.bws[j].m
            lam, r = mj.lam, mj.reveal
            subs = _subsets(a, j)
            arrays = []
            for sub in subs:
                arrays += list(self.values(sub, j))
            arrays += [next_wars[j].N[self.I], next_wars[j].N[self.U]]
            ex = expect_next(mj.P_of(t), arrays)
            eWI, eWU = ex[-2], ex[-1]
            single = subs.index(1 << j)
            sVI, sVU = ex[2 * single], ex[2 * single + 1]
            hI: dict[int, np.ndarray] = {}
            hU: dict[int, np.ndarray] = {}
            for i, sub in enumerate(subs):
                eVI, eVU = ex[2 * i], ex[2 * i + 1]
                if sub != 1 << j and mj.channels.any:
                    eVI, eVU = (1 - r) * eVI + r * sVI, (1 - r) * eVU + r * sVU
                hI[sub] = mj.x[self.I] + mj.delta[self.I] * ((1 - lam) * eVI + lam * eWI)
                hU[sub] = mj.x[self.U] + mj.delta[self.U] * ((1 - lam) * eVU + lam * eWU)
            hold_I.append(hI)
            hold_U.append(hU)
        return hold_I, hold_U

    # -- the backward steps -------------------------------------------------------------------
    def step(self, t: int, wars: list[Wars]) -> None:
        """Every mask of several types at period t, from the values of t+1."""
        next_wars = [bw.next_wars for bw in self.bws]
        new: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        played: dict[int, BayesPlay] = {}
        for a in self.multi:
            ts = _members(a, self.m)
            hold_I, hold_U = self.hold_tables(a, next_wars, t)
            wi = np.stack([self.wars(wars, j)[0] for j in ts], axis=1)
            wu = np.stack([self.wars(wars, j)[1] for j in ts], axis=1)
            mu = np.broadcast_to(self.beliefs(a), (len(ts), *wi.shape[2:]))
            played[a] = play_bayes(self.rule, ts, mu, hold_I, hold_U, wi, wu)
            new[a] = (played[a].V_I, played[a].V_U)
            if t == 0:
                self.first[a] = played[a]
                self.first_wars[a] = (wi[:, :, :, 0], wu[:, :, :, 0])
        self.V = new
        self._played = played

    def record(self, t: int) -> None:
        """Each mask's play on the draw's realised event path at t."""
        st = self.bws[0].path_state[:, t]
        for a, pl in self._played.items():
            r = self.records[a]
            for k in range(pl.sigma.shape[0]):
                r.sigma[:, t, k] = gather(pl.sigma[k], st)
                r.dev_I[:, t, k] = gather(pl.dev_I[k], st)
                r.dev_U[:, t, k] = gather(pl.dev_U[k], st)
            r.q[:, t] = gather(pl.q, st)
            r.holders[:, t] = gather(pl.holders, st)

    def terminal(self, T: int) -> None:
        """Beyond the horizon: each mask's stationary game, by policy iteration."""
        for bw in self.bws:
            bw.terminal(T)
        wars = [bw.next_wars for bw in self.bws]
        S = self.bws[0].m.S
        levels = sorted({bin(s).count("1") for s in range(S)}, reverse=True)
        for a in self.multi:
            k = bin(a).count("1")
            n = self.prior.shape[0]
            self.V[a] = (np.zeros((k, n, S)), np.zeros((k, n, S)))
            for level in levels:
                idx = np.array([s for s in range(S) if bin(s).count("1") == level])
                self._stationary(a, idx, wars)

    def _stationary(self, a: int, idx: np.ndarray, wars: list[Wars]) -> None:
        """Policy iteration for mask a at the event states ``idx`` (one level)."""
        ts = _members(a, self.m)
        VI, VU = self.V[a]
        hold_I, hold_U, loops = self._stationary_tables(a, idx, wars)
        # loops: (2 sides, 2 terms, k, n, |idx|): the hold payoff into the mask itself is
        # base + slope * V (the chance that nothing happens, P_ss, times the discount)
        base, slope = loops[:, 0], loops[:, 1]
        wi = np.stack([self.wars(wars, j, idx)[0] for j in ts], axis=1)
        wu = np.stack([self.wars(wars, j, idx)[1] for j in ts], axis=1)
        mu = np.broadcast_to(self.beliefs(a), (len(ts), *wi.shape[2:]))
        v = base / (1 - slope)  # start from every type holding forever in this mask
        last = None
        for _ in range(MAX_ROUNDS):
            for kj in range(len(ts)):
                hold_I[kj][a] = base[0, kj] + slope[0, kj] * v[0, kj]
                hold_U[kj][a] = base[1, kj] + slope[1, kj] * v[1, kj]
            pl = play_bayes(self.rule, ts, mu, hold_I, hold_U, wi, wu)
            stay = (pl.holders == a)[None] * (1 - pl.sigma) * (1 - pl.q)[None]
            played = np.stack([pl.V_I, pl.V_U])
            into = np.stack([np.stack([h[a] for h in hold_I]), np.stack([h[a] for h in hold_U])])
            rest = played - stay[None] * into  # the payoff from leaving the mask
            v = (rest + stay[None] * base) / (1 - stay[None] * slope)
            key = (pl.sigma.tobytes(), pl.q.tobytes(), pl.holders.tobytes())
            if key == last:
                break
            last = key
        VI[:, :, idx], VU[:, :, idx] = v[0], v[1]

    def _stationary_tables(self, a: int, idx: np.ndarray, wars: list[Wars]):
        """Hold tables for the stationary game of mask a at states ``idx``, and the terms
        of the continuation into the mask itself."""
        ts = _members(a, self.m)
        VI, VU = self.V[a]
        hold_I, hold_U = [], []
        loops = np.zeros((2, 2, len(ts), self.prior.shape[0], idx.size))
        for kj, j in enumerate(ts):
            mj = self.bws[j].m
            PT = mj.P_of(self.T)
            lam, P, p_self = mj.lam[:, idx], PT[:, idx, :], PT[:, idx, idx]
            keep = 1.0 - mj.reveal[:, idx]  # the chance that monitoring does not reveal j
            hI: dict[int, np.ndarray] = {}
            hU: dict[int, np.ndarray] = {}
            for side, table, war in ((self.I, hI, 0), (self.U, hU, 1)):
                ew = np.einsum("nst,nt->ns", P, wars[j].N[side])
                d = mj.delta[side][:, idx]
                known = np.einsum("nst,nt->ns", P, self.values(1 << j, j)[war])
                for sub in _subsets(a, j):
                    vals = (VI[kj], VU[kj])[war] if sub == a else self.values(sub, j)[war]
                    others = np.einsum("nst,nt->ns", P, vals)
                    if sub == a:
                        others = others - p_self * vals[:, idx]
                    slope = d * (1 - lam) * p_self
                    if sub != 1 << j and mj.channels.any:
                        others = keep * others + (1 - keep) * known
                        slope = slope * keep
                    table[sub] = mj.x[side][:, idx] + d * ((1 - lam) * others + lam * ew)
                    if sub == a:
                        loops[war, 0, kj], loops[war, 1, kj] = table[sub], slope
            hold_I.append(hI)
            hold_U.append(hU)
        return hold_I, hold_U, loops


def solve_private(
    scn, params: Params, event_u: np.ndarray, *, select: Callable, rule: str, keep_power: bool
) -> ChunkOutput:
    """Solve a chunk whose informed actor has types (see the module docstring)."""
    types = params.types
    assert types is not None
    T = scn.horizon
    inputs = [Inputs(p, scn.actor_ids) for p in types.params]
    path_state, event_period = event_states(inputs[0].hazards, event_u, T, inputs[0].dates)
    bws = [Backward(mi, select, rule, path_state, keep_power) for mi in inputs]
    pv = MaskSolver(bws, types.prior, types.informed, rule)
    pv.terminal(T)
    for t in range(T - 1, -1, -1):
        wars = [bw.wars(t) for bw in bws]
        pv.step(t, wars)
        for bw, w in zip(bws, wars, strict=True):
            bw.step(t, w)
        pv.record(t)
    return _assemble(scn, pv, types, event_period, keep_power)


def _assemble(scn, pv: MaskSolver, types, event_period, keep_power) -> ChunkOutput:
    """Per-type acceptance and survival along each draw's path, then the prior mixture."""
    out = follow_masks(pv, types, scn.horizon)
    prior = types.prior
    n, m = prior.shape
    surv = np.einsum("nm,nmt->nt", prior, out.survival)
    w = prior[:, :, None] * out.survival[:, :, :-1]  # (n, m, T): alive at t, by type
    held = np.maximum(w.sum(axis=1), 1e-300)

    def mix(x: np.ndarray) -> np.ndarray:
        return (w * x).sum(axis=1) / held

    power = None
    if keep_power:
        power = sum(prior[:, j, None, None] * bw.power for j, bw in enumerate(pv.bws))
    # the t = 0 bargaining references of each draw's most likely type
    likely = prior.argmax(axis=1)
    per_type = []
    for bw in pv.bws:
        assert bw.first is not None
        per_type.append(references(bw.m, bw.first))
    refs = {key: np.choose(likely, [r[key] for r in per_type]) for key in per_type[0]}
    acc_mix = (prior * out.accepted).sum(axis=1)
    return ChunkOutput(
        accepted=acc_mix,
        rejected_by=out.rejected_by[np.arange(n), prior.argmax(axis=1)],
        reject_cause=out.reject_cause[np.arange(n), prior.argmax(axis=1)],
        survival=surv,
        p_a_only=mix(out.p_a_only),
        p_b_only=mix(out.p_b_only),
        p_both=mix(out.p_both),
        p_incident=mix(out.p_incident),
        cause=out.cause[np.arange(n), prior.argmax(axis=1)],
        event_period=event_period,
        power=power,
        types=out,
        **refs,
    )
