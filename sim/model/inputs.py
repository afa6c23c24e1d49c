"""Per-draw, per-event-state arrays derived from the parameters: stakes, power, war values.

:class:`Inputs` holds, for a chunk of n draws and the S = 2**k event states, everything
the backward induction reads: discount factors, costs, normalised region values, the
peace flows under the terms, the value of each war outcome, the capacity paths and the
win probabilities (see the model statement in :mod:`sim.model`).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from sim.errors import ModelError
from sim.model.events import dated_hazards, transition_matrix
from sim.model.mechanisms import Channels
from sim.model.params import EFFECTS, Params

__all__ = ["Inputs"]


class Inputs:
    """Per-draw, per-state arrays for one chunk (shapes (n, S) unless noted).

    Parameters
    ----------
    params
        The chunk's typed parameters.
    actor_ids
        The two actors' ids, for messages.
    """

    def __init__(self, params: Params, actor_ids: tuple[str, str]) -> None:
        self.params = params
        self.n = params.n
        self.k = params.hazards.shape[1]
        self.S = S = 2**self.k
        actors = params.actors
        self.channels = ch = Channels(params.mechanisms, self.n, S)
        self.delta = [a.discount.per_state(S) for a in actors]
        self.cost = [a.war_cost.per_state(S) for a in actors]
        self.k0 = [a.capacity.per_state(S) * ch.capacity[i] for i, a in enumerate(actors)]
        self.ceiling = [a.ceiling.per_state(S) * ch.ceiling[i] for i, a in enumerate(actors)]
        self.rate = [a.rebuild_rate.per_state(S) for a in actors]
        self.flow = [a.flow.per_state(S) for a in actors]
        self.war_flow = [a.war_flow.per_state(S) for a in actors]
        self.v = [self._values(i, actor_ids[i]) for i in (0, 1)]
        self.h_a = params.terms_a
        #: (n, S, R) the terms in each event state where an event changes them, else None
        self.h_s = params.terms_per_state(S) if params.terms_changes else None
        self.out_a = list(params.outcomes_a)
        self._stakes()
        self._power()
        self.gamma = params.decisiveness.per_state(S)
        self.log_fs = np.log1p(params.first_strike.per_state(S) * ch.first_strike)
        self.lam = params.incident_hazard.per_state(S) * ch.incident
        #: (n, S) expected lump-sum cost to each side of attacking a side that holds
        self.guard = ch.guard
        #: (n, S) chance per period that the uninformed side learns the true type
        self.reveal = ch.reveal
        self.hazards = params.hazards
        self.dates = params.dates if params.dates is not None else np.zeros((self.n, 0))
        self.dated = bool(np.isfinite(self.dates).any())
        self.P = transition_matrix(self.hazards)
        self._P_cache: tuple[int, np.ndarray] | None = None
        self._log_k: dict[int, tuple[int, np.ndarray]] = {}
        self._markov()

    def _values(self, i: int, actor: str) -> np.ndarray:
        """Actor i's region values in stake units (n, S, R).

        The unit is fixed once per actor and draw: its values *before any event* sum to 1
        (one period of the whole stake, as the actor valued it at signing). An event
        that changes a valuation changes the size of the stake in that unit, while war
        costs and flows, which are in the same unit, keep their size: a leadership that
        turns to limited aims values the stake less, so a war's fixed cost weighs more.
        (Normalising every state to 1, the alternative, rescales costs and flows by
        the event: a limited-aims leader would find war *cheaper*.)
        """
        raw = np.stack([r.value[i].per_state(self.S) for r in self.params.regions], axis=-1)
        total = raw[:, :1, :].sum(axis=-1, keepdims=True)
        if np.any(total <= 0):
            raise ModelError(
                f"actor {actor} values no region before any event; "
                "give at least one region a positive value"
            )
        return raw / total

    def _stakes(self) -> None:
        """Peace flows ``x`` and the value ``U[i][w]`` of each war outcome (n, S)."""
        v, h_a = self.v, self.h_a
        if self.h_s is None:
            self.x = [
                np.einsum("nsr,nr->ns", v[0], h_a) + self.flow[0],
                np.einsum("nsr,nr->ns", v[1], 1.0 - h_a) + self.flow[1],
            ]
        else:  # terms that change with events: a phased withdrawal, a handover at a date
            self.x = [
                np.einsum("nsr,nsr->ns", v[0], self.h_s) + self.flow[0],
                np.einsum("nsr,nsr->ns", v[1], 1.0 - self.h_s) + self.flow[1],
            ]
        self.U = [
            [np.einsum("nsr,nr->ns", v[0], self.out_a[w]) + self.war_flow[0] for w in (0, 1)],
            [np.einsum("nsr,nr->ns", v[1], 1.0 - self.out_a[w]) + self.war_flow[1] for w in (0, 1)],
        ]

    def _power(self) -> None:
        """Capacity ceilings, rebuild rates and war-strength bonuses under the terms."""
        S = self.S
        h = self.h_a[:, None, :] if self.h_s is None else self.h_s
        held = [h, 1.0 - h]
        # region effects for each actor as holder (n, S, R): per-holder values where given
        eff = [
            {
                key: np.stack(
                    [r.effects[key][i].per_state(S) for r in self.params.regions], axis=-1
                )
                for key in EFFECTS
            }
            for i in (0, 1)
        ]
        self.eff = eff
        #: (n, S) each side's sum of each effect over what it holds under the terms
        self.terms_effects = [
            {key: (held[i] * eff[i][key]).sum(-1) for key in EFFECTS} for i in (0, 1)
        ]
        #: (n, S) whether any region changes its holder's power in this draw and state
        self.moves_power = np.zeros((self.n, S), dtype=bool)
        for i in (0, 1):
            for key in EFFECTS:
                self.moves_power |= np.any(eff[i][key] != 0.0, axis=-1)
        te = self.terms_effects
        self.kmax = [self.ceiling[i] * np.maximum(1.0 + te[i]["ceiling"], 1e-300) for i in (0, 1)]
        self.grow = [np.clip(self.rate[i] + te[i]["growth"], 0.0, 1.0) for i in (0, 1)]
        self.log_bonus = [np.log(np.maximum(1.0 + te[i]["power"], 1e-300)) for i in (0, 1)]
        # logs used every period by log_capacity, taken once
        self.log_k0 = [np.log(self.k0[i]) for i in (0, 1)]
        self.log_kmax = [np.log(np.maximum(self.kmax[i], np.finfo(float).tiny)) for i in (0, 1)]

    def log_capacity(self, i: int, t: int) -> np.ndarray:
        """log K_i(t) per state (n, S), from K(t) = K(0) q + Kmax (1 - q), q = (1 - rate)**t.

        Both terms are >= 0, so a capacity of 1e-12 rebuilding toward 1e12 does not cancel
        to 0 (Kmax - (Kmax - K(0)) q did, giving log 0 and a NaN win probability), and
        K(0) is exact at t = 0. Computed in logs so no product underflows to 0. The last
        period asked for is kept per side (the win probabilities and the counterfactual
        splits of a period both read it); callers must not write into the array.
        """
        kept = self._log_k.get(i)
        if kept is not None and kept[0] == t:
            return kept[1]
        q = (1.0 - self.grow[i]) ** t
        with np.errstate(divide="ignore"):  # log 0 = -inf where q is 0 or 1: exact here
            out = np.logaddexp(self.log_k0[i] + np.log(q), self.log_kmax[i] + np.log1p(-q))
        self._log_k[i] = (t, out)
        return out

    def win_probs(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A's win probability at t: neutral, A strikes first, B strikes first (n, S)."""
        d = (self.log_capacity(0, t) + self.log_bonus[0]) - (
            self.log_capacity(1, t) + self.log_bonus[1]
        )
        g = self.gamma
        # g * d = +-inf with a huge decisiveness: expit gives 1 or 0
        with np.errstate(over="ignore"):
            return expit(g * d), expit(g * (d + self.log_fs)), expit(g * (d - self.log_fs))

    def _markov(self) -> None:
        """Discounted sums over the event chain, which keeps running in war and in peace.

        ``Ubar[i][w]`` (n, S) is i's expected discounted value, from each state on, of the
        flows it gets after a war won by w while events keep their hazards (a lifted
        sanction, a leadership turning to limited aims change the value of what a war
        left each side): (I - D_i P)^-1 U_i(w), with D_i = diag(δ_i). ``peace_op[i]``
        is (I - D_i (1-λ) P)^-1, the operator of the terms kept forever with incidents.
        Without events both reduce to the familiar 1 / (1 - δ) and 1 / (1 - δ (1 - λ)).
        """
        eye = np.eye(self.S)
        P = self.P_of(self.last_date) if self.dated else self.P
        self.Ubar = []
        self.peace_op = []
        for i in (0, 1):
            d = self.delta[i][:, :, None]
            war_op = np.linalg.inv(eye - d * P)
            self.Ubar.append([np.einsum("nst,nt->ns", war_op, self.U[i][w]) for w in (0, 1)])
            self.peace_op.append(np.linalg.inv(eye - d * (1.0 - self.lam)[:, :, None] * P))
        self._ubar_t: dict[int, list[list[np.ndarray]]] = {}
        if self.dated:  # before the last date the chain changes with t: backward from it
            nxt = self.Ubar
            for t in range(self.last_date - 1, -1, -1):
                P = self.P_of(t)
                nxt = [
                    [self.U[i][w] + self.delta[i] * np.einsum("nst,nt->ns", P, nxt[i][w])
                     for w in (0, 1)]
                    for i in (0, 1)
                ]  # fmt: skip
                self._ubar_t[t] = nxt

    @property
    def last_date(self) -> int:
        """The first period t from which the transitions no longer change (every date
        has passed): P_t is the same for all t >= last_date (0 without dates)."""
        finite = self.dates[np.isfinite(self.dates)]
        return int(finite.max()) - 1 if finite.size else 0

    def P_of(self, t: int) -> np.ndarray:
        """(n, S, S) the transitions from period t to t+1: an event whose date is t+1 or
        earlier happens for sure (its hazard is 1 from then on)."""
        if not self.dated:
            return self.P
        t = min(t, self.last_date)
        if self._P_cache is None or self._P_cache[0] != t:
            self._P_cache = (t, transition_matrix(dated_hazards(self.hazards, self.dates, t)))
        return self._P_cache[1]

    def ubar(self, t: int) -> list[list[np.ndarray]]:
        """``Ubar`` at period t (it depends on t only before the last date)."""
        return self._ubar_t.get(t, self.Ubar)

    def war_values(self, p: np.ndarray, t: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """W_A, W_B (n, S) at period t for A's win probability p: the outcome lottery
        minus the cost.

        The war's outcome (who wins) is decided at its start with probability p; the
        value of what each side then holds follows the event chain (``Ubar``).
        """
        ub = self.ubar(t)
        wa = p * ub[0][0] + (1 - p) * ub[0][1] - self.cost[0]
        wb = p * ub[1][0] + (1 - p) * ub[1][1] - self.cost[1]
        return wa, wb

    def perpetual(
        self, i: int, w_neutral: tuple[np.ndarray, np.ndarray], t: int | None = None
    ) -> np.ndarray:
        """i's value of these terms kept forever from each state, events and incidents
        running (an incident gives next period's neutral war ``w_neutral`` at this power).

        The fixed point of P_i = x_i + δ_i [(1-λ) E P_i(s') + λ E W_i(s')]; without events
        it is (x_i + δ_i λ W_i) / (1 - δ_i (1-λ)). With dated events (``t`` given, before
        the last date) the chain of period t is taken as if it held from then on: this value
        only decides which cause a breakdown is given, and the approximation is judged
        acceptable there (the exact alternative is one more backward pass per period).
        """
        if not self.dated or t is None or t >= self.last_date:
            P, op = self.P_of(self.last_date), self.peace_op[i]
        else:
            P = self.P_of(t)
            d = self.delta[i][:, :, None]
            op = np.linalg.inv(np.eye(self.S) - d * (1.0 - self.lam)[:, :, None] * P)
        rhs = self.x[i] + self.delta[i] * self.lam * np.einsum("nst,nt->ns", P, w_neutral[i])
        return np.einsum("nst,nt->ns", op, rhs)
