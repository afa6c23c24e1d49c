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

import itertools
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


def _gather(table: Table, mask: np.ndarray | int) -> np.ndarray:
    """The hold payoff of each cell at its continuation mask (one mask for all cells if
    ``mask`` is an int, as for a candidate profile, which plays the same everywhere)."""
    if isinstance(mask, int):
        return table[mask]
    keys = sorted(table)
    out = table[keys[-1]].copy()
    for key in keys[:-1]:
        np.copyto(out, table[key], where=mask == key)
    return out


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

    def responses(self, q: np.ndarray, shape: tuple[int, ...]):
        """The types' best responses to U's attack probability q, their holders and gains.

        A type's hold payoff depends on which other types hold (they make the continuation
        mask), so the responses are a fixed point: every one of the 2**k profiles is
        checked, and the consistent one with the most types holding is taken (ties: the
        earlier types hold). Where no profile is consistent (the types' best responses
        cycle, and an exact equilibrium would need a type to mix, which would make U's
        belief a continuous state), the profile with the smallest largest gain from a
        deviation is taken: an epsilon-equilibrium, a documented approximation whose
        frequency the tests report.
        """
        k = len(self.ts)
        N, own, other = self.war_I
        best_sigma = np.zeros((k, *shape))
        best_gain = np.zeros((k, *shape))
        best_regret = np.full(shape, np.inf)
        for prof in sorted(itertools.product((0, 1), repeat=k), key=lambda p: (sum(p), p)):
            holders = sum(1 << t for j, t in enumerate(self.ts) if prof[j] == 0)
            gain = np.zeros((k, *shape))
            regret = np.zeros(shape)
            for j, t in enumerate(self.ts):
                H = _gather(self.hold_I[j], holders | (1 << t))
                gain[j] = (1.0 - q) * (own[j] - H) + q * (N[j] - other[j])
                # what type j would gain by doing the other thing, beyond the tolerance
                miss = (gain[j] if prof[j] == 0 else -gain[j]) - tol(own[j], H, N[j], other[j])
                regret = np.maximum(regret, miss)
            better = np.maximum(regret, 0.0) < best_regret
            best_sigma[:, better] = np.array(prof, dtype=float)[:, None]
            best_gain[:, better] = gain[:, better]
            best_regret = np.where(better, np.maximum(regret, 0.0), best_regret)
        return best_sigma, self._holders(best_sigma), best_gain

    def _holders(self, sigma: np.ndarray) -> np.ndarray:
        attackers = sum((sigma[j] > 0).astype(np.int64) << t for j, t in enumerate(self.ts))
        return self.full - attackers

    def u_gain(self, sigma, holders, prof=None) -> tuple[np.ndarray, np.ndarray]:
        """U's expected gain from attacking rather than holding, and its tolerance.

        With ``prof`` (a pure profile the same in every cell, ``holders`` then its int
        mask) the types' actions are known, and each type's term is taken directly."""
        N, other_first, own_first = self.war_U  # U's values: neutral, type first, U first
        shape = self.mu.shape[1:]
        g = np.zeros(shape)
        scale = np.ones(shape)
        for j, t in enumerate(self.ts):
            H = _gather(self.hold_U[j], holders | (1 << t))
            if prof is None:
                against = np.where(sigma[j] > 0, N[j] - other_first[j], own_first[j] - H)
            else:
                against = N[j] - other_first[j] if prof[j] else own_first[j] - H
            g = g + self.mu[j] * against
            scale = np.maximum(scale, np.maximum(np.abs(H), np.abs(own_first[j])))
        return g, 1e-9 * scale

    def values(self, sigma, q, holders) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each type's and U's payoffs at the profile, and who gains by attacking a holder."""
        NI, ownI, otherI = self.war_I
        NU, typeU, firstU = self.war_U
        shape = self.mu.shape[1:]
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
    cands = _candidates(g, shape)
    pick, valid = _select(rule, g, cands, shape)
    rows = [c[0] for c in cands]  # sigma of each candidate
    sigma = np.choose(pick[None], rows)  # at most 2 * 2**3 = 16 candidates
    q = np.choose(pick, [c[1] for c in cands])
    neither = np.asarray(~valid.any(axis=0))
    if neither.any():
        qm, sm, _ = _mixed(g, shape, neither)
        q = np.where(neither, qm, q)
        sigma = np.where(neither[None], sm, sigma)
    holders = g._holders(sigma)
    V_I, V_U, dev_I, dev_U = g.values(sigma, q, holders)
    return BayesPlay(sigma, q, holders, V_I, V_U, dev_I, dev_U)


def _candidates(g: _Game, shape: tuple[int, ...]) -> list[tuple]:
    """Every pure profile (types' actions, U's action), in the order ties are broken:
    U holding first, then fewer types attacking. Each with the types' gains from
    attacking, whether the types' actions are best responses, and U's gain.

    A type's gain and tolerance depend only on U's action and the continuation mask, so
    each is computed once and shared by the profiles that have it."""
    k = len(g.ts)
    N, own, other = g.war_I
    out = []
    hold: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}  # (j, mask) -> own - H, tol
    gains: dict[tuple[float, int, int], np.ndarray] = {}
    fight = [N[j] - other[j] for j in range(k)]
    for qv in (0.0, 1.0):
        for prof in sorted(itertools.product((0, 1), repeat=k), key=lambda p: (sum(p), p)):
            sigma = np.broadcast_to(
                np.array(prof, dtype=float).reshape(k, *[1] * len(shape)), (k, *shape)
            )
            holders = g.full - sum(1 << t for j, t in enumerate(g.ts) if prof[j])
            gain = np.zeros((k, *shape))
            ok = np.ones(shape, dtype=bool)
            for j, t in enumerate(g.ts):
                mask = holders | (1 << t)
                if (j, mask) not in hold:
                    H = _gather(g.hold_I[j], mask)
                    hold[j, mask] = (own[j] - H, tol(own[j], H, N[j], other[j]))
                if (qv, j, mask) not in gains:
                    gains[qv, j, mask] = (1.0 - qv) * hold[j, mask][0] + qv * fight[j]
                gain[j] = gains[qv, j, mask]
                attacks = gain[j] > hold[j, mask][1]
                ok &= attacks == bool(prof[j])
            G, tG = g.u_gain(sigma, holders, prof)
            ok &= (G <= tG) if qv == 0.0 else (G >= -tG)
            out.append((sigma, np.full(shape, qv), gain, G, ok, sum(prof) == 0 and qv == 0.0))
    return out


def _select(rule: str, g: _Game, cands: list[tuple], shape) -> tuple[np.ndarray, np.ndarray]:
    """The index of the selected pure candidate per cell, and which candidates are valid."""
    valid = np.stack([c[4] for c in cands])
    # risk: U's deviation loss times the belief-weighted deviation losses of the types
    risk = np.stack([np.abs(c[3]) * (g.mu * np.abs(c[2])).sum(axis=0) for c in cands])
    risk = np.where(valid, risk, -np.inf)
    pick = np.zeros(shape, dtype=np.int64)
    best = np.full(shape, -np.inf)
    for i in range(len(cands)):  # the first of equal products wins (toward peace)
        better = risk[i] > best * (1.0 + 1e-12) + 1e-300 if i else valid[i]
        better &= valid[i]
        pick = np.where(better, i, pick)
        best = np.where(better, risk[i], best)
    if rule == "peaceful":
        peace = next(i for i, c in enumerate(cands) if c[5])
        pick = np.where(valid[peace], peace, pick)
    elif rule == "payoff_dominant":
        pay = [g.values(c[0], c[1], g.full - _attackers(g, c[0]))[:2] for c in cands]
        u = [(g.mu * vu).sum(axis=0) for _, vu in pay]
        for i in range(len(cands)):
            dominates = valid[i].copy()
            for j in range(len(cands)):
                if j == i:
                    continue
                ge = (u[i] >= u[j] - tol(u[i], u[j])) & np.all(
                    pay[i][0] >= pay[j][0] - tol(pay[i][0], pay[j][0]), axis=0
                )
                gt = (u[i] > u[j] + tol(u[i], u[j])) | np.any(
                    pay[i][0] > pay[j][0] + tol(pay[i][0], pay[j][0]), axis=0
                )
                dominates &= ~valid[j] | (ge & gt)
            pick = np.where(dominates, i, pick)
    return pick, valid


def _attackers(g: _Game, sigma: np.ndarray) -> int:
    """The int mask of the types that attack in a candidate (a profile the same everywhere)."""
    return sum(1 << t for j, t in enumerate(g.ts) if sigma[j].flat[0] > 0)


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
