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
from sim.model.events import transition_matrix
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
        self.delta = [a.discount.per_state(S) for a in actors]
        self.cost = [a.war_cost.per_state(S) for a in actors]
        self.k0 = [a.capacity for a in actors]
        self.ceiling = [a.ceiling.per_state(S) for a in actors]
        self.rate = [a.rebuild_rate.per_state(S) for a in actors]
        self.flow = [a.flow.per_state(S) for a in actors]
        self.war_flow = [a.war_flow.per_state(S) for a in actors]
        self.v = [self._values(i, actor_ids[i]) for i in (0, 1)]
        self.h_a = params.terms_a
        self.out_a = list(params.outcomes_a)
        self._stakes()
        self._power()
        self.gamma = params.decisiveness.per_state(S)
        self.log_fs = np.log1p(params.first_strike.per_state(S))
        self.lam = params.incident_hazard.per_state(S)
        self.hazards = params.hazards
        self.P = transition_matrix(self.hazards)
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
        self.x = [
            np.einsum("nsr,nr->ns", v[0], h_a) + self.flow[0],
            np.einsum("nsr,nr->ns", v[1], 1.0 - h_a) + self.flow[1],
        ]
        self.U = [
            [np.einsum("nsr,nr->ns", v[0], self.out_a[w]) + self.war_flow[0] for w in (0, 1)],
            [np.einsum("nsr,nr->ns", v[1], 1.0 - self.out_a[w]) + self.war_flow[1] for w in (0, 1)],
        ]

    def _power(self) -> None:
        """Capacity ceilings, rebuild rates and war-strength bonuses under the terms."""
        S = self.S
        held = [self.h_a[:, None, :], 1.0 - self.h_a[:, None, :]]
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
        self.log_k0 = [np.log(self.k0[i])[:, None] for i in (0, 1)]
        self.log_kmax = [np.log(np.maximum(self.kmax[i], np.finfo(float).tiny)) for i in (0, 1)]

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
        self.Ubar = []
        self.peace_op = []
        for i in (0, 1):
            d = self.delta[i][:, :, None]
            war_op = np.linalg.inv(eye - d * self.P)
            self.Ubar.append([np.einsum("nst,nt->ns", war_op, self.U[i][w]) for w in (0, 1)])
            self.peace_op.append(np.linalg.inv(eye - d * (1.0 - self.lam)[:, :, None] * self.P))

    def war_values(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """W_A, W_B (n, S) for A's win probability p: the outcome lottery minus the cost.

        The war's outcome (who wins) is decided at its start with probability p; the
        value of what each side then holds follows the event chain (``Ubar``).
        """
        wa = p * self.Ubar[0][0] + (1 - p) * self.Ubar[0][1] - self.cost[0]
        wb = p * self.Ubar[1][0] + (1 - p) * self.Ubar[1][1] - self.cost[1]
        return wa, wb

    def perpetual(self, i: int, w_neutral: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """i's value of these terms kept forever from each state, events and incidents
        running (an incident gives next period's neutral war ``w_neutral`` at this power).

        The fixed point of P_i = x_i + δ_i [(1-λ) E P_i(s') + λ E W_i(s')]; without events
        it is (x_i + δ_i λ W_i) / (1 - δ_i (1-λ)).
        """
        rhs = self.x[i] + self.delta[i] * self.lam * np.einsum("nst,nt->ns", self.P, w_neutral[i])
        return np.einsum("nst,nt->ns", self.peace_op[i], rhs)
