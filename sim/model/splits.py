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

How it is computed (a judgement about speed, measured in ``benchmarks/run.py``). The
test runs for both sides at once, in *rows*: one per (side, cell), in the coordinates of
the side that tests (``me``) and the other side (:class:`Rows`). A split's strength

    s = logaddexp(log K(t) + log(1 - g), log Kmax + log g) + log(1 + power bonus)

has every piece but log K(t) fixed in time, so at the whole-region splits (the R + 1
corners of the frontier) those pieces are taken once per chunk for every cell
(:class:`StrengthTable`) and each period only adds log K(t). Every value is the same
expression, on the same numbers, as a direct evaluation, so the answers are the same to
the bit (the tests and ``benchmarks/fingerprint.py`` check it).

Fused compiled kernels (numba) are the alternative, measured in
``benchmarks/transcendentals.py``. ``logaddexp`` and ``expit`` already call the C
library's ``exp`` and ``log1p``, so a kernel can reproduce them bit for bit (checked with
numba 0.68), but not faster: their cost per element is the C library's. numpy's own
``exp``, ``log`` and ``log1p`` are vectorised (AVX-512 on the project's machine) and
differ from the C library's in 4.6%, 0.1% and 7.4% of arguments, so a kernel must take
them from numpy to keep every answer. What a kernel could save is the rest (temporaries,
gathers, Python per period): most of a flagship draw, against about 15% for the
transcendental functions (0.54 ms a draw on a quiet machine). Not done yet: it is the
next step for speed, with this module's expressions as the reference; no kernel that
keeps every answer can go below that floor (which ``benchmarks/transcendentals.py``
prints).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from scipy.special import expit

from sim.model.inputs import Inputs
from sim.model.params import EFFECTS

__all__ = ["Rows", "SplitWars", "StrengthTable", "strength"]


def strength(log_k, ceiling, rate, e: dict[str, np.ndarray]) -> np.ndarray:
    """log of a side's war strength next period when it holds the effect sums ``e``.

    ``log_k`` is log K(t) under the terms; ``ceiling`` and ``rate`` its own (before
    effects). The next capacity is K(t) (1 - g) + Kmax g, in logs.
    """
    log_kmax = np.log(np.maximum(ceiling * np.maximum(1.0 + e["ceiling"], 1e-300), 1e-300))
    g = np.clip(rate + e["growth"], 0.0, 1.0)
    with np.errstate(divide="ignore"):  # g = 0 or 1: log 0 is exact here
        log_next = np.logaddexp(log_k + np.log1p(-g), log_kmax + np.log(g))
    return log_next + np.log(np.maximum(1.0 + e["power"], 1e-300))


class StrengthTable:
    """The time-invariant pieces of both sides' strengths at every whole-region split.

    For the frontiers of both sides (A's test first, then B's) and every flat cell
    (draws x states), columns 0..R (regions given away in the frontier's order),
    :attr:`packed` (2 cells, 8, R+1) holds ``l1 = log(1 - g)`` (planes 0, 1: the testing
    side's, the other's), ``l2 = log Kmax + log g`` (2, 3) and ``lb = log(1 + power bonus)``
    (4, 5), then the frontier's cumulative values given (6) and kept (7), so that
    :func:`strength` at t is ``logaddexp(log K(t) + l1, l2) + lb`` and one gather fetches
    everything a row needs. :attr:`effects` (one array per frontier: cells, 2 x
    len(EFFECTS), R+1) holds the cumulative effect sums along each frontier (the testing
    side's, then the other's), taken once per chunk instead of once per period.
    """

    def __init__(self, m: Inputs, frontiers: tuple) -> None:
        planes, self.effects = [], []
        for me, frontier in enumerate(frontiers):
            other = 1 - me
            cum = {i: {k: frontier.effects(m.eff[i][k]) for k in EFFECTS} for i in (0, 1)}
            # the cumulative effect sums along the frontier, mine then the other's (cells,
            # 2 x len(EFFECTS), R+1): what the refinement of a bracket reads per row
            self.effects.append(np.stack([cum[i][k] for i in (me, other) for k in EFFECTS], 1))
            R = frontier.vo.shape[-1]
            held = {
                me: {k: cum[me][k][:, R:] - cum[me][k] for k in EFFECTS},  # me keeps the rest
                other: cum[other],
            }
            parts = []
            for i in (me, other):
                e = held[i]
                ceiling = m.ceiling[i].reshape(-1, 1)
                rate = m.rate[i].reshape(-1, 1)
                log_kmax = np.log(
                    np.maximum(ceiling * np.maximum(1.0 + e["ceiling"], 1e-300), 1e-300)
                )
                g = np.clip(rate + e["growth"], 0.0, 1.0)
                with np.errstate(divide="ignore"):
                    decay, target = np.log1p(-g), log_kmax + np.log(g)
                parts.append((decay, target, np.log(np.maximum(1.0 + e["power"], 1e-300))))
            planes.append(
                np.stack(
                    [p[j] for j in range(3) for p in parts] + [frontier.cum_o, frontier.cum_m],
                    axis=1,
                )
            )
        self.cells = planes[0].shape[0]
        self.packed = np.concatenate(planes)

    def rows(self, cells: np.ndarray) -> np.ndarray:
        """(2 cells, 8, R+1): A's tests at the flat cells, then B's."""
        return self.packed[np.concatenate([cells, self.cells + cells])]


@dataclass
class Rows:
    """Per-row inputs of the counterfactual: one row per (testing side, cell).

    Pairs are (``me``, other); ``sign`` is +1 where ``me`` is A and -1 where it is B,
    so that ``sign * (s_me - s_other)`` is log a_A - log a_B exactly; ``fs`` is the
    signed log first-strike bonus of the *other* side striking first.
    """

    log_k: tuple[np.ndarray, np.ndarray]
    ceiling: tuple[np.ndarray, np.ndarray]
    rate: tuple[np.ndarray, np.ndarray]
    ubar: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    cost: tuple[np.ndarray, np.ndarray]
    terms: tuple[dict[str, np.ndarray], dict[str, np.ndarray]]
    gamma: np.ndarray
    fs: np.ndarray
    sign: np.ndarray

    def take(self, sub: np.ndarray) -> Rows:
        """The same rows at a subset."""

        def f(x):
            if isinstance(x, dict):
                return {k: v[sub] for k, v in x.items()}
            if isinstance(x, tuple):
                return tuple(f(v) for v in x)
            return x[sub]

        return Rows(**{fl.name: f(getattr(self, fl.name)) for fl in fields(self)})

    def wars(self, s_me: np.ndarray, s_other: np.ndarray, column: bool = False):
        """(A's neutral win probability, the other side's war values (it strikes first,
        neutral)) for strengths ``s_me``, ``s_other`` (rows, or rows x splits)."""

        def c(x: np.ndarray) -> np.ndarray:
            return x[:, None] if column else x

        d = c(self.sign) * (s_me - s_other)
        with np.errstate(over="ignore"):
            p_n = expit(c(self.gamma) * d)
            p_f = expit(c(self.gamma) * (d + c(self.fs)))
        u0, u1 = c(self.ubar[1][0]), c(self.ubar[1][1])
        cost = c(self.cost[1])
        return p_n, p_f * u0 + (1 - p_f) * u1 - cost, p_n * u0 + (1 - p_n) * u1 - cost

    def my_war(self, p_n: np.ndarray) -> np.ndarray:
        """The testing side's neutral war value for A's win probability ``p_n`` (rows)."""
        return p_n * self.ubar[0][0] + (1 - p_n) * self.ubar[0][1] - self.cost[0]

    def base(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """War values under the terms: the other's first-strike and neutral, and mine."""
        s = [strength(self.log_k[i], self.ceiling[i], self.rate[i], self.terms[i]) for i in (0, 1)]
        p_n, w_first, w_neutral = self.wars(s[0], s[1])
        return w_first, w_neutral, self.my_war(p_n)

    def along(self, cum: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Strengths (mine, the other's) when ``me`` has given the other side the first
        ``theta`` regions of its frontier (a fraction of region floor(theta)).

        ``cum`` (rows, 2 x len(EFFECTS), R+1) are the frontier's cumulative sums of my
        effects, then the other's (:data:`EFFECTS` order), over the regions given first.
        """
        R = cum.shape[-1] - 1
        E = len(EFFECTS)
        k = np.minimum(np.floor(theta).astype(np.int64), R - 1)
        frac = (theta - k)[:, None]
        rows = np.arange(theta.size)
        ck = cum[rows, :, k]
        given = ck + frac * (cum[rows, :, k + 1] - ck)
        held = given.reshape(-1, 2, E)
        held[:, 0] = cum[:, :E, R] - held[:, 0]  # me keeps what it has not given
        e = {key: held[:, :, i] for i, key in enumerate(EFFECTS)}
        s = strength(self.pairs[0], self.pairs[1], self.pairs[2], e)
        return s[:, 0], s[:, 1]

    @property
    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(log K, ceiling, rate) as (rows, 2) arrays, mine then the other's."""
        kept = self.__dict__.get("_pairs")
        if kept is None:
            kept = tuple(np.stack(x, axis=1) for x in (self.log_k, self.ceiling, self.rate))
            self.__dict__["_pairs"] = kept
        return kept


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

    def rows(self, idx: np.ndarray) -> Rows:
        """The rows of both sides' tests at the flat cells ``idx``: A's first, then B's."""
        m = self.m

        def both(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """(mine, the other's) from A's and B's arrays."""
            a, b = a.reshape(-1)[idx], b.reshape(-1)[idx]
            return np.concatenate([a, b]), np.concatenate([b, a])

        te, ub = m.terms_effects, m.Ubar
        terms = [both(te[0][k], te[1][k]) for k in EFFECTS]
        u = [both(ub[0][w], ub[1][w]) for w in (0, 1)]  # value if A (w = 0) or B wins
        fs = m.log_fs.reshape(-1)[idx]
        ones = np.ones(idx.size)
        return Rows(
            log_k=both(*self.log_k),
            ceiling=both(*m.ceiling),
            rate=both(*m.rate),
            ubar=((u[0][0], u[1][0]), (u[0][1], u[1][1])),
            cost=both(*m.cost),
            terms=tuple({k: terms[j][i] for j, k in enumerate(EFFECTS)} for i in (0, 1)),  # type: ignore[arg-type]
            gamma=both(m.gamma, m.gamma)[0],
            # the other side strikes first: B (d - log fs) in A's rows, A (d + log fs) in B's
            fs=np.concatenate([-fs, fs]),
            sign=np.concatenate([ones, -ones]),
        )
