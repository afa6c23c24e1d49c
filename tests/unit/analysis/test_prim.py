"""PRIM (sim.analysis.prim): a planted box is found; the rules of peeling, pasting, choosing.

The step-by-step agreement with ema-workbench's prim.Prim on the same data is checked by
benchmarks/prim_vs_ema.py (it needs ema-workbench, which is not a dependency).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.prim import choose, find_boxes, peel_and_paste, prune, quantile, wracc

LOW_X0, HIGH_X1 = 0.5, 0.6


def planted(n=5000, seed=3, soft=False):
    """Five uniform inputs; the outcome is likely (0.9) in x0 > 0.5 and x1 < 0.6, else 0.1."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 5))
    inside = (x[:, 0] > LOW_X0) & (x[:, 1] < HIGH_X1)
    p = np.where(inside, 0.9, 0.1)
    y = p if soft else (rng.random(n) < p).astype(float)
    return x, y, inside


@pytest.mark.parametrize("soft", [False, True], ids=["0/1 outcome", "probabilities"])
def test_recovers_a_planted_box(soft):
    x, y, inside = planted(soft=soft)
    truth_coverage = y[inside].sum() / y.sum()
    truth_density = y[inside].mean()
    boxes = find_boxes(x, y)
    box = boxes[0]
    assert abs(box.coverage - truth_coverage) <= 0.05
    assert abs(box.density - truth_density) <= 0.05
    restricted = np.flatnonzero((box.low > x.min(0)) | (box.high < x.max(0)))
    assert list(restricted) == [0, 1]
    assert box.low[0] == pytest.approx(LOW_X0, abs=0.05)
    assert box.high[1] == pytest.approx(HIGH_X1, abs=0.05)
    assert box.high[0] == x[:, 0].max() and box.low[1] == x[:, 1].min()
    # outside the planted box the outcome is flat: nothing more stands out
    assert len(boxes) == 1


def test_statistics_are_counts_for_a_01_outcome():
    x, y, _ = planted()
    box = find_boxes(x, y)[0]
    n_in = box.inside.sum()
    assert box.n == n_in and box.mass == n_in / len(y)
    assert box.density == y[box.inside].mean()
    assert box.coverage == y[box.inside].sum() / y.sum()
    assert np.all(x[box.inside] >= box.low) and np.all(x[box.inside] <= box.high)


def test_quantile_walks_past_ties():
    # sdtoolkit's rule, as ema-workbench: the midpoint between distinct order statistics
    assert quantile(np.array([1.0, 2, 3, 4, 5]), 0.05) == 1.5
    assert quantile(np.array([1.0, 2, 3, 4, 5]), 0.95) == 4.5
    two = np.array([0.5] * 50 + [4.0] * 50)
    assert quantile(two, 0.05) == 2.25 and quantile(two, 0.95) == 2.25
    assert quantile(np.array([7.0, 7, 7]), 0.05) == 7.0
    with pytest.raises(ValueError, match=r"\(0, 1\)"):
        quantile(two, 1.0)


def test_peeling_stops_at_the_minimum_mass_and_pastes_only_gains():
    x, y, _ = planted(n=2000, seed=8)
    steps = peel_and_paste(x, y, np.ones(len(y), bool), mass_min=0.1)
    assert steps[0].mass == 1.0 and steps[0].restricted == 0
    assert all(s.mass >= 0.1 for s in steps)
    masses = [s.mass for s in steps]
    peel_end = next((i for i in range(1, len(masses)) if masses[i] > masses[i - 1]), len(masses))
    assert all(a > b for a, b in zip(masses[: peel_end - 1], masses[1:peel_end], strict=True))
    # every paste raises the density
    dens = [s.density for s in steps]
    assert all(dens[i] > dens[i - 1] for i in range(peel_end, len(steps)))


def test_choose_takes_the_largest_weighted_relative_accuracy():
    x, y, _ = planted()
    steps = peel_and_paste(x, y, np.ones(len(y), bool))
    i = choose(steps)
    base = steps[0].density
    eligible = [s for s in steps if 1 <= s.restricted <= 3]
    assert wracc(steps[i], base) == max(wracc(s, base) for s in eligible)
    assert choose(steps, max_restricted=0) == 0  # nothing eligible: the whole box


def test_prune_lifts_a_restriction_that_adds_little():
    x, y, inside = planted()
    active = np.ones(len(y), bool)
    steps = peel_and_paste(x, y, active)
    step = steps[choose(steps)]
    # add a sliver off x4, which does not matter, to the chosen box
    low = step.low.copy()
    low[4] = np.quantile(x[:, 4], 0.03)
    idx = np.flatnonzero(np.all((x >= low) & (x <= step.high), axis=1))
    from sim.analysis.prim import Step

    sliver = Step(
        low, step.high, y[idx].sum() / y.sum(), y[idx].mean(), len(idx) / len(y), 3, len(idx)
    )
    pruned = prune(x, y, active, sliver, steps[0].density)
    assert pruned.restricted == 2 and pruned.low[4] == x[:, 4].min()
    assert pruned.low[0] == step.low[0] and pruned.high[1] == step.high[1]


def test_later_boxes_are_found_outside_earlier_ones():
    rng = np.random.default_rng(1)
    x = rng.random((6000, 3))
    a = (x[:, 0] > 0.7) & (x[:, 2] < 0.5)
    b = (x[:, 1] < 0.25) & ~a
    y = np.where(a | b, 0.95, 0.05)
    boxes = find_boxes(x, y)
    assert len(boxes) >= 2
    assert not np.any(boxes[0].inside & boxes[1].inside)
    assert boxes[0].density > 0.85 and boxes[1].density > 0.85


@pytest.mark.parametrize(
    "x, y",
    [
        (np.zeros((3, 2)), np.zeros(4)),
        (np.zeros((0, 2)), np.zeros(0)),
        (np.full((2, 1), np.nan), np.zeros(2)),
    ],
)
def test_bad_input_is_refused(x, y):
    with pytest.raises(ValueError):
        find_boxes(x, y)
