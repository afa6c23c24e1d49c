"""The Saltelli design (uniform_points("saltelli", ...)): layout, seeding, chunking."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import qmc

from sim.beliefs import STREAM_SALTELLI, saltelli_layout, uniform_points


def test_layout_is_a_then_ab_i_then_b():
    d, groups = 4, 16
    u = uniform_points("saltelli", d, 0, groups * (d + 2), 3, groups * (d + 2))
    g = u.reshape(groups, d + 2, d)
    a, b = g[:, 0], g[:, d + 1]
    for i in range(d):
        expect = a.copy()
        expect[:, i] = b[:, i]
        np.testing.assert_array_equal(g[:, 1 + i], expect)
    # A and B are the two halves of one scrambled Sobol' sequence of 2d dimensions
    rng = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(STREAM_SALTELLI,)))
    try:
        base = qmc.Sobol(2 * d, scramble=True, rng=rng).random(groups)
    except TypeError:
        base = qmc.Sobol(2 * d, scramble=True, seed=rng).random(groups)
    np.testing.assert_allclose(a, base[:, :d], rtol=0, atol=1e-12)
    np.testing.assert_allclose(b, base[:, d:], rtol=0, atol=1e-12)


@pytest.mark.parametrize("chunk", [1, 5, 7, 64])
def test_rows_do_not_depend_on_chunks(chunk):
    total = 203  # 33 groups of 6 and 5 rows more
    whole = uniform_points("saltelli", 4, 0, total, 11, total)
    parts = np.vstack(
        [
            uniform_points("saltelli", 4, s, min(s + chunk, total), 11, total)
            for s in range(0, total, chunk)
        ]
    )
    assert whole.tobytes() == parts.tobytes()
    assert np.all((whole > 0) & (whole < 1))
    assert not np.array_equal(whole, uniform_points("saltelli", 4, 0, total, 12, total))


def test_saltelli_layout_positions():
    group, pos = saltelli_layout(3, 8, 13)
    assert list(group) == [1, 1, 2, 2, 2] and list(pos) == [3, 4, 0, 1, 2]


def test_unknown_method_names_the_design():
    with pytest.raises(ValueError, match="random, lhs, sobol, saltelli"):
        uniform_points("grid", 2, 0, 4, 1, 4)
