"""The stage game with private information: a Bayesian game between the informed side's
types and the uninformed side, solved in pure strategies of the types.

The informed actor I has types j (its private information); the uninformed side U knows
the prior and has not ruled out the types of a set ``a`` (the *mask*): its belief is the
prior restricted to ``a``. Each type chooses Hold or Attack; U chooses to attack with
probability q. Payoffs are as in the complete-information stage game of that type
(:mod:`sim.model.stage`), with one difference: a type that holds continues into the
period after with U's belief updated by Bayes' rule from what U saw. With pure type
strategies the update is exact and simple: the types that would have attacked are ruled
out, so the continuation mask is the set of types that hold (the *holders*), and each
holder's hold payoff depends on it.

A perfect Bayesian equilibrium of the stage game, given the continuation values:

* the types' responses to U's action q are best responses (a type attacks when that pays
  more than holding into the continuation the holders make, ties going to Hold); the
  holders are found by iterating the responses from "every type holds";
* U's action is a best response to its belief and to the types' responses: with q = 0
  (the candidate E0) U must not gain by attacking, with q = 1 (E1) it must not gain by
  holding; when neither is an equilibrium, U mixes at the q where its gain changes sign
  (found by bisection; the types respond to that q).

Both pooling (every type holds, so U learns nothing) and separation (some types attack
now, and a quiet period rules them out) are equilibria of this game for some payoffs;
which is played follows the selection rule, generalised from the 2x2 rules of
:mod:`sim.games.rules`:

``peaceful``
    E0 when it is an equilibrium in which every type holds; else ``risk_dominant``.
``risk_dominant``
    Between E0 and E1 when both are equilibria, the one with the larger product of U's
    deviation loss and the belief-weighted deviation loss of the types (Harsanyi and
    Selten's product, with the types' losses averaged by U's belief); ties go to E0.
``payoff_dominant``
    The one of E0 and E1 that is weakly better for U (in expectation) and for every type,
    and strictly for one; else ``risk_dominant``.

With a single type left in the mask the game is the complete-information stage game,
which :mod:`sim.model.private` solves with :func:`sim.games.select_2x2` exactly as
without types. Judgement: type strategies are pure (the alternative, mixing types, makes
the belief a continuous state and the dynamic game intractable to enumerate); U may mix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.model.causes import tol

__all__ = ["BayesPlay", "play_bayes"]

Table = Mapping[int, np.ndarray]  # continuation mask -> hold payoff


@dataclass(frozen=True)
class BayesPlay:
    """The selected equilibrium of the Bayesian stage games of one mask (arrays over cells).

    Attributes
    ----------
    sigma
        (k, ...) 1 where type j attacks, 0 where it holds.
    q
        (...) the probability that U attacks.
    holders
        (...) the continuation mask: the types that hold.
    V_I, V_U
        (k, ...) type j's payoff, and U's payoff when the true type is j.
    dev_I, dev_U
        (k, ...) whether type j gains by attacking a U that holds, and whether U gains by
        attacking type j when it holds (with the equilibrium continuation).
    """

    sigma: np.ndarray
    q: np.ndarray
    holders: np.ndarray
    V_I: np.ndarray
    V_U: np.ndarray
    dev_I: np.ndarray
    dev_U: np.ndarray


def _gather(table: Table, mask: np.ndarray) -> np.ndarray:
    """The hold payoff of each cell at its continuation mask."""
    keys = sorted(table)
    stack = np.stack([table[k] for k in keys])
    lookup = np.full(max(keys) + 1, -1, dtype=np.int64)
    lookup[keys] = np.arange(len(keys))
    pos = lookup[mask]
    return np.take_along_axis(stack, pos[None], axis=0)[0]


@dataclass
class _Game:
    """One mask's Bayesian stage games: types ``ts`` (global indices), beliefs, payoffs."""

    ts: Sequence[int]
    mu: np.ndarray  # (k, ...) U's belief
    hold_I: Sequence[Table]
    hold_U: Sequence[Table]
    war_I: np.ndarray  # (3, k, ...) type j's neutral, own-first, U-first war values
    war_U: np.ndarray  # (3, k, ...) U's, against type j

    @property
    def full(self) -> int:
        return sum(1 << t for t in self.ts)

    def responses(
        self, q: np.ndarray, shape: tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The types' best responses to U's attack probability q, their holders and gains.

        Iterated from "every type holds": a type's hold payoff depends on who else holds.
        """
        k = len(self.ts)
        holders = np.full(shape, self.full, dtype=np.int64)
        sigma = np.zeros((k, *shape))
        gain = np.zeros((k, *shape))
        N, own, other = self.war_I
        for _ in range(k + 1):
            for j, t in enumerate(self.ts):
                H = _gather(self.hold_I[j], holders | (1 << t))
                gain[j] = (1.0 - q) * (own[j] - H) + q * (N[j] - other[j])
                sigma[j] = gain[j] > tol(own[j], H, N[j], other[j])
            new = self.full - sum(
                (sigma[j] > 0).astype(np.int64) << t for j, t in enumerate(self.ts)
            )
            if np.array_equal(new, holders):
                break
            holders = new
        return sigma, holders, gain

    def u_gain(self, sigma: np.ndarray, holders: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """U's expected gain from attacking rather than holding, and its tolerance."""
        N, other_first, own_first = self.war_U  # U's values: neutral, type first, U first
        g = np.zeros(holders.shape)
        scale = np.ones(holders.shape)
        for j, t in enumerate(self.ts):
            H = _gather(self.hold_U[j], holders | (1 << t))
            against = np.where(sigma[j] > 0, N[j] - other_first[j], own_first[j] - H)
            g = g + self.mu[j] * against
            scale = np.maximum(scale, np.maximum(np.abs(H), np.abs(own_first[j])))
        return g, 1e-9 * scale

    def values(self, sigma, q, holders) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each type's and U's payoffs at the profile, and who gains by attacking a holder."""
        NI, ownI, otherI = self.war_I
        NU, typeU, firstU = self.war_U
        shape = holders.shape
        V_I, V_U = np.zeros((len(self.ts), *shape)), np.zeros((len(self.ts), *shape))
        dev_I, dev_U = np.zeros(V_I.shape, bool), np.zeros(V_I.shape, bool)
        for j, t in enumerate(self.ts):
            mine = holders | (1 << t)
            HI, HU = _gather(self.hold_I[j], mine), _gather(self.hold_U[j], mine)
            s = sigma[j]
            V_I[j] = (1 - q) * ((1 - s) * HI + s * ownI[j]) + q * ((1 - s) * otherI[j] + s * NI[j])
            V_U[j] = (1 - q) * ((1 - s) * HU + s * typeU[j]) + q * ((1 - s) * firstU[j] + s * NU[j])
            dev_I[j] = ownI[j] > HI + tol(HI, ownI[j])
            dev_U[j] = firstU[j] > HU + tol(HU, firstU[j])
        return V_I, V_U, dev_I, dev_U


def play_bayes(
    rule: str,
    ts: Sequence[int],
    mu: np.ndarray,
    hold_I: Sequence[Table],
    hold_U: Sequence[Table],
    war_I: np.ndarray,
    war_U: np.ndarray,
) -> BayesPlay:
    """Solve and select the Bayesian stage games of one mask (see the module docstring).

    Parameters
    ----------
    rule
        ``peaceful``, ``risk_dominant`` or ``payoff_dominant``.
    ts
        The global indices of the types in the mask (at least two).
    mu
        (k, ...) U's belief over those types.
    hold_I, hold_U
        For each type j, continuation mask -> type j's (U's, against j) hold payoff, for
        every subset of the mask that contains j.
    war_I, war_U
        (3, k, ...) war values: neutral, the informed type strikes first, U strikes first;
        type j's own (``war_I``) and U's against type j (``war_U``).
    """
    g = _Game(ts, mu, hold_I, hold_U, war_I, war_U)
    shape = mu.shape[1:]
    zero, one = np.zeros(shape), np.ones(shape)
    s0, h0, gain0 = g.responses(zero, shape)
    s1, h1, gain1 = g.responses(one, shape)
    G0, t0 = g.u_gain(s0, h0)
    G1, t1 = g.u_gain(s1, h1)
    ok0, ok1 = G0 <= t0, G1 >= -t1
    pick1 = _select(rule, g, (s0, h0, gain0, G0, ok0), (s1, h1, gain1, G1, ok1))
    neither = ~ok0 & ~ok1
    q = np.where(pick1, 1.0, 0.0)
    sigma = np.where(pick1[None], s1, s0)
    holders = np.where(pick1, h1, h0)
    if neither.any():
        qm, sm, hm = _mixed(g, shape, neither)
        q = np.where(neither, qm, q)
        sigma = np.where(neither[None], sm, sigma)
        holders = np.where(neither, hm, holders)
    V_I, V_U, dev_I, dev_U = g.values(sigma, q, holders)
    return BayesPlay(sigma, q, holders, V_I, V_U, dev_I, dev_U)


def _select(rule: str, g: _Game, e0: tuple, e1: tuple) -> np.ndarray:
    """True where E1 (U attacks) is selected; E0 where both fail (then U mixes)."""
    s0, h0, gain0, G0, ok0 = e0
    s1, h1, gain1, G1, ok1 = e1
    both = ok0 & ok1
    # risk: U's deviation loss times the belief-weighted deviation losses of the types
    r0 = np.maximum(-G0, 0.0) * (g.mu * np.abs(gain0)).sum(axis=0)
    r1 = np.maximum(G1, 0.0) * (g.mu * np.abs(gain1)).sum(axis=0)
    risk1 = r1 > r0 * (1.0 + 1e-12) + 1e-300
    pick1 = np.where(both, risk1, ok1 & ~ok0)
    if rule == "peaceful":
        all_hold0 = ok0 & (s0.sum(axis=0) == 0)
        pick1 = np.where(all_hold0, False, pick1)
    elif rule == "payoff_dominant":
        zero, one = np.zeros(h0.shape), np.ones(h0.shape)
        VI0, VU0, _, _ = g.values(s0, zero, h0)
        VI1, VU1, _, _ = g.values(s1, one, h1)
        u0, u1 = (g.mu * VU0).sum(axis=0), (g.mu * VU1).sum(axis=0)
        ge = (u1 >= u0 - tol(u0, u1)) & np.all(VI1 >= VI0 - tol(VI0, VI1), axis=0)
        le = (u0 >= u1 - tol(u0, u1)) & np.all(VI0 >= VI1 - tol(VI0, VI1), axis=0)
        dom1 = both & ge & ~le
        dom0 = both & le & ~ge
        pick1 = np.where(dom1, True, np.where(dom0, False, pick1))
    return pick1


def _mixed(g: _Game, shape: tuple[int, ...], where: np.ndarray, steps: int = 40):
    """U's mixed action where neither pure action is an equilibrium: the q at which its
    gain from attacking changes sign (it is positive at q = 0 and negative at q = 1)."""
    lo, hi = np.zeros(shape), np.ones(shape)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        s, h, _ = g.responses(mid, shape)
        G, _ = g.u_gain(s, h)
        up = G > 0.0
        lo, hi = np.where(up & where, mid, lo), np.where(~up & where, mid, hi)
    q = 0.5 * (lo + hi)
    s, h, _ = g.responses(q, shape)
    return q, s, h
