"""The game model: stakes, shifting power, events, stage games, backward induction.

Everything here is vectorised over a chunk of Monte Carlo draws. Notation: actor A
(first in the file, row player) and B; periods t = 0 .. T-1; event states s = bit masks
of the events that have happened (S = 2**k states).

Per draw and event state:

* **Stakes.** Region values v_i(r) are normalised so that each actor's values sum to 1:
  one period of the whole stake is worth 1 to each side. Terms give A the share
  h(r) of region r; the peace flow is x_A = sum_r h(r) v_A(r) + f_A and
  x_B = sum_r (1 - h(r)) v_B(r) + f_B.
* **Power.** K_i(t+1) = K_i(t) + rate_i (Kmax_i - K_i(t)), i.e.
  K_i(t) = Kmax_i - (Kmax_i - K_i(0)) (1 - rate_i)**t, where
  Kmax_i = ceiling_i * (1 + sum_r held_i(r) effects.ceiling(r)) and
  rate_i = clip(rebuild_rate_i + sum_r held_i(r) effects.growth(r), 0, 1), with the
  parameters of the event state. A draw's capacity path in state s is the path of that
  state from t = 0 (the documented approximation: after an event, capacities follow the
  new state's path; path dependence beyond that is not tracked).
* **War.** Effective strength a = K_A (1 + sum_r held_A(r) effects.power(r)), times
  (1 + first_strike) for a side that attacks first. A wins with the Tullock probability
  p = a**γ / (a**γ + b**γ), computed as expit(γ (log a - log b)) so capacities of 1e-12
  or 1e12 stay exact. War at t gives i the lottery over the two outcomes as a perpetual
  flow minus the lump-sum cost: W_i = [p U_i(A wins) + (1-p) U_i(B wins)] / (1-δ_i) - c_i,
  where U_i(w) = sum_r held_i^w(r) v_i(r) + war_flow_i.
* **Stage game** at t in state s, strategies 0 = Hold, 1 = Attack::

                 B holds            B attacks
      A holds    H_A, H_B           W^{B first}
      A attacks  W^{A first}        W^{neutral}

  with H_i = x_i + δ_i [(1-λ) E_s' V_i(t+1, s') + λ E_s' W_i^{neutral}(t+1, s')],
  where E_s' is the expectation over next period's event state (players know the hazards)
  and λ the incident hazard. V_i(t, s) is the payoff of the selected equilibrium
  (:func:`sim.games.select_2x2`), computed backward from the stationary game at T.
* **Beyond the horizon** power and events are frozen; holding pays the stationary
  ceasefire value with incidents, (x_i + δ_i λ W_i^neutral) / (1 - δ_i (1-λ)) (this reduces
  to the plain x_i / (1-δ_i) when λ = 0, and keeps incidents from vanishing at T).
* **Hazard** of breakdown at t on the draw's realised event path:
  h_t = 1 - (1-σ_A)(1-σ_B)(1-λ), with σ_i the selected probability that i attacks.
* **Acceptance.** At t = 0 (no event yet) side i rejects the terms if its ceasefire value
  V_i(0) is below fighting on now, W_i^neutral(0), or if the selected t = 0 equilibrium has
  it attacking for sure.
* **Causes.** A breakdown (or rejection) that is not an incident is attributed to
  ``commitment`` when Powell's condition holds at t for either side (see
  :func:`commitment_flags`: even the best split now and the most the other side can be
  held to later leave the side better off at war: no bargain exists); else to ``terms``
  when some side prefers a first-strike war even to these terms kept forever (a better
  split would satisfy it: the terms are the problem); else to ``preemption``: both
  would keep these terms if each trusted the other to, but fear of being attacked first
  (the stag hunt that first-strike advantages create, now or anticipated later) breaks
  them. ``preemption`` is a fourth cause beside the usual three: folding a security
  dilemma into ``terms`` would tell a user to change the terms when no change of terms
  removes the fear of being attacked first; demilitarised zones and guarantees
  (lower ``war.first_strike``) do. It never occurs with ``selection: peaceful`` unless
  events make a side's future attack foreseeable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
from scipy.special import expit

from sim.errors import ModelError
from sim.games import max_a_given_floor_b, nash_split_batch, select_2x2, select_2x2_nashpy
from sim.names import CAUSES
from sim.scenario import Scenario

__all__ = ["ModelError", "ChunkOutput", "solve_chunk", "event_state_labels", "CAUSES", "TOL"]

#: Relative tolerance for payoff comparisons (acceptance, Powell's condition).
TOL = 1e-9


@dataclass
class ChunkOutput:
    """What one chunk of draws produces (all arrays over the chunk's n draws)."""

    accepted: np.ndarray  # (n,) bool
    rejected_by: np.ndarray  # (n,) int8: 0 none, 1 A, 2 B, 3 both
    reject_cause: np.ndarray  # (n,) int8 index into CAUSES, -1 none
    survival: np.ndarray  # (n, T+1) S_d(t), S_d(0) = accepted
    # per period on the realised path: probability of a breakdown by who breaks it
    # (see the attribution rule in solve_chunk); the four sum to the hazard h_t
    p_a_only: np.ndarray  # (n, T)
    p_b_only: np.ndarray
    p_both: np.ndarray
    p_incident: np.ndarray
    cause: np.ndarray  # (n, T) int8 cause of a non-incident breakdown at t
    p0: np.ndarray  # (n,) A's neutral win probability at t = 0
    fearon_low: np.ndarray
    fearon_high: np.ndarray
    nash_share_a: np.ndarray
    terms_share_a: np.ndarray
    event_period: np.ndarray  # (n, k) first period whose state includes each event (inf: never)
    power: np.ndarray | None = field(default=None)  # (n, S, T+1) neutral p per state, if asked


def event_state_labels(scn: Scenario) -> list[str]:
    """Human labels of the 2**k event states: 'none' or 'a+b'."""
    ids = scn.event_ids
    out = []
    for s in range(2 ** len(ids)):
        fired = [ids[e] for e in range(len(ids)) if s >> e & 1]
        out.append("+".join(fired) if fired else "none")
    return out


class _Inputs:
    """Per-draw, per-state parameter arrays for one chunk."""

    def __init__(self, scn: Scenario, params: Mapping[str, np.ndarray | float], n: int):
        self.scn, self.params, self.n = scn, params, n
        self.k = len(scn.events)
        self.S = 2**self.k
        a, b = scn.actor_ids
        self.actors = (a, b)
        self.regions = scn.region_ids

        def per_state(path: str, default: str | None = None) -> np.ndarray:
            """(n, S) values of ``path`` (or of ``default`` where ``path`` is not given).

            Events apply in file order, a later event's change winning; within one event a
            change of ``path`` beats one of the more general ``default``."""
            base = self.get(path if path in params or default is None else default)
            out = np.repeat(base[:, None], self.S, axis=1)
            for e, eid in enumerate(scn.event_ids):
                for key in (default, path):
                    change = f"events.{eid}.changes.{key}"
                    if key is not None and change in params:
                        states = [s for s in range(self.S) if s >> e & 1]
                        out[:, states] = self.get(change)[:, None]
            return out

        self.per_state = per_state
        # actor parameters (n, S)
        self.delta = [per_state(f"actors.{x}.discount") for x in self.actors]
        self.cost = [per_state(f"actors.{x}.war_cost") for x in self.actors]
        self.k0 = [self.get(f"actors.{x}.capacity") for x in self.actors]
        # an actor without a ceiling keeps its capacity as its ceiling (no growth)
        self.ceiling = [
            per_state(f"actors.{x}.ceiling", default=f"actors.{x}.capacity") for x in self.actors
        ]
        self.rate = [per_state(f"actors.{x}.rebuild_rate") for x in self.actors]
        self.flow = [per_state(f"actors.{x}.flow") for x in self.actors]
        self.war_flow = [per_state(f"actors.{x}.war_flow") for x in self.actors]
        # region values, normalised per actor and state (n, S, R)
        self.v = []
        for x in self.actors:
            raw = np.stack([per_state(f"regions.{r}.value.{x}") for r in self.regions], axis=-1)
            total = raw.sum(axis=-1, keepdims=True)
            if np.any(total <= 0):
                raise ModelError(
                    f"actor {x} values no region in some event state; every state needs a positive value"
                )
            self.v.append(raw / total)
        # region effects for each actor as holder (n, S, R): per-holder values where given
        eff = [
            {
                key: np.stack(
                    [
                        per_state(
                            f"regions.{r}.effects.{key}.{x}", default=f"regions.{r}.effects.{key}"
                        )
                        for r in self.regions
                    ],
                    axis=-1,
                )
                for key in ("ceiling", "growth", "power")
            }
            for x in self.actors
        ]
        # holdings under the terms (n, R): A's share
        self.h_a = np.stack(
            [self.holding(("terms", r), scn.terms[r]) for r in self.regions], axis=-1
        )
        held = [self.h_a[:, None, :], 1.0 - self.h_a[:, None, :]]
        # war outcomes: A's share of each region if w wins (n, R)
        self.out_a = []
        for w, x in enumerate(self.actors):
            outcome = scn.war.outcomes.get(x, {})
            cols = []
            for r in self.regions:
                if r in outcome:
                    cols.append(self.holding(("war", "outcomes", x, r), outcome[r]))
                else:
                    cols.append(np.full(n, 1.0 if w == 0 else 0.0))
            self.out_a.append(np.stack(cols, axis=-1))
        # flows under the ceasefire (n, S)
        self.x = [
            np.einsum("nsr,nr->ns", self.v[0], self.h_a) + self.flow[0],
            np.einsum("nsr,nr->ns", self.v[1], 1.0 - self.h_a) + self.flow[1],
        ]
        # value of each war outcome U[i][w] (n, S)
        self.U = [
            [np.einsum("nsr,nr->ns", self.v[0], self.out_a[w]) + self.war_flow[0] for w in (0, 1)],
            [
                np.einsum("nsr,nr->ns", self.v[1], 1.0 - self.out_a[w]) + self.war_flow[1]
                for w in (0, 1)
            ],
        ]
        # power
        self.kmax = [
            self.ceiling[i] * np.maximum(1.0 + (held[i] * eff[i]["ceiling"]).sum(-1), 1e-300)
            for i in (0, 1)
        ]
        self.grow = [
            np.clip(self.rate[i] + (held[i] * eff[i]["growth"]).sum(-1), 0.0, 1.0) for i in (0, 1)
        ]
        self.log_bonus = [
            np.log(np.maximum(1.0 + (held[i] * eff[i]["power"]).sum(-1), 1e-300)) for i in (0, 1)
        ]
        # logs used every period by log_capacity, taken once
        self.log_k0 = [np.log(self.k0[i])[:, None] for i in (0, 1)]
        self.log_kmax = [np.log(np.maximum(self.kmax[i], np.finfo(float).tiny)) for i in (0, 1)]
        self.gamma = per_state("war.decisiveness")
        self.log_fs = np.log1p(per_state("war.first_strike"))
        self.lam = per_state("war.incident_hazard")
        self.hazards = (
            np.stack([self.get(f"events.{e}.hazard") for e in scn.event_ids], axis=-1)
            if self.k
            else np.zeros((n, 0))
        )
        self.P = self.transition()
        with np.errstate(divide="ignore"):
            self.inv1md = [1.0 / (1.0 - self.delta[i]) for i in (0, 1)]

    def get(self, path: str) -> np.ndarray:
        v = self.params[path]
        return np.broadcast_to(np.asarray(v, dtype=float), (self.n,))

    def holding(self, path: tuple[str, ...], holder) -> np.ndarray:
        a, b = self.actors
        if isinstance(holder, str):
            return np.full(self.n, 1.0 if holder == a else 0.0)
        key = ".".join(path)
        if a in holder:
            return self.get(f"{key}.{a}").copy()
        return 1.0 - self.get(f"{key}.{b}")

    def transition(self) -> np.ndarray:
        """P[n, s, s']: probability of moving from event state s to s' in one period."""
        S, k, n = self.S, self.k, self.n
        P = np.zeros((n, S, S))
        for s in range(S):
            for s2 in range(S):
                if s & ~s2:
                    continue  # events are one-way
                prob = np.ones(n)
                for e in range(k):
                    if s >> e & 1:
                        continue
                    prob = prob * (self.hazards[:, e] if s2 >> e & 1 else 1.0 - self.hazards[:, e])
                P[:, s, s2] = prob
        return P

    def log_capacity(self, i: int, t: int) -> np.ndarray:
        """log K_i(t) per state (n, S), from K(t) = K(0) q + Kmax (1 - q), q = (1 - rate)**t.

        Both terms are >= 0, so a capacity of 1e-12 rebuilding toward 1e12 does not cancel
        to 0 (Kmax - (Kmax - K(0)) q did, giving log 0 and a NaN win probability), and
        K(0) is exact at t = 0. Computed in logs so no product underflows to 0.
        """
        q = (1.0 - self.grow[i]) ** t
        with np.errstate(divide="ignore"):  # log 0 = -inf where q is 0 or 1: exact here
            return np.logaddexp(self.log_k0[i] + np.log(q), self.log_kmax[i] + np.log1p(-q))

    def win_probs(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A's win probability at t: neutral, A strikes first, B strikes first (n, S)."""
        d = (self.log_capacity(0, t) + self.log_bonus[0]) - (
            self.log_capacity(1, t) + self.log_bonus[1]
        )
        g = self.gamma
        with np.errstate(
            over="ignore"
        ):  # g * d = +-inf with a huge decisiveness: expit gives 1 or 0
            return expit(g * d), expit(g * (d + self.log_fs)), expit(g * (d - self.log_fs))

    def war_values(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """W_A, W_B (n, S) for A's win probability p."""
        wa = (p * self.U[0][0] + (1 - p) * self.U[0][1]) * self.inv1md[0] - self.cost[0]
        wb = (p * self.U[1][0] + (1 - p) * self.U[1][1]) * self.inv1md[1] - self.cost[1]
        return wa, wb


def _expect_many(P: np.ndarray, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """E[X(next state) | s] for several X (n, S) in one batched product."""
    if P.shape[1] == 1:
        return list(arrays)
    X = np.stack(arrays, axis=-1)  # (n, S, m)
    Y = np.matmul(P, X)
    return [Y[..., j] for j in range(len(arrays))]


def _tol(*arrays: np.ndarray) -> np.ndarray:
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
        """Largest flow of this side over splits giving the other at least ``floor``
        (-inf where even the whole stake leaves the other below it). With ``idx`` (flat
        indices into draws x states) the arguments are already flat and only those cells
        are computed."""
        if idx is None:
            flat = np.arange(self.vo.shape[0])
            args = (np.broadcast_to(a, self.shape).ravel() for a in (f_me, f_other, floor))
            return self.most(*args, flat).reshape(self.shape)
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
            flag.ravel()[idx] = ~feasible | (w > most + _tol(w, most))
        out.append(flag)
    return out[0], out[1]


def _gather(arr: np.ndarray, state: np.ndarray) -> np.ndarray:
    """arr (n, S) at each draw's state (n,)."""
    return np.take_along_axis(arr, state[:, None], axis=1)[:, 0]


def event_states(hazards: np.ndarray, u: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Realised event state per draw and period (n, T+1) and each event's period (n, k).

    Uniforms u (n, k) fix the times. The event period is the first period whose state
    includes the event (``inf`` if never).

    Event e happens during period tau_e (so it is in the state from tau_e + 1 on), where
    tau_e is geometric with the event's per-period hazard: floor(log u / log(1 - hazard)).
    """
    n, k = u.shape
    t = np.arange(horizon + 1)
    state = np.zeros((n, horizon + 1), dtype=np.int64)
    period = np.empty((n, k))
    for e in range(k):
        h = hazards[:, e]
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = np.floor(np.log(u[:, e]) / np.log1p(-h))
        tau = np.where(h >= 1.0, 0.0, np.where(h <= 0.0, np.inf, tau))
        state |= (t[None, :] > tau[:, None]).astype(np.int64) << e
        period[:, e] = tau + 1.0
    return state, period


def solve_chunk(
    scn: Scenario,
    params: Mapping[str, np.ndarray | float],
    n: int,
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
        The scenario (structure: actors, regions, terms, events).
    params
        Key path -> value (n,) or scalar, for every path in ``scn.numbers()``.
    n
        Number of draws in the chunk.
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
    m = _Inputs(scn, params, n)
    T, S = scn.horizon, m.S
    d_a, d_b = m.delta
    lam = m.lam
    path_state, event_period = event_states(m.hazards, event_u, T)

    frontiers = (Frontier(m.v[0], m.v[1]), Frontier(m.v[1], m.v[0]))

    def perpetual(i: int, w_neutral) -> np.ndarray:
        """Stationary value of the terms kept forever (with incidents), per state."""
        return (m.x[i] + m.delta[i] * lam * w_neutral[i]) / (1.0 - m.delta[i] * (1.0 - lam))

    # terminal stationary game at T (power and events frozen)
    pN, pA, pB = m.win_probs(T)
    wN = m.war_values(pN)
    wAf = m.war_values(pA)
    wBf = m.war_values(pB)
    hold = [perpetual(i, wN) for i in (0, 1)]
    V, sa, sb, dev_a_t, dev_b_t = _stage(select, rule, hold, wN, wAf, wBf)
    # beyond the horizon power is frozen, so no commitment problem: terms, or preemption
    # when (Hold, Hold) is an equilibrium that the rule did not select
    c_next = np.where(dev_a_t | dev_b_t, 2, 1).astype(np.int8)
    brk_next = 1.0 - (1.0 - sa) * (1.0 - sb)

    sig_a = np.empty((n, T))
    sig_b = np.empty((n, T))
    p_a, p_b, p_ab = np.empty((n, T)), np.empty((n, T)), np.empty((n, T))
    cause = np.empty((n, T), dtype=np.int8)
    lam_path = np.empty((n, T))
    power = np.empty((n, S, T + 1)) if keep_power else None
    if keep_power:
        power[:, :, T] = pN
    nxt = {"wN": wN, "wAf": wAf, "wBf": wBf}
    first = None
    for t in range(T - 1, -1, -1):
        pN, pA, pB = m.win_probs(t)
        if keep_power:
            power[:, :, t] = pN
        wN, wAf, wBf = m.war_values(pN), m.war_values(pA), m.war_values(pB)
        # one batched expectation over next period's event state for everything needed
        inh_next = [np.where(c_next == code, brk_next, 0.0) for code in (0, 1, 2)]
        ex = _expect_many(
            m.P, [V[0], V[1], nxt["wN"][0], nxt["wN"][1], nxt["wAf"][0], nxt["wBf"][1], *inh_next]
        )
        eV, eW, eWf_next = ex[0:2], ex[2:4], ex[4:6]
        hold = [m.x[i] + m.delta[i] * ((1.0 - lam) * eV[i] + lam * eW[i]) for i in (0, 1)]
        V, sa, sb, dev_a, dev_b = _stage(select, rule, hold, wN, wAf, wBf)
        # Causes, for every state (a breakdown's cause can be inherited from the next
        # period's). An aggressor prefers a first-strike war even to these terms kept
        # forever.
        perp = [perpetual(i, wN) for i in (0, 1)]
        aggr_a = wAf[0] > perp[0] + _tol(perp[0])
        aggr_b = wBf[1] > perp[1] + _tol(perp[1])
        brk_all = 1.0 - (1.0 - sa) * (1.0 - sb)
        ca, cb = commitment_flags(
            frontiers,
            wAf[0],
            wBf[1],
            eWf_next[0],
            eWf_next[1],
            eW[0],
            eW[1],
            m.flow[0],
            m.flow[1],
            d_a,
            d_b,
            lam,
            where=brk_all > 0.0,
        )
        # A breakdown that is neither a commitment problem nor bad terms now is driven by
        # the war both expect next period (striking first before it comes): it inherits
        # the most likely cause of that war. With none to inherit, it is `terms` if a side
        # gains by attacking a side that holds (the terms' future value, e.g. after an
        # event, falls short, and a bargain exists), and fear alone (`preemption`) if
        # neither does, i.e. (Hold, Hold) was an equilibrium that was not selected.
        inherit = np.stack(ex[6:9], axis=-1)
        fallback = np.where(dev_a | dev_b, 2, 1)
        inherited = np.where(inherit.max(axis=-1) > 0.0, inherit.argmax(axis=-1), fallback)
        c_all = np.where(ca | cb, 0, np.where(aggr_a | aggr_b, 2, inherited)).astype(np.int8)

        st = path_state[:, t]
        sa_p, sb_p = _gather(sa, st), _gather(sb, st)
        da_p, db_p = _gather(dev_a, st), _gather(dev_b, st)
        ag_a, ag_b = _gather(aggr_a, st), _gather(aggr_b, st)
        # Attribution. A side breaks the ceasefire if it gains by attacking a side that
        # holds. If only A does, every non-incident breakdown is A's, even where B then
        # fights too (fighting an attacker is not a breach); likewise B. If both do, the
        # aggressor is the side that would attack even a ceasefire kept forever; the
        # other only strikes first because war is coming anyway. If both or neither are
        # aggressors, both break it. If neither gains by attacking a holder (a
        # preemptive stag-hunt outcome or a mixed equilibrium of fear), the selected
        # probabilities decide.
        brk = 1.0 - (1.0 - sa_p) * (1.0 - sb_p)
        only_a = da_p & (~db_p | (ag_a & ~ag_b))
        only_b = db_p & (~da_p | (ag_b & ~ag_a))
        mutual = da_p & db_p & ~only_a & ~only_b
        fear = ~(da_p | db_p)
        p_a[:, t] = np.where(only_a, brk, np.where(fear, sa_p * (1.0 - sb_p), 0.0))
        p_b[:, t] = np.where(only_b, brk, np.where(fear, (1.0 - sa_p) * sb_p, 0.0))
        p_ab[:, t] = np.where(mutual, brk, np.where(fear, sa_p * sb_p, 0.0))
        sig_a[:, t], sig_b[:, t] = sa_p, sb_p
        lam_path[:, t] = _gather(lam, st)
        cause[:, t] = _gather(c_all, st)
        if t == 0:
            first = {
                "V": V,
                "wN": wN,
                "sa": sa,
                "sb": sb,
                "pN": pN,
                "only_a": only_a,
                "only_b": only_b,
                "mutual": mutual,
            }
        nxt = {"wN": wN, "wAf": wAf, "wBf": wBf}
        c_next, brk_next = c_all, brk_all

    # acceptance at t = 0 (state 0: no event has happened)
    V0 = [first["V"][i][:, 0] for i in (0, 1)]
    W0 = [first["wN"][i][:, 0] for i in (0, 1)]
    # Rejected when the selected t = 0 equilibrium has a side attacking for sure, or a
    # side values the ceasefire below fighting on now. The rejecting side is the one
    # that gains by attacking a side that holds (or that prefers fighting on); when the
    # rejection is mutual fear (neither gains by attacking a holder), both.
    worse_a = V0[0] < W0[0] - _tol(V0[0], W0[0])
    worse_b = V0[1] < W0[1] - _tol(V0[1], W0[1])
    rejected = (first["sa"][:, 0] >= 1.0) | (first["sb"][:, 0] >= 1.0) | worse_a | worse_b
    rej_a = rejected & (first["only_a"] | first["mutual"] | (worse_a & ~first["only_b"]))
    rej_b = rejected & (first["only_b"] | first["mutual"] | (worse_b & ~first["only_a"]))
    fear0 = rejected & ~rej_a & ~rej_b
    rejected_by = (rej_a | fear0).astype(np.int8) + 2 * (rej_b | fear0).astype(np.int8)
    accepted = ~rejected
    # Preferring the war that is already going on to the terms is about the terms
    # (no first strike is involved at t = 0), unless no bargain exists at all.
    reject_cause = np.where(
        accepted, -1, np.where((worse_a | worse_b) & (cause[:, 0] != 0), 2, cause[:, 0])
    )
    reject_cause = reject_cause.astype(np.int8)

    # survival and breakdown probabilities on the realised path
    p_hh = (1.0 - sig_a) * (1.0 - sig_b)
    hazard = 1.0 - p_hh * (1.0 - lam_path)
    surv = np.empty((n, T + 1))
    surv[:, 0] = accepted
    np.cumprod(1.0 - hazard, axis=1, out=surv[:, 1:])
    surv[:, 1:] *= accepted[:, None]
    if not np.all(np.isfinite(surv)):
        raise ModelError(
            "the model produced a non-finite survival probability for these parameters: some numbers "
            "are at the limits of floating point (a discount factor within about 1e-12 of 1, or values, "
            "costs or capacities beyond about 1e300); narrow those ranges and run again"
        )

    # bargaining references at t = 0
    p0 = first["pN"][:, 0]
    va0, vb0 = m.v[0][:, 0, :], m.v[1][:, 0, :]
    fa0, fb0 = m.flow[0][:, 0], m.flow[1][:, 0]
    dA = W0[0] * (1.0 - d_a[:, 0])  # per-period value of fighting on
    dB = W0[1] * (1.0 - d_b[:, 0])
    fearon_low = np.clip(dA - fa0, 0.0, 1.0)
    hi = max_a_given_floor_b(va0, vb0, fa0, fb0, dB) - fa0
    fearon_high = np.clip(np.where(np.isfinite(hi), hi, -np.inf), 0.0, 1.0)
    _, _, nash_share = nash_split_batch(dA, dB, va0, vb0, fa0, fb0)
    terms_share = np.einsum("nr,nr->n", va0, m.h_a)

    return ChunkOutput(
        accepted=accepted,
        rejected_by=rejected_by,
        reject_cause=reject_cause,
        survival=surv,
        p_a_only=p_a,
        p_b_only=p_b,
        p_both=p_ab,
        p_incident=p_hh * lam_path,
        cause=cause,
        p0=p0,
        fearon_low=fearon_low,
        fearon_high=fearon_high,
        nash_share_a=nash_share,
        terms_share_a=terms_share,
        event_period=event_period,
        power=power,
    )


def _stage(select, rule, hold, wN, wAf, wBf):
    """Build the (n, S, 2, 2) stage games, select, and return values and attack probs."""
    A = np.empty(hold[0].shape + (2, 2))
    B = np.empty_like(A)
    A[..., 0, 0], A[..., 0, 1], A[..., 1, 0], A[..., 1, 1] = hold[0], wBf[0], wAf[0], wN[0]
    B[..., 0, 0], B[..., 0, 1], B[..., 1, 0], B[..., 1, 1] = hold[1], wBf[1], wAf[1], wN[1]
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
        raise ModelError(
            "stage-game payoffs are not finite (a discount factor of 1, or values too large "
            "to represent); use discount < 1 and costs/flows below about 1e300"
        )
    sa, sb = select(A, B, rule)
    ha, hb = 1.0 - sa, 1.0 - sb
    V = [
        ha * hb * M[..., 0, 0]
        + ha * sb * M[..., 0, 1]
        + sa * hb * M[..., 1, 0]
        + sa * sb * M[..., 1, 1]
        for M in (A, B)
    ]
    # who gains by attacking a side that holds? (Hold, Hold) is an equilibrium iff neither
    dev_a = A[..., 1, 0] > A[..., 0, 0] + _tol(A[..., 0, 0], A[..., 1, 0])
    dev_b = B[..., 0, 1] > B[..., 0, 0] + _tol(B[..., 0, 0], B[..., 0, 1])
    return V, sa, sb, dev_a, dev_b
