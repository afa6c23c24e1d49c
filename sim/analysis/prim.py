"""PRIM, the patient rule induction method: boxes of inputs where an outcome is common.

::

    boxes = find_boxes(x, y, max_boxes=3)     # x: (n, d) inputs, y: (n,) outcome in [0, 1]
    boxes[0].low, boxes[0].high               # the first box's limits, one per column
    boxes[0].coverage, boxes[0].density, boxes[0].mass
    boxes[0].trajectory                       # every box tried on the way, with its statistics

PRIM (Friedman and Fisher 1999, "Bump hunting in high-dimensional data", Statistics and
Computing 9: 123-143) grows no tree: it starts from the box that holds every point and
**peels** it, one small slice at a time, always taking off the slice (a share
``peel_alpha`` of the points in the box, from the low or the high end of one input) that
raises the mean of the outcome in the box most per point removed; it stops when the box
would hold less than ``mass_min`` of all points. It then **pastes** back slices that raise
the mean again. Scenario discovery (Bryant and Lempert 2010, "Thinking inside the box",
Technological Forecasting and Social Change 77: 34-49) reads the result through three
statistics of a box:

* **coverage**: the share of all the cases of interest that fall in the box;
* **density**: the share of the points in the box that are cases of interest;
* **mass**: the share of all points that fall in the box.

The boxes visited form the **peeling trajectory**, a trade-off between coverage and
density; :func:`choose` picks one box on it (see there for the rule: the largest weighted
relative accuracy). Further boxes are
found the same way after the points of the chosen boxes are set aside (sequential
covering), so box 2's statistics count only the points outside box 1.

The outcome ``y`` may be a 0/1 flag (a case of interest or not) or a probability per point:
coverage and density are then *expected* shares (the sum of ``y`` in the box over the sum
of all ``y``, and its mean in the box), which for a 0/1 flag is the count.

Why a module of our own. The maintained implementation is ema-workbench's ``prim.Prim``;
its 2.5 series installs on Python 3.11, but it imports matplotlib, pyplot and seaborn at
module level (the analysis layer must never import plotting), takes five seconds to import,
and brings scikit-learn, statsmodels, seaborn and platypus-opt. So this module follows
ema-workbench's algorithm exactly: its LENIENT1 objective (gain of mean per point removed,
ties broken by fewer restricted inputs, then candidate order), its quantile with ties
(taken from sdtoolkit), its peel and paste rules; and ``benchmarks/prim_vs_ema.py`` runs
both on the same data and compares the trajectories step by step. Every input is treated
as a real number, as ema-workbench treats float columns (a belief sampled from a
``choice`` peels at the midpoint between two of its values).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Box", "Step", "choose", "find_boxes", "peel_and_paste", "prune", "quantile", "wracc"]


@dataclass(frozen=True)
class Step:
    """One box on a peeling trajectory and its statistics.

    Attributes
    ----------
    low, high
        The box's limits, one per input column (inclusive); an input is *restricted* when
        a limit differs from the range of all points.
    coverage, density, mass
        See the module docstring.
    restricted
        How many inputs the box restricts.
    n
        Points in the box.
    """

    low: np.ndarray
    high: np.ndarray
    coverage: float
    density: float
    mass: float
    restricted: int
    n: int


@dataclass
class Box:
    """A box found by :func:`find_boxes`: a step of its trajectory, pruned (:func:`prune`).

    Attributes
    ----------
    trajectory
        Every box visited while peeling and pasting, in order; ``trajectory[0]`` holds
        every point still in play.
    chosen
        The index of the chosen step in ``trajectory`` (:func:`choose`).
    step
        The box reported: the chosen step without the restrictions that add little.
    inside
        Boolean mask over all points: the points counted in this box (those in its limits
        that no earlier box holds).
    """

    trajectory: list[Step]
    chosen: int
    step: Step
    inside: np.ndarray = field(repr=False)

    low = property(lambda self: self.step.low, doc="The reported box's lower limits.")
    high = property(lambda self: self.step.high, doc="The reported box's upper limits.")
    coverage = property(lambda self: self.step.coverage, doc="The reported box's coverage.")
    density = property(lambda self: self.step.density, doc="The reported box's density.")
    mass = property(lambda self: self.step.mass, doc="The reported box's mass.")
    restricted = property(lambda self: self.step.restricted, doc="Inputs it restricts.")
    n = property(lambda self: self.step.n, doc="Points in the reported box.")


def quantile(values: np.ndarray, q: float) -> float:
    """The peeling quantile of ema-workbench (after sdtoolkit): never a value that ties.

    The ``q`` quantile between two order statistics; when they are equal, the walk goes
    outward (down for ``q > 0.5``, up otherwise) to the next distinct value and returns the
    midpoint, so a peel at the result removes at least one point whenever the values are
    not all equal.
    """
    if not 0.0 < q < 1.0:
        raise ValueError(f"quantile must be in (0, 1), got {q}")
    return _sorted_quantile(np.sort(np.asarray(values, dtype=float)), q)


def _sorted_quantile(data: np.ndarray, q: float) -> float:
    """:func:`quantile` of values already sorted."""
    i = (len(data) - 1) * q
    lo, hi = int(math.floor(i)), int(math.ceil(i))
    if q > 0.5:
        while data[lo] == data[hi] and lo > 0:
            lo -= 1
    else:
        while data[lo] == data[hi] and hi < len(data) - 1:
            hi += 1
    return float((data[lo] + data[hi]) / 2)


class _Search:
    """The state of one box search: the points in play and the statistics of a box."""

    def __init__(self, x, y, active, peel_alpha, paste_alpha, mass_min):
        self.x, self.y, self.active = x, y, active
        self.peel_alpha, self.paste_alpha, self.mass_min = peel_alpha, paste_alpha, mass_min
        self.n = len(y)
        self.total = float(y.sum())
        self.init_low, self.init_high = x.min(axis=0), x.max(axis=0)  # over all points

    def restricted(self, low, high) -> int:
        return int(np.sum((low != self.init_low) | (high != self.init_high)))

    def step(self, low, high, idx) -> Step:
        yi = self.y[idx]
        s = float(yi.sum())
        return Step(
            low=low.copy(),
            high=high.copy(),
            coverage=s / self.total if self.total > 0 else 0.0,
            density=s / len(idx) if len(idx) else 0.0,
            mass=len(idx) / self.n,
            restricted=self.restricted(low, high),
            n=len(idx),
        )

    def objective(self, old_idx, new_idx) -> float:
        """LENIENT1: the change of the mean per point removed (or added)."""
        mean_old = float(np.mean(self.y[old_idx]))
        mean_new = float(np.mean(self.y[new_idx])) if len(new_idx) else 0.0
        if mean_old == mean_new or len(old_idx) == len(new_idx):
            return 0.0
        return (mean_new - mean_old) / abs(len(old_idx) - len(new_idx))

    def best(self, candidates, old_idx):
        """The best candidate (low, high, idx): objective, then fewer restrictions, then order."""
        d = self.x.shape[1]
        best, best_key = None, None
        for low, high, idx in candidates:
            key = (self.objective(old_idx, idx), d - self.restricted(low, high))
            if best_key is None or key > best_key:
                best, best_key = (low, high, idx), key
        return best, best_key[0] if best_key else 0.0

    def peels(self, low, high, idx):
        """Per input, the box without its top, then without its bottom ``peel_alpha``."""
        xb = self.x[idx]
        for j in range(self.x.shape[1]):
            col = xb[:, j]
            ordered = np.sort(col)
            q_hi = _sorted_quantile(ordered, 1 - self.peel_alpha)
            h = high.copy()
            h[j] = q_hi
            yield low, h, idx[col <= q_hi]
            q_lo = _sorted_quantile(ordered, self.peel_alpha)
            lo = low.copy()
            lo[j] = q_lo
            yield lo, high, idx[col >= q_lo]

    def pastes(self, low, high):
        """Per restricted input, the box widened below, then above, by ``paste_alpha``."""
        pool = np.flatnonzero(self.active)
        res = np.flatnonzero((low != self.init_low) | (high != self.init_high))
        xr = self.x[np.ix_(pool, res)]
        within = (xr >= low[res]) & (xr <= high[res])  # (points, restricted inputs)
        count = within.sum(axis=1)
        for k, j in enumerate(res):
            col = xr[:, k]
            others = (count - within[:, k]) == len(res) - 1  # in the box on the other inputs
            for side in ("lower", "upper"):
                new_low, new_high = low.copy(), high.copy()
                if side == "lower":
                    data = col[others & (col <= low[j])]
                    new_low[j] = quantile(data, 1 - self.paste_alpha) if len(data) else low[j]
                else:
                    data = col[others & (col >= high[j])]
                    new_high[j] = quantile(data, self.paste_alpha) if len(data) else high[j]
                inside = others & (col >= new_low[j]) & (col <= new_high[j])
                yield new_low, new_high, pool[inside]


def peel_and_paste(
    x: np.ndarray,
    y: np.ndarray,
    active: np.ndarray,
    *,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> list[Step]:
    """The peeling and pasting trajectory of one box over the points where ``active``.

    Statistics count every point (mass is a share of all ``len(y)`` points, coverage of
    the sum of all ``y``); limits start from the range of all points. See the module
    docstring.
    """
    s = _Search(x, y, active, peel_alpha, paste_alpha, mass_min)
    low, high = s.init_low.copy(), s.init_high.copy()
    idx = np.flatnonzero(active)
    steps = [s.step(low, high, idx)]
    while True:  # peel
        (c_low, c_high, c_idx), obj = s.best(s.peels(low, high, idx), idx)
        mass_new = len(c_idx) / s.n
        if not (mass_new >= mass_min and len(c_idx) < len(idx) and obj > 0):
            break
        low, high, idx = c_low, c_high, c_idx
        steps.append(s.step(low, high, idx))
    while s.restricted(low, high):  # paste
        (c_low, c_high, c_idx), obj = s.best(s.pastes(low, high), idx)
        gain = len(c_idx) and np.mean(y[c_idx]) > np.mean(y[idx])
        if not (len(c_idx) / s.n >= mass_min and len(c_idx) > len(idx) and obj > 0 and gain):
            break
        low, high, idx = c_low, c_high, c_idx
        steps.append(s.step(low, high, idx))
    return steps


def choose(trajectory: list[Step], max_restricted: int = 3, min_lift: float = 0.0) -> int:
    """The index of the box to report: the largest lift over the points, restricting few inputs.

    Among the steps that restrict at least one and at most ``max_restricted`` inputs and
    whose density exceeds ``base`` by at least ``min_lift``, the one with the largest
    *weighted relative accuracy* ``mass * (density - base)``, where ``base`` is the
    density of ``trajectory[0]`` (the points in play); 0 if there is none. (Taking the
    best step first and testing its lift after misses a clear box whenever a larger box
    of small lift scores higher: for a common outcome the best-scoring step is often one
    that hardly restricts anything.)
    Weighted relative accuracy is the standard quality of a rule in subgroup discovery
    (Lavrač, Flach and Zupan 1999, "Rule evaluation measures: a unifying view", ILP-99):
    the cases of interest a box holds beyond what a box of its size would hold by chance.
    It is largest at a planted box, smaller for a box that also holds points outside it
    (less density) and for one inside it (less mass).

    A judgement: scenario discovery leaves the choice to the analyst, who reads the
    trade-off between coverage and density (ema-workbench's ``inspect_tradeoff``); an
    automatic rule is needed to write a finding down, and every step of the trajectory is
    kept so that another can be read. The alternatives were the last (densest) box, which
    holds only ``mass_min`` of the points; coverage × density, which for a common outcome
    picks a box hardly smaller than all the points; or a density threshold, which needs a
    number per question. The cap on restricted inputs keeps the finding a sentence a
    reader can hold in mind.
    """
    base = trajectory[0].density
    best, best_score = 0, 0.0
    for i, st in enumerate(trajectory):
        if 1 <= st.restricted <= max_restricted and st.density >= base + min_lift:
            score = wracc(st, base)
            if score > best_score:
                best, best_score = i, score
    return best


def wracc(step: Step, base: float) -> float:
    """Weighted relative accuracy of a box: ``mass * (density - base)`` (:func:`choose`)."""
    return step.mass * (step.density - base)


def prune(
    x: np.ndarray,
    y: np.ndarray,
    active: np.ndarray,
    step: Step,
    base: float,
    keep: float = 0.95,
    most: int | None = None,
) -> Step:
    """The box ``step`` without the restrictions that add little to it.

    Restrictions are lifted one at a time, each time the one whose removal costs least,
    for as long as the box keeps at least ``keep`` of the weighted relative accuracy of
    ``step`` (over the points where ``active``, against ``base``). Peeling takes thin
    slices greedily, and late in a trajectory a slice off an input that hardly matters
    (the top 5% of a discount factor) can still be the best peel; a finding that names it
    would send a reader after a belief that does not matter. A judgement, after
    ema-workbench's ``drop_restriction``, which leaves the dropping to the analyst; the
    alternative, a significance test per restriction (its quasi-p-values), passes almost
    every slice at thousands of draws.

    With ``most``, restrictions are also lifted, the least costly first, until at most
    ``most`` remain, whatever that costs (:func:`find_boxes` checks the lift after).
    """
    s = _Search(x, y, active, 0.05, 0.05, 0.0)
    floor = keep * wracc(step, base)
    low, high = step.low.copy(), step.high.copy()
    pool = np.flatnonzero(active)

    def lifted(j):
        lo, hi = low.copy(), high.copy()
        lo[j], hi[j] = s.init_low[j], s.init_high[j]
        idx = pool[np.all((x[pool] >= lo) & (x[pool] <= hi), axis=1)]
        return s.step(lo, hi, idx)

    current = step
    while current.restricted > 1:
        res = np.flatnonzero((low != s.init_low) | (high != s.init_high))
        best = max((lifted(j) for j in res), key=lambda st: wracc(st, base))
        if wracc(best, base) < floor and (most is None or current.restricted <= most):
            break
        current, low, high = best, best.low.copy(), best.high.copy()
    return current


def find_boxes(
    x: np.ndarray,
    y: np.ndarray,
    *,
    max_boxes: int = 3,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    max_restricted: int = 3,
    min_lift: float = 0.05,
) -> list[Box]:
    """Up to ``max_boxes`` boxes where ``y`` is high, by sequential covering.

    Parameters
    ----------
    x
        Inputs, shape (n, d), finite.
    y
        Outcome per point in [0, 1]: a 0/1 flag or a probability (see the module docstring).
    max_boxes
        Most boxes to find.
    peel_alpha, paste_alpha, mass_min
        PRIM's settings (ema-workbench's defaults).
    max_restricted
        Most inputs a reported box may restrict (:func:`choose`).
    min_lift
        A box is reported only if its density exceeds the mean of ``y`` over the points
        still in play by at least this much; the search stops at the first box that does
        not (nothing more to find), and when the points left hold less than ``mass_min``
        of all.

    Returns
    -------
    list of Box
        In the order found; each box's ``inside`` excludes the points of earlier boxes.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"x must be (n, d) and y (n,), got {x.shape} and {y.shape}")
    if len(y) == 0 or not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("x and y must be finite and not empty")
    active = np.ones(len(y), dtype=bool)
    boxes: list[Box] = []
    while len(boxes) < max_boxes and active.mean() >= mass_min:
        trajectory = peel_and_paste(
            x, y, active, peel_alpha=peel_alpha, paste_alpha=paste_alpha, mass_min=mass_min
        )
        base = trajectory[0].density
        chosen = choose(trajectory, max_restricted, min_lift)
        if chosen == 0:
            # No step of few restrictions lifts the density enough: with many inputs that
            # each matter a little, greedy peeling spreads its slices over them. Take the
            # best step of any size that does, cut down to its most useful restrictions,
            # and report it if it still lifts the density enough (a judgement; the
            # alternative, reporting nothing, hides the clearest pattern there is).
            chosen = choose(trajectory, len(trajectory[0].low), min_lift)
            if chosen == 0:
                break
            st = prune(x, y, active, trajectory[chosen], base, most=max_restricted)
            if st.density < base + min_lift or st.mass < mass_min:
                break
        else:
            st = prune(x, y, active, trajectory[chosen], base)
        inside = active & np.all((x >= st.low) & (x <= st.high), axis=1)
        boxes.append(Box(trajectory, chosen, st, inside))
        active = active & ~inside
    return boxes
