"""The batched RBD-FAST equals SALib's ``rbd_fast.analyze`` to the bit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from SALib.analyze import rbd_fast as salib_rbd_fast

from sim.analysis.rbd import rbd_fast


def salib(x: np.ndarray, y: np.ndarray, resamples: int, seed: int, level: float = 0.95):
    d = x.shape[1]
    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0, 1]] * d}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        si = salib_rbd_fast.analyze(
            problem, x, y, num_resamples=resamples, conf_level=level,
            seed=np.random.default_rng(seed),
        )  # fmt: skip
    return np.asarray(si["S1"], dtype=float), np.asarray(si["S1_conf"], dtype=float)


def inputs(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, d))
    y = np.sin(6 * x[:, 0]) + x[:, 1] ** 2 + 0.3 * x[:, 0] * x[:, 2] + 0.1 * rng.random(n)
    return x, y


@pytest.mark.parametrize(("n", "d", "resamples", "seed"), [(2000, 6, 30, 1), (777, 3, 7, 4)])
def test_equal_to_salib_bit_for_bit(n, d, resamples, seed):
    x, y = inputs(n, d, seed)
    s1, conf = rbd_fast(x, y, resamples=resamples, conf_level=0.95, rng=np.random.default_rng(seed))
    ref_s1, ref_conf = salib(x, y, resamples, seed)
    assert np.array_equal(s1, ref_s1) and np.array_equal(conf, ref_conf)
    assert s1[0] > 0.3 and s1[0] == s1.max()  # the belief that drives y is found


def test_constant_inputs_ties_and_another_level():
    x, y = inputs(1000, 5, 2)
    x[:, 3] = 0.25  # constant: 0 / 0
    x[:, 4] = np.round(x[:, 4], 1)  # many ties: the sort's order of equal keys matters
    s1, conf = rbd_fast(x, y, resamples=10, conf_level=0.9, rng=np.random.default_rng(8))
    ref_s1, ref_conf = salib(x, y, 10, 8, level=0.9)
    assert np.array_equal(s1, ref_s1, equal_nan=True)
    assert np.array_equal(conf, ref_conf, equal_nan=True)


def test_the_generator_is_used_as_salib_uses_it():
    """SALib spawns one child from a Generator; what the caller draws next must not depend
    on which of the two computed the indices."""
    x, y = inputs(500, 3, 3)
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    rbd_fast(x, y, resamples=4, conf_level=0.95, rng=a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
        salib_rbd_fast.analyze(problem, x, y, num_resamples=4, seed=b)
    assert a.integers(1, 2**31) == b.integers(1, 2**31)
    assert a.spawn(1)[0].random() == b.spawn(1)[0].random()
