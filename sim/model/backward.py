"""Backward induction over a chunk of draws, in named phases.

:func:`solve_chunk` solves every draw of a chunk:

1. the **terminal** stationary game at the horizon (:meth:`_Backward.terminal`);
2. one **backward step** per period, from T-1 down to 0, over every event state
   (:meth:`_Backward.step`): continuation values, the stage game, the cause of a
   breakdown in each state;
3. the **record** of each draw's realised path (:meth:`_Backward.record`): who breaks
   it and why, in the state the draw is in;
4. **acceptance** at t = 0 (:func:`_acceptance`);
5. the **survival** curve on the realised path (:func:`_survival`);
6. the t = 0 **bargaining references** (:func:`_references`).

The model itself (what each step computes, and why) is stated in :mod:`sim.model`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.errors import ModelError
from sim.games import max_a_given_floor_b, nash_split_batch, select_2x2, select_2x2_nashpy
from sim.model.causes import Frontier, commitment_flags, tol
from sim.model.events import event_states
from sim.model.inputs import Inputs
from sim.model.params import Params
from sim.model.splits import SplitWars
from sim.model.stage import Played, expect_next, gather, play
from sim.scenario import Scenario

__all__ = [
    "Acceptance",
    "Backward",
    "ChunkOutput",
    "First",
    "PathRecord",
    "TypeOutput",
    "Wars",
    "acceptance",
    "ceasefire_gain",
    "references",
    "solve_chunk",
    "survival_path",
]

Pair = tuple[np.ndarray, np.ndarray]
COMMITMENT, SHIFT, TERMS, PREEMPTION, INFORMATION = 0, 1, 2, 3, 4  # codes of sim.names.CAUSES
#: Most rounds of policy iteration in the stationary game beyond the horizon.
MAX_POLICY_ROUNDS = 60


@dataclass
class ChunkOutput:
    """What one chunk of draws produces (all arrays over the chunk's n draws).

    Per period on the realised path, ``p_a_only``, ``p_b_only``, ``p_both`` and
    ``p_incident`` are the probabilities of a breakdown by who breaks it (they sum to
    the hazard h_t); ``cause`` is the cause code of a non-incident breakdown at t.
    """

    accepted: np.ndarray  # (n,) bool
    rejected_by: np.ndarray  # (n,) int8: 0 none, 1 A, 2 B, 3 both
    reject_cause: np.ndarray  # (n,) int8 index into CAUSES, -1 none
    survival: np.ndarray  # (n, T+1) S_d(t), S_d(0) = accepted
    p_a_only: np.ndarray  # (n, T)
    p_b_only: np.ndarray
    p_both: np.ndarray
    p_incident: np.ndarray
    cause: np.ndarray  # (n, T) int8
    p0: np.ndarray  # (n,) A's neutral win probability at t = 0
    fearon_low: np.ndarray
    fearon_high: np.ndarray
    nash_share_a: np.ndarray
    terms_share_a: np.ndarray
    event_period: np.ndarray  # (n, k) first period whose state includes each event (inf: never)
    power: np.ndarray | None = field(default=None)  # (n, S, T+1) neutral p per state, if asked
    types: TypeOutput | None = field(default=None)  # per true type, with private information
    #: (n, 2) A's and B's gain at t = 0 from the terms over fighting on (see ceasefire_gain)
    gain: np.ndarray | None = field(default=None)


@dataclass
class TypeOutput:
    """What a chunk produces for each true type of the informed actor (arrays (n, m, ...)).

    The chunk's own arrays are then mixtures over the types with the prior: survival is
    the probability that the ceasefire holds for a draw, not knowing the type.
    """

    ids: tuple[str, ...]
    informed: int  # 0 A, 1 B
    prior: np.ndarray  # (n, m)
    accepted: np.ndarray  # (n, m) bool
    rejected_by: np.ndarray  # (n, m) int8 codes as ChunkOutput.rejected_by
    reject_cause: np.ndarray  # (n, m) int8
    survival: np.ndarray  # (n, m, T+1)
    p_a_only: np.ndarray  # (n, m, T)
    p_b_only: np.ndarray
    p_both: np.ndarray
    p_incident: np.ndarray
    cause: np.ndarray  # (n, m, T) int8
    ruled_out: np.ndarray  # (n, m) first period the uninformed side has ruled the type out (inf)
    gain: np.ndarray | None = None  # (n, m, 2) A's and B's gain over war at t = 0, by true type


@dataclass
class Wars:
    """War values at one period for every state: neutral, A strikes first, B strikes first."""

    p: np.ndarray  # A's neutral win probability
    N: Pair
    Af: Pair
    Bf: Pair


@dataclass
class PathRecord:
    """Per-period records on each draw's realised event path (arrays (n, T))."""

    sig_a: np.ndarray
    sig_b: np.ndarray
    p_a: np.ndarray
    p_b: np.ndarray
    p_ab: np.ndarray
    cause: np.ndarray
    lam: np.ndarray

    @classmethod
    def empty(cls, n: int, T: int) -> PathRecord:
        """Records for n draws and T periods, to be filled."""
        f = [np.empty((n, T)) for _ in range(5)]
        return cls(f[0], f[1], f[2], f[3], f[4], np.empty((n, T), dtype=np.int8), np.empty((n, T)))


@dataclass
class First:
    """What acceptance and the references need from the t = 0 step."""

    played: Played
    wars: Wars
    only_a: np.ndarray
    only_b: np.ndarray
    mutual: np.ndarray


class Backward:
    """The state carried from period t+1 to period t during backward induction, for one
    complete-information game (with private information, one per type of the informed
    actor: :mod:`sim.model.private`)."""

    def __init__(
        self, m: Inputs, select: Callable, rule: str, path_state: np.ndarray, keep_power: bool
    ):
        self.m, self.select, self.rule, self.path_state = m, select, rule, path_state
        self.rule_args: dict = {}
        self.moves_power = bool(m.moves_power.any())
        n, T = path_state.shape[0], path_state.shape[1] - 1
        self.frontiers = (Frontier(m.v[0], m.v[1]), Frontier(m.v[1], m.v[0]))
        self.path = PathRecord.empty(n, T)
        self.power = np.empty((n, m.S, T + 1)) if keep_power else None
        self.first: First | None = None

    def wars(self, t: int) -> Wars:
        """War values at t in every state (and A's win probability kept, if asked)."""
        pN, pA, pB = self.m.win_probs(t)
        if self.power is not None:
            self.power[:, :, t] = pN
        m = self.m
        wA, wB = m.war_values(pA, t), m.war_values(pB, t)
        if m.channels.any:  # guarantees, restraint, tripwires: on attacking a side that holds
            wA = (wA[0] - m.guard[0], wA[1])
            wB = (wB[0], wB[1] - m.guard[1])
        return Wars(pN, m.war_values(pN, t), wA, wB)

    def signing(self) -> Pair:
        """Who would break these terms even at the balance of signing (t = 0, no event).

        A side is an aggressor at signing if it prefers a first-strike war at t = 0 to the
        terms kept forever: its later breakdowns are then about the terms (``terms``);
        a side that was not, and attacks later, does so because power or preferences
        shifted (``shift``).
        """
        w = self.wars(0)  # with power kept, step 0 writes the same win probability again
        perp = [self.m.perpetual(i, w.N, 0)[:, 0] for i in (0, 1)]
        return (w.Af[0][:, 0] > perp[0] + tol(perp[0]), w.Bf[1][:, 0] > perp[1] + tol(perp[1]))

    def _aggressor_cause(self, aggr: Pair, otherwise: int) -> np.ndarray:
        """``terms`` where an aggressor now was one at signing too, ``shift`` where an
        aggressor now was not, ``otherwise`` where neither side is an aggressor."""
        a0, b0 = (x[:, None] for x in self.aggr0)
        any_now = aggr[0] | aggr[1]
        at_signing = (aggr[0] & a0) | (aggr[1] & b0)
        return np.where(any_now, np.where(at_signing, TERMS, SHIFT), otherwise)

    def _deviation_cause(self, played: Played) -> np.ndarray:
        """Cause of a breakdown by a side that gains by attacking a holder, with nothing
        to inherit: ``terms`` if that side was an aggressor at signing, else ``shift``;
        ``preemption`` if neither side gains by attacking a holder (fear alone)."""
        a0, b0 = (x[:, None] for x in self.aggr0)
        at_signing = (played.dev_a & a0) | (played.dev_b & b0)
        dev = played.dev_a | played.dev_b
        return np.where(dev, np.where(at_signing, TERMS, SHIFT), PREEMPTION)

    def terminal(self, T: int) -> None:
        """Beyond the horizon: the stationary Markov game over event states.

        Power is frozen at its level at T, but events keep their hazards. States are
        solved in order of decreasing number of events (a state leads only to itself and
        to states with more events), each by policy iteration: fix the players' attack
        probabilities, solve the state's value exactly (it enters its own hold payoff
        through the chance P_ss that nothing happens), select again, until the
        probabilities repeat. Without events this is the stationary game with the terms
        kept forever, (x + δ λ W) / (1 - δ (1-λ)).
        """
        m = self.m
        w = self.wars(T)
        self.aggr0 = self.signing()
        S = m.S
        V = [np.zeros((m.n, S)), np.zeros((m.n, S))]
        brk = np.zeros((m.n, S))
        cause = np.full((m.n, S), PREEMPTION, dtype=np.int8)
        P = m.P_of(T)
        ew = [np.einsum("nst,nt->ns", P, w.N[i]) for i in (0, 1)]
        # Beyond the horizon power no longer moves: a breakdown there is about the terms
        # (or a shift since signing) if a side prefers a first-strike war to the terms
        # kept forever; if not, it forestalls the war expected after an event (and takes
        # that war's cause), or, with none expected, it is fear (`preemption`): both
        # would keep the terms if each trusted the other to.
        perp = [m.perpetual(i, w.N, T) for i in (0, 1)]
        aggr = (w.Af[0] > perp[0] + tol(perp[0]), w.Bf[1] > perp[1] + tol(perp[1]))
        for level in sorted({bin(s).count("1") for s in range(S)}, reverse=True):
            idx = np.array([s for s in range(S) if bin(s).count("1") == level])
            played = self._stationary(idx, w, V, ew, P)
            for i in (0, 1):
                V[i][:, idx] = played.V[i]
            # the breakdowns expected in the states this level leads to, by cause
            P_out = P[:, idx, :].copy()
            P_out[:, np.arange(idx.size), idx] = 0.0
            inherit = np.stack(
                [np.einsum("nst,nt->ns", P_out, np.where(cause == c, brk, 0.0)) for c in range(4)],
                axis=-1,
            )
            inherited = np.where(inherit.max(axis=-1) > 0.0, inherit.argmax(axis=-1), PREEMPTION)
            aggr_lvl = (aggr[0][:, idx], aggr[1][:, idx])
            a0, b0 = self.aggr0[0][:, None], self.aggr0[1][:, None]
            now = np.where((aggr_lvl[0] & a0) | (aggr_lvl[1] & b0), TERMS, SHIFT)
            cause[:, idx] = np.where(aggr_lvl[0] | aggr_lvl[1], now, inherited)
            brk[:, idx] = played.breakdown
        self.V = (V[0], V[1])
        self.c_next = cause
        self.brk_next = brk
        self.next_wars = w

    def _stationary(
        self, idx: np.ndarray, w: Wars, V: list[np.ndarray], ew: list[np.ndarray], P: np.ndarray
    ) -> Played:
        """Policy iteration for the stationary games of the states ``idx`` (one level)."""
        m = self.m
        lam = m.lam[:, idx]
        p_self = P[:, idx, idx]
        a, b = [], []
        for i in (0, 1):
            # continuation through the other states (already solved) and incidents
            others = np.einsum("nst,nt->ns", P[:, idx, :], V[i]) - p_self * V[i][:, idx]
            d = m.delta[i][:, idx]
            a.append(m.x[i][:, idx] + d * ((1.0 - lam) * others + lam * ew[i][:, idx]))
            b.append(d * (1.0 - lam) * p_self)
        wN = (w.N[0][:, idx], w.N[1][:, idx])
        wAf = (w.Af[0][:, idx], w.Af[1][:, idx])
        wBf = (w.Bf[0][:, idx], w.Bf[1][:, idx])
        sa = sb = np.zeros_like(lam)
        # A cell whose strategies are stable keeps the strategies it was solved from, so
        # later rounds (for other cells) give it the same answer again: each draw's result
        # is that of its own rounds, whatever chunk it is in (with qre the strategies move
        # by less than 1e-12 in a round rather than not at all).
        stable = np.zeros(lam.shape, dtype=bool)
        for _ in range(MAX_POLICY_ROUNDS):
            hh = (1.0 - sa) * (1.0 - sb)
            vals = []
            for i in (0, 1):
                rest = (1.0 - sa) * sb * wBf[i] + sa * (1.0 - sb) * wAf[i] + sa * sb * wN[i]
                vals.append((hh * a[i] + rest) / (1.0 - hh * b[i]))
            hold = [a[i] + b[i] * vals[i] for i in (0, 1)]
            played = play(self.select, self.rule, hold, wN, wAf, wBf, **self.rule_args)
            stable |= (np.abs(played.sa - sa) <= 1e-12) & (np.abs(played.sb - sb) <= 1e-12)
            if stable.all():
                break
            sa, sb = np.where(stable, sa, played.sa), np.where(stable, sb, played.sb)
        return played

    def step(self, t: int, wars: Wars | None = None) -> None:
        """Period t in every state, from the values of period t+1 (``wars``: t's war
        values, when the caller has them already)."""
        m, nx = self.m, self.next_wars
        w = self.wars(t) if wars is None else wars
        lam = m.lam
        # one batched expectation over next period's event state for everything needed
        inh_next = [np.where(self.c_next == code, self.brk_next, 0.0) for code in range(4)]
        ex = expect_next(
            m.P_of(t), [self.V[0], self.V[1], nx.N[0], nx.N[1], nx.Af[0], nx.Bf[1], *inh_next]
        )
        eV, eW, eWf_next = ex[0:2], ex[2:4], ex[4:6]
        hold = [m.x[i] + m.delta[i] * ((1.0 - lam) * eV[i] + lam * eW[i]) for i in (0, 1)]
        played = play(self.select, self.rule, hold, w.N, w.Af, w.Bf, **self.rule_args)
        # An aggressor prefers a first-strike war even to these terms kept forever.
        perp = [m.perpetual(i, w.N, t) for i in (0, 1)]
        aggr = (w.Af[0] > perp[0] + tol(perp[0]), w.Bf[1] > perp[1] + tol(perp[1]))
        brk_all = played.breakdown
        ca, cb = commitment_flags(
            self.frontiers, w.Af[0], w.Bf[1], eWf_next[0], eWf_next[1], eW[0], eW[1],
            m.flow[0], m.flow[1], m.delta[0], m.delta[1], lam, where=brk_all > 0.0,
            splits=SplitWars(m, t) if self.moves_power else None,
        )  # fmt: skip
        # An aggressor now breaks the terms because of them if it was one at signing too
        # (`terms`), else because power or preferences shifted since (`shift`).
        now = self._aggressor_cause(aggr, -1)
        # A breakdown that is neither a commitment problem nor an aggressor's is driven by
        # the war both expect next period (striking first before it comes): it inherits
        # the most likely cause of that war. With none to inherit, it is `terms` or
        # `shift` if a side gains by attacking a side that holds (the terms' future value
        # falls short, and a bargain exists), and fear alone (`preemption`) if neither
        # does, i.e. (Hold, Hold) was an equilibrium that was not selected.
        inherit = np.stack(ex[6:10], axis=-1)
        fallback = self._deviation_cause(played)
        inherited = np.where(inherit.max(axis=-1) > 0.0, inherit.argmax(axis=-1), fallback)
        c_all = np.where(ca | cb, COMMITMENT, np.where(aggr[0] | aggr[1], now, inherited))
        c_all = c_all.astype(np.int8)
        self.record(t, played, aggr, c_all, w)
        self.V, self.next_wars = played.V, w
        self.c_next, self.brk_next = c_all, brk_all

    def record(self, t: int, played: Played, aggr: Pair, c_all: np.ndarray, w: Wars) -> None:
        """Who breaks the ceasefire at t on each draw's realised path, and why.

        A side breaks the ceasefire if it gains by attacking a side that holds. If only A
        does, every non-incident breakdown is A's, even where B then fights too (fighting
        an attacker is not a breach); likewise B. If both do, the aggressor is the side
        that would attack even a ceasefire kept forever; the other only strikes first
        because war is coming anyway. If both or neither are aggressors, both break it.
        If neither gains by attacking a holder (a preemptive stag-hunt outcome or a mixed
        equilibrium of fear), the selected probabilities decide.
        """
        st, path = self.path_state[:, t], self.path
        sa_p, sb_p = gather(played.sa, st), gather(played.sb, st)
        da_p, db_p = gather(played.dev_a, st), gather(played.dev_b, st)
        ag_a, ag_b = gather(aggr[0], st), gather(aggr[1], st)
        brk = 1.0 - (1.0 - sa_p) * (1.0 - sb_p)
        only_a = da_p & (~db_p | (ag_a & ~ag_b))
        only_b = db_p & (~da_p | (ag_b & ~ag_a))
        mutual = da_p & db_p & ~only_a & ~only_b
        fear = ~(da_p | db_p)
        path.p_a[:, t] = np.where(only_a, brk, np.where(fear, sa_p * (1.0 - sb_p), 0.0))
        path.p_b[:, t] = np.where(only_b, brk, np.where(fear, (1.0 - sa_p) * sb_p, 0.0))
        path.p_ab[:, t] = np.where(mutual, brk, np.where(fear, sa_p * sb_p, 0.0))
        path.sig_a[:, t], path.sig_b[:, t] = sa_p, sb_p
        path.lam[:, t] = gather(self.m.lam, st)
        path.cause[:, t] = gather(c_all, st)
        if t == 0:
            self.first = First(played, w, only_a, only_b, mutual)


@dataclass
class Acceptance:
    """Who accepts the terms at t = 0, who rejects them and why (arrays (n,))."""

    accepted: np.ndarray
    rejected_by: np.ndarray
    reject_cause: np.ndarray


def acceptance(first: First, cause0: np.ndarray) -> Acceptance:
    """Acceptance at t = 0 (state 0: no event has happened).

    Rejected when the selected t = 0 equilibrium has a side attacking for sure, or a side
    values the ceasefire below fighting on now. The rejecting side is the one that gains
    by attacking a side that holds (or that prefers fighting on); when the rejection is
    mutual fear (neither gains by attacking a holder), both.
    """
    V0 = [first.played.V[i][:, 0] for i in (0, 1)]
    W0 = [first.wars.N[i][:, 0] for i in (0, 1)]
    worse_a = V0[0] < W0[0] - tol(V0[0], W0[0])
    worse_b = V0[1] < W0[1] - tol(V0[1], W0[1])
    rejected = (first.played.sa[:, 0] >= 1.0) | (first.played.sb[:, 0] >= 1.0) | worse_a | worse_b
    rej_a = rejected & (first.only_a | first.mutual | (worse_a & ~first.only_b))
    rej_b = rejected & (first.only_b | first.mutual | (worse_b & ~first.only_a))
    fear0 = rejected & ~rej_a & ~rej_b
    rejected_by = (rej_a | fear0).astype(np.int8) + 2 * (rej_b | fear0).astype(np.int8)
    accepted = ~rejected
    # Preferring the war that is already going on to the terms is about the terms
    # (no first strike is involved at t = 0), unless no bargain exists at all.
    reject_cause = np.where(
        accepted, -1, np.where((worse_a | worse_b) & (cause0 != COMMITMENT), TERMS, cause0)
    )
    return Acceptance(accepted, rejected_by, reject_cause.astype(np.int8))


def ceasefire_gain(first: First, accepted: np.ndarray) -> np.ndarray:
    """(n, 2) what the proposal is worth to A and to B at t = 0 over fighting on now.

    V_i(0) - W_i^neutral(0), in periods of i's whole stake, where the terms are accepted
    (the selected equilibrium's value, breakdowns and wars to come included), and 0 where
    they are rejected: the war goes on either way.
    """
    gain = [first.played.V[i][:, 0] - first.wars.N[i][:, 0] for i in (0, 1)]
    return np.where(np.asarray(accepted, bool)[:, None], np.stack(gain, axis=1), 0.0)


def survival_path(path: PathRecord, accepted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """S_d(t) on the realised path (n, T+1), and P(both hold) per period (n, T)."""
    n, T = path.sig_a.shape
    p_hh = (1.0 - path.sig_a) * (1.0 - path.sig_b)
    hazard = 1.0 - p_hh * (1.0 - path.lam)
    surv = np.empty((n, T + 1))
    surv[:, 0] = accepted
    np.cumprod(1.0 - hazard, axis=1, out=surv[:, 1:])
    surv[:, 1:] *= accepted[:, None]
    if not np.all(np.isfinite(surv)):
        raise ModelError(
            "the model produced a non-finite survival probability for these parameters: some "
            "numbers are at the limits of floating point (a discount factor within about 1e-12 "
            "of 1, or values, costs or capacities beyond about 1e300); narrow those ranges and "
            "run again"
        )
    return surv, p_hh


def references(m: Inputs, first: First) -> dict[str, np.ndarray]:
    """The t = 0 bargaining references: Fearon range, Nash split, the terms' own split."""
    W0 = [first.wars.N[i][:, 0] for i in (0, 1)]
    va0, vb0 = m.v[0][:, 0, :], m.v[1][:, 0, :]
    fa0, fb0 = m.flow[0][:, 0], m.flow[1][:, 0]
    dA = W0[0] * (1.0 - m.delta[0][:, 0])  # per-period value of fighting on
    dB = W0[1] * (1.0 - m.delta[1][:, 0])
    hi = max_a_given_floor_b(va0, vb0, fa0, fb0, dB) - fa0
    _, _, nash_share = nash_split_batch(dA, dB, va0, vb0, fa0, fb0)
    return {
        "p0": first.wars.p[:, 0],
        "fearon_low": np.clip(dA - fa0, 0.0, 1.0),
        "fearon_high": np.clip(np.where(np.isfinite(hi), hi, -np.inf), 0.0, 1.0),
        "nash_share_a": nash_share,
        "terms_share_a": np.einsum("nr,nr->n", va0, m.h_a),
    }


def solve_chunk(
    scn: Scenario,
    params: Params,
    event_u: np.ndarray,
    *,
    method: str | None = None,
    selection: str | None = None,
    keep_power: bool = False,
) -> ChunkOutput:
    """Solve every draw of a chunk by backward induction and return its outcomes.

    Parameters
    ----------
    scn
        The scenario (structure: actors, regions, terms, events, horizon).
    params
        The chunk's typed parameters (:meth:`Params.from_samples`).
    event_u
        Uniforms (n, k) that fix each draw's event times.
    method, selection
        Override ``scn.solver``.
    keep_power
        Also return A's neutral win probability per state and period (n, S, T+1).
    """
    method = method or scn.solver.method
    rule = selection or scn.solver.selection
    select: Callable = select_2x2 if method == "batched" else select_2x2_nashpy
    if params.types is not None:
        from sim.model.private import solve_private  # it builds on this module

        return solve_private(scn, params, event_u, select=select, rule=rule, keep_power=keep_power)
    m = Inputs(params, scn.actor_ids)
    T = scn.horizon
    path_state, event_period = event_states(m.hazards, event_u, T, m.dates)
    bw = Backward(m, select, rule, path_state, keep_power)
    if rule == "qre":
        if params.qre_precision is None:
            raise ModelError("selection qre needs solver.qre_precision in the scenario")
        # the precision is per stake-year and payoffs are in stake-periods: per_year rescales
        bw.rule_args = {
            "precision": params.qre_precision[:, None],
            "per_year": scn.periods_per_year,
        }
    bw.terminal(T)
    for t in range(T - 1, -1, -1):
        bw.step(t)
    assert bw.first is not None  # T >= 1: the step at t = 0 ran
    acc = acceptance(bw.first, bw.path.cause[:, 0])
    surv, p_hh = survival_path(bw.path, acc.accepted)
    return ChunkOutput(
        accepted=acc.accepted,
        rejected_by=acc.rejected_by,
        reject_cause=acc.reject_cause,
        survival=surv,
        p_a_only=bw.path.p_a,
        p_b_only=bw.path.p_b,
        p_both=bw.path.p_ab,
        p_incident=p_hh * bw.path.lam,
        cause=bw.path.cause,
        event_period=event_period,
        power=bw.power,
        gain=ceasefire_gain(bw.first, acc.accepted),
        **references(m, bw.first),  # type: ignore[arg-type]
    )
