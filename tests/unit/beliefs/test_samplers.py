"""Tests for sim.beliefs.samplers: uniform points, chunk invariance, streams."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import qmc

from sim.beliefs import (
    METHODS,
    STREAM_EVENTS,
    STREAM_PARAMS,
    STREAM_SOBOL,
    U_CLIP,
    Choice,
    Normal,
    Uniform,
    block_generator,
    uniform_points,
)
from tests.unit.beliefs.helpers import (
    FAST,
)

# -------------------------------------------------------------------------- samplers


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n_dims", [0, 1, 5])
def test_sampler_shape_and_range(method: str, n_dims: int) -> None:
    u = uniform_points(method, n_dims, 3, 203, seed=1, total=300, block_size=64)
    assert u.shape == (200, n_dims) and u.dtype == np.float64
    assert np.all((u > 0) & (u < 1))
    assert uniform_points(method, n_dims, 5, 5, seed=1, total=10).shape == (0, n_dims)


def chunked(method: str, cuts: list[int], total: int, n_dims: int, seed: int, bs: int) -> bytes:
    edges = [0, *sorted(set(cuts)), total]
    parts = [
        uniform_points(method, n_dims, a, b, seed=seed, total=total, block_size=bs)
        for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]
    return np.concatenate(parts).tobytes()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", range(6))
def test_chunk_invariance(method: str, case: int) -> None:
    rng = np.random.default_rng(case)
    total, bs = int(rng.integers(1, 700)), int(rng.choice([16, 50, 64, 1000]))
    whole = uniform_points(method, 3, 0, total, seed=11, total=total, block_size=bs).tobytes()
    cuts = rng.integers(0, total + 1, size=int(rng.integers(0, 12))).tolist()
    assert chunked(method, cuts, total, 3, 11, bs) == whole
    assert chunked(method, list(range(total)), total, 3, 11, bs) == whole  # one draw at a time


@FAST
@given(
    method=st.sampled_from(METHODS),
    total=st.integers(1, 400),
    bs=st.integers(1, 100),
    cuts=st.lists(st.integers(0, 400), max_size=10),
    seed=st.integers(0, 2**64),
)
def test_chunk_invariance_property(method: str, total: int, bs: int, cuts: list, seed: int) -> None:
    cuts = [c for c in cuts if c <= total]
    whole = uniform_points(method, 2, 0, total, seed=seed, total=total, block_size=bs).tobytes()
    assert chunked(method, cuts, total, 2, seed, bs) == whole


def strata(u: np.ndarray, m: int) -> np.ndarray:
    edges = np.arange(m + 1) / m
    return np.searchsorted(edges, u, side="right") - 1


def test_lhs_is_exact_latin_hypercube_within_a_block() -> None:
    m = 500
    u = uniform_points("lhs", 4, 0, m, seed=3, total=m, block_size=1024)
    for j in range(4):
        assert sorted(strata(u[:, j], m)) == list(range(m))
        assert sorted(np.floor(u[:, j] * m).astype(int)) == list(range(m))


def test_lhs_is_a_union_of_latin_hypercubes() -> None:
    total, bs = 1000, 128  # 7 full blocks and a last block of 104
    u = uniform_points("lhs", 3, 0, total, seed=5, total=total, block_size=bs)
    for b0 in range(0, total, bs):
        block = u[b0 : b0 + bs]
        m = len(block)
        for j in range(3):
            assert sorted(strata(block[:, j], m)) == list(range(m))


def test_sobol_equals_scipy_sequence() -> None:
    seed, n = 42, 256
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM_SOBOL,)))
    try:
        engine = qmc.Sobol(4, scramble=True, rng=rng)
    except TypeError:  # scipy < 1.15
        engine = qmc.Sobol(4, scramble=True, seed=rng)
    ref = engine.random(n)
    ours = uniform_points("sobol", 4, 0, n, seed=seed, total=n)
    np.testing.assert_array_equal(ours, np.clip(ref, U_CLIP, 1 - U_CLIP))
    part = uniform_points("sobol", 4, 100, 200, seed=seed, total=n)
    np.testing.assert_array_equal(part, ours[100:200])


def test_sobol_does_not_warn_for_other_sizes() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        uniform_points("sobol", 2, 3, 100, seed=0, total=100)


def test_sobol_balance_for_powers_of_two() -> None:
    n = 1024
    u = uniform_points("sobol", 2, 0, n, seed=9, total=n)
    for j in range(2):  # a (t, m, s)-net: every 1/n interval of each axis holds one point
        assert sorted(np.floor(u[:, j] * n).astype(int)) == list(range(n))


@pytest.mark.parametrize("method", METHODS)
def test_seeds(method: str) -> None:
    a = uniform_points(method, 3, 0, 100, seed=1, total=100, block_size=32)
    b = uniform_points(method, 3, 0, 100, seed=1, total=100, block_size=32)
    c = uniform_points(method, 3, 0, 100, seed=2, total=100, block_size=32)
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a, c)
    assert np.unique(a).size == a.size  # no repeated values: streams do not overlap


def test_methods_and_blocks_differ() -> None:
    r = uniform_points("random", 2, 0, 64, seed=0, total=64, block_size=32)
    h = uniform_points("lhs", 2, 0, 64, seed=0, total=64, block_size=32)
    s = uniform_points("sobol", 2, 0, 64, seed=0, total=64, block_size=32)
    assert not np.array_equal(r, h) and not np.array_equal(r, s)
    assert not np.array_equal(r[:32], r[32:])


def test_random_draws_do_not_depend_on_total_or_later_columns() -> None:
    a = uniform_points("random", 2, 0, 100, seed=4, total=100, block_size=64)
    b = uniform_points("random", 5, 0, 300, seed=4, total=300, block_size=64)
    np.testing.assert_array_equal(a, b[:100, :2])
    c = uniform_points("lhs", 2, 0, 100, seed=4, total=100, block_size=64)
    d = uniform_points("lhs", 5, 0, 100, seed=4, total=100, block_size=64)
    np.testing.assert_array_equal(c, d[:, :2])


def test_block_generator() -> None:
    g = block_generator(7, STREAM_EVENTS, 3)
    ref = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(STREAM_EVENTS, 3)))
    np.testing.assert_array_equal(g.random(5), ref.random(5))
    draws = {
        (s, b): block_generator(7, s, b).random()
        for s in (STREAM_PARAMS, STREAM_EVENTS, 2)
        for b in (0, 1)
    }
    assert len(set(draws.values())) == len(draws)
    u = uniform_points("random", 1, 0, 8, seed=7, total=8, block_size=8)
    np.testing.assert_array_equal(u[:, 0], block_generator(7, STREAM_PARAMS, 0).random(8))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"method": "latin"}, "allowed: random, lhs, sobol"),
        ({"n_dims": -1}, "n_dims must be >= 0"),
        ({"start": 5, "stop": 4}, "0 <= start <= stop <= total"),
        ({"stop": 11}, "0 <= start <= stop <= total"),
        ({"start": -1}, "start must be >= 0"),
        ({"seed": -1}, "seed must be >= 0"),
        ({"seed": None}, "seed must be an integer"),
        ({"seed": True}, "seed must be an integer"),
        ({"n_dims": 2.0}, "n_dims must be an integer"),
        ({"block_size": 0}, "block_size must be >= 1"),
        ({"method": "sobol", "total": 2**30 + 1, "stop": 1}, "at most 2**30"),
    ],
)
def test_sampler_validation(kwargs: dict, fragment: str) -> None:
    args = {"method": "lhs", "n_dims": 2, "start": 0, "stop": 10, "seed": 0, "total": 10}
    args.update(kwargs)
    with pytest.raises(ValueError) as info:
        uniform_points(**args)
    assert fragment in str(info.value)


def test_ppf_maps_sampler_points() -> None:
    """The intended use: points through each column's ppf give the distribution."""
    dists = [Uniform(0.1, 0.3), Normal(2, 0.5, low=1), Choice([0.2, 0.8], [3, 1])]
    n = 4096
    u = uniform_points("sobol", len(dists), 0, n, seed=0, total=n)
    x = np.column_stack([d.ppf(u[:, j]) for j, d in enumerate(dists)])
    assert np.all(np.isfinite(x))
    for j, d in enumerate(dists):
        assert x[:, j].mean() == pytest.approx(d.mean(), rel=2e-3)
