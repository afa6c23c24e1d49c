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
        with np.errstate(divide="ignore"):
            self.inv1md = [1.0 / (1.0 - self.delta[i]) for i in (0, 1)]

    def _values(self, i: int, actor: str) -> np.ndarray:
        """Actor i's region values, normalised per state to sum to 1 (n, S, R)."""
        raw = np.stack([r.value[i].per_state(self.S) for r in self.params.regions], axis=-1)
        total = raw.sum(axis=-1, keepdims=True)
        if np.any(total <= 0):
            raise ModelError(
                f"actor {actor} values no region in some event state; "
                "every state needs a positive value"
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

    def war_values(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """W_A, W_B (n, S) for A's win probability p."""
        wa = (p * self.U[0][0] + (1 - p) * self.U[0][1]) * self.inv1md[0] - self.cost[0]
        wb = (p * self.U[1][0] + (1 - p) * self.U[1][1]) * self.inv1md[1] - self.cost[1]
        return wa, wb
