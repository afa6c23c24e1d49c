"""The Hold/Attack stage game of one period, built for every draw and state at once.

Strategies 0 = Hold, 1 = Attack; A is the row player::

                 B holds            B attacks
      A holds    H_A, H_B           W^{B first}
      A attacks  W^{A first}        W^{neutral}

:func:`play` builds the (n, S, 2, 2) games, applies the selection rule and returns each
side's value and attack probability, and who gains by attacking a side that holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import ModelError
from sim.model.causes import tol

__all__ = ["Played", "expect_next", "gather", "play"]

Pair = Sequence[np.ndarray]


@dataclass(frozen=True)
class Played:
    """The selected equilibrium of every stage game of one period (arrays (n, S)).

    Attributes
    ----------
    V
        (V_A, V_B): each side's payoff of the selected equilibrium.
    sa, sb
        Probability that A (B) attacks.
    dev_a, dev_b
        Whether A (B) gains by attacking a side that holds ((Hold, Hold) is an
        equilibrium iff neither does).
    """

    V: tuple[np.ndarray, np.ndarray]
    sa: np.ndarray
    sb: np.ndarray
    dev_a: np.ndarray
    dev_b: np.ndarray

    @property
    def breakdown(self) -> np.ndarray:
        """Probability that at least one side attacks."""
        return 1.0 - (1.0 - self.sa) * (1.0 - self.sb)


def play(
    select: Callable, rule: str, hold: Pair, wN: Pair, wAf: Pair, wBf: Pair, **rule_args: Any
) -> Played:
    """Build the stage games from the hold and war values, select, and return the outcome.

    ``rule_args`` go to the selection (e.g. the precision of a quantal response).
    """
    A = np.empty(hold[0].shape + (2, 2))
    B = np.empty_like(A)
    A[..., 0, 0], A[..., 0, 1], A[..., 1, 0], A[..., 1, 1] = hold[0], wBf[0], wAf[0], wN[0]
    B[..., 0, 0], B[..., 0, 1], B[..., 1, 0], B[..., 1, 1] = hold[1], wBf[1], wAf[1], wN[1]
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
        raise ModelError(
            "stage-game payoffs are not finite (a discount factor of 1, or values too large "
            "to represent); use discount < 1 and costs/flows below about 1e300"
        )
    sa, sb = select(A, B, rule, **rule_args)
    ha, hb = 1.0 - sa, 1.0 - sb
    va, vb = (
        ha * hb * M[..., 0, 0]
        + ha * sb * M[..., 0, 1]
        + sa * hb * M[..., 1, 0]
        + sa * sb * M[..., 1, 1]
        for M in (A, B)
    )
    dev_a = A[..., 1, 0] > A[..., 0, 0] + tol(A[..., 0, 0], A[..., 1, 0])
    dev_b = B[..., 0, 1] > B[..., 0, 0] + tol(B[..., 0, 0], B[..., 0, 1])
    return Played((va, vb), sa, sb, dev_a, dev_b)


def expect_next(P: np.ndarray, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """E[X(next state) | s] for several X (n, S) in one batched product with P (n, S, S)."""
    if P.shape[1] == 1:
        return list(arrays)
    X = np.stack(arrays, axis=-1)  # (n, S, m)
    Y = np.matmul(P, X)
    return [Y[..., j] for j in range(len(arrays))]


def gather(arr: np.ndarray, state: np.ndarray) -> np.ndarray:
    """``arr`` (n, S) at each draw's state (n,)."""
    return np.take_along_axis(arr, state[:, None], axis=1)[:, 0]
