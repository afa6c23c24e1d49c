"""The sampler: effective sample size, resampling, weighted quantiles, the next
temperature, and the whole tempered SMC against a Gaussian posterior in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from sim.calibration import ess, systematic, temper, weighted_quantiles
from sim.calibration.smc import Block, next_beta


def test_ess_of_known_weights():
    assert ess(np.zeros(10)) == pytest.approx(10)
    assert ess(np.array([0.0, -np.inf, -np.inf])) == pytest.approx(1)
    assert ess(np.log([1.0, 1.0, 2.0])) == pytest.approx(16 / 6)  # (Σw)² / Σw²
    assert ess(np.full(3, -np.inf)) == 0.0
    z = np.array([[1.0], [1.0], [2.0], [3.0]])  # two copies of one particle count once
    assert ess(np.zeros(4), z) == pytest.approx(1 / (0.5**2 + 0.25**2 + 0.25**2))


@pytest.mark.parametrize("u", [0.0, 0.37, 0.999])
def test_systematic_resampling_keeps_each_particle_about_n_w_times(u):
    w = np.array([0.5, 0.25, 0.125, 0.125, 0.0])
    idx = systematic(w, u)
    counts = np.bincount(idx, minlength=5)
    assert counts.sum() == 5 and counts[4] == 0
    assert np.all(np.abs(counts - 5 * w) < 1.0 + 1e-12)
    assert len(systematic(w, u, 16)) == 16
    assert np.bincount(systematic(w, u, 16), minlength=5).tolist() == [8, 4, 2, 2, 0]


def test_weighted_quantiles_are_numpys_inverted_cdf():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=200), rng.random(200)
    qs = (0.05, 0.5, 0.95)
    want = np.quantile(x, qs, weights=w, method="inverted_cdf")
    assert weighted_quantiles(x, w, qs) == pytest.approx(want)


def test_next_beta_keeps_the_target_ess():
    rng = np.random.default_rng(1)
    ll = -50 * rng.random(1000)
    beta = next_beta(np.zeros(1000), ll, 0.0, 500)
    assert 0 < beta < 1
    assert ess(beta * ll) == pytest.approx(500, rel=1e-3)
    assert next_beta(np.zeros(1000), ll / 1e6, 0.0, 500) == 1.0  # a weak likelihood: IS
    some = np.where(np.arange(1000) < 100, -1.0, -np.inf)  # only 100 draws possible
    assert next_beta(np.zeros(1000), some, 0.0, 500) < 1e-12  # the indicator first


def _linear_gaussian(n_obs: int, sigma: float, seed: int = 0):
    """z ~ N(0, I3); case 0 sees z0 + z1, case 1 sees z0 + z2, each n_obs times with noise
    sigma. Returns the evaluate function and the exact posterior mean and covariance."""
    rng = np.random.default_rng(seed)
    truth = np.array([0.8, -0.5, 0.3])
    H = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    y = truth @ H.T + sigma * rng.standard_normal((n_obs, 2))
    ybar = y.mean(axis=0)
    precision = np.eye(3) + n_obs / sigma**2 * H.T @ H
    cov = np.linalg.inv(precision)
    mean = cov @ (n_obs / sigma**2 * H.T @ ybar)

    def evaluate(z, cases):
        out = {}
        for c in cases:
            pred = z[:, 0] + z[:, 1 + c]
            ll = -0.5 * np.sum((y[None, :, c] - pred[:, None]) ** 2, axis=1) / sigma**2
            out[c] = {"loglik": ll}
        return out

    return evaluate, mean, cov


def test_tempered_smc_finds_a_gaussian_posterior():
    evaluate, mean, cov = _linear_gaussian(n_obs=40, sigma=0.5)
    n = 2000
    z0 = np.random.default_rng(2).standard_normal((n, 3))
    blocks = [
        Block("shared", slice(0, 1), (0, 1)),
        Block("one", slice(1, 2), (0,)),
        Block("two", slice(2, 3), (1,)),
    ]
    out = temper(evaluate, z0, blocks, 2, seed=5)
    assert len(out.stages) > 2  # plain importance sampling would have collapsed
    assert ess(out.prior.loglik()) < 50
    w = out.posterior.weights()
    got_mean = w @ out.posterior.z
    got_cov = np.cov(out.posterior.z.T, aweights=w)
    sd = np.sqrt(np.diag(cov))
    assert np.all(np.abs(got_mean - mean) < 0.15 * sd + 0.02), (got_mean, mean)
    assert np.sqrt(np.diag(got_cov)) == pytest.approx(sd, rel=0.2)
    assert ess(out.posterior.logw, out.posterior.z) > 300
    again = temper(evaluate, z0, blocks, 2, seed=5)
    assert np.array_equal(again.posterior.z, out.posterior.z)  # one seed fixes every number
    other = temper(evaluate, z0, blocks, 2, seed=6)
    assert not np.array_equal(other.posterior.z, out.posterior.z)


def test_a_weak_likelihood_is_plain_importance_sampling():
    evaluate, mean, _ = _linear_gaussian(n_obs=1, sigma=5.0)
    z0 = np.random.default_rng(3).standard_normal((500, 3))
    out = temper(evaluate, z0, [Block("shared", slice(0, 3), (0, 1))], 2, seed=1)
    assert [s.beta for s in out.stages] == [1.0]
    assert np.array_equal(out.posterior.z, z0)  # nothing moved: the prior draws, weighted
    w = np.exp(out.prior.loglik() - out.prior.loglik().max())
    assert out.posterior.weights() == pytest.approx(w / w.sum())
