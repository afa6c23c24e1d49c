"""Bargains over objects that move power: the counterfactual split changes the balance.

Powell's condition asks whether some split of the stake at t gives the other side at
least its war value next period, so that it would not attack. When regions carry
effects (a forward base's war bonus, an industry that raises its holder's ceiling or
rebuild rate), that war value depends on the split itself: giving a side more of such
a region makes it stronger next period, so it can demand more (Fearon 1996, "Bargaining
over Objects that Influence Future Bargaining Power"; Powell 2006, section 3). This
module computes, for a split along the value frontier, each side's war values next
period with the capacities, ceilings, rebuild rates and bonuses that the split gives
its holders.

Approximations, each a judgement: the counterfactual applies to the draw's current
event state (the change it makes is added to the expected next-period war value, which
averages over the event states the draw may move to); and splits are searched along
the value frontier (regions given in the order of the other side's value per unit of
one's own, :class:`sim.model.causes.Frontier`), the splits that Powell's and Fearon's
arguments consider; a split off that path that trades value for less power is not
searched. In one region every split is on the path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from sim.model.inputs import Inputs
from sim.model.params import EFFECTS

__all__ = ["SplitWars"]


@dataclass
class _Cells:
    """Per-cell inputs of the counterfactual, flattened over the cells asked for."""

    log_k: tuple[np.ndarray, np.ndarray]  # log K_i(t) under the terms
    ceiling: tuple[np.ndarray, np.ndarray]
    rate: tuple[np.ndarray, np.ndarray]
    gamma: np.ndarray
    log_fs: np.ndarray
    ubar: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    cost: tuple[np.ndarray, np.ndarray]

    def take(self, rows: np.ndarray, column: bool = False) -> _Cells:
        """The same inputs at a subset of the cells (as a column (cells, 1) if asked, to
        broadcast against several splits per cell)."""

        def f(x: np.ndarray) -> np.ndarray:
            return x[rows, None] if column else x[rows]

        return _Cells(
            log_k=(f(self.log_k[0]), f(self.log_k[1])),
            ceiling=(f(self.ceiling[0]), f(self.ceiling[1])),
            rate=(f(self.rate[0]), f(self.rate[1])),
            gamma=f(self.gamma),
            log_fs=f(self.log_fs),
            ubar=tuple((f(u[0]), f(u[1])) for u in self.ubar),  # type: ignore[arg-type]
            cost=(f(self.cost[0]), f(self.cost[1])),
        )


class SplitWars:
    """War values next period under a counterfactual split, for one period t.

    Parameters
    ----------
    m
        The chunk's inputs.
    t
        The period whose bargains are tested (the war values are those of t+1).
    """

    def __init__(self, m: Inputs, t: int) -> None:
        self.m, self.t = m, t
        self.log_k = (m.log_capacity(0, t), m.log_capacity(1, t))

    def cells(self, idx: np.ndarray) -> _Cells:
        """The inputs of the flat cells ``idx`` of the (draws x states) grid."""
        m = self.m

        def flat(a: np.ndarray) -> np.ndarray:
            return a.reshape(-1)[idx]

        return _Cells(
            log_k=(flat(self.log_k[0]), flat(self.log_k[1])),
            ceiling=(flat(m.ceiling[0]), flat(m.ceiling[1])),
            rate=(flat(m.rate[0]), flat(m.rate[1])),
            gamma=flat(m.gamma),
            log_fs=flat(m.log_fs),
            ubar=tuple((flat(m.Ubar[i][0]), flat(m.Ubar[i][1])) for i in (0, 1)),  # type: ignore[arg-type]
            cost=(flat(m.cost[0]), flat(m.cost[1])),
        )

    @staticmethod
    def wars(c: _Cells, held: tuple[dict[str, np.ndarray], dict[str, np.ndarray]]) -> dict:
        """War values next period when each side holds the effect sums ``held[i][key]``.

        Returns ``{"N": (W_A, W_B), "Af": ..., "Bf": ...}`` over the cells: neutral, A
        strikes first, B strikes first.
        """
        strength = []
        for i in (0, 1):
            e = held[i]
            log_kmax = np.log(
                np.maximum(c.ceiling[i] * np.maximum(1.0 + e["ceiling"], 1e-300), 1e-300)
            )
            g = np.clip(c.rate[i] + e["growth"], 0.0, 1.0)
            with np.errstate(divide="ignore"):  # g = 0 or 1: log 0 is exact here
                log_next = np.logaddexp(c.log_k[i] + np.log1p(-g), log_kmax + np.log(g))
            strength.append(log_next + np.log(np.maximum(1.0 + e["power"], 1e-300)))
        d = strength[0] - strength[1]
        with np.errstate(over="ignore"):
            p = {
                "N": expit(c.gamma * d),
                "Af": expit(c.gamma * (d + c.log_fs)),
                "Bf": expit(c.gamma * (d - c.log_fs)),
            }
        return {
            key: tuple(pk * c.ubar[i][0] + (1 - pk) * c.ubar[i][1] - c.cost[i] for i in (0, 1))
            for key, pk in p.items()
        }

    def terms_held(self, idx: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Each side's effect sums under the terms, at the cells ``idx``."""
        held = self.m.terms_effects
        return tuple({k: v.reshape(-1)[idx] for k, v in held[i].items()} for i in (0, 1))  # type: ignore[return-value]

    def along(
        self, cum: list[dict[str, np.ndarray]], theta: np.ndarray, me: int
    ) -> tuple[dict, dict]:
        """Effect sums (A's, B's) when ``me`` has given the other side the first ``theta``
        regions of its frontier (a fraction of region floor(theta)); ``cum[i][key]`` are
        the frontier's cumulative sums (cells, R+1) of actor i's effects at those cells."""
        other = 1 - me
        R = cum[me][EFFECTS[0]].shape[1] - 1
        k = np.minimum(np.floor(theta).astype(np.int64), R - 1)
        frac = theta - k
        rows = np.arange(theta.size)
        held: list[dict[str, np.ndarray]] = [{}, {}]
        for key in EFFECTS:
            cm, co = cum[me][key], cum[other][key]
            given_m = cm[rows, k] + frac * (cm[rows, k + 1] - cm[rows, k])
            held[me][key] = cm[:, R] - given_m  # me keeps what it has not given
            held[other][key] = co[rows, k] + frac * (co[rows, k + 1] - co[rows, k])
        return held[0], held[1]
