"""Importance sampling with adaptive tempering: the sampler of ``sim calibrate``.

The target is the posterior over particles ``z`` (see :mod:`~sim.calibration.cases`):
π(z) ∝ φ(z) L(z), with φ the standard normal prior and L the product of the cases'
observation probabilities. :func:`temper` draws N particles from the prior and weights
them by L, which is plain importance sampling when the weights keep an effective sample
size (Kish's ESS, (Σw)² / Σw²) of at least ``target`` N. When they would not (the ESS
collapses because history rules most of the prior out), it moves through the tempered
targets π_β ∝ φ L^β, 0 < β_1 < ... < 1, each β the largest that keeps the ESS of the
incremental weights at ``target`` N (bisection; Jasra et al. 2011), and between two
temperatures it resamples (systematic resampling) and moves every particle by
Metropolis-within-Gibbs with preconditioned Crank-Nicolson proposals,
z' = sqrt(1 - s²) z + s ε on one block of coordinates at a time (the shared beliefs;
each case's own): the proposal leaves the prior invariant, so it is accepted with
probability min(1, (L(z') / L(z))^β) and needs no prior density; a block changes only
its cases' likelihoods, so moving a case's own beliefs solves that case alone. Each
block's step s adapts to keep its acceptance between 15% and 40%, and sweeps go on
until each block has moved about once per particle (at most ``max_sweeps``). The last
weighting, at β = 1, is kept as the posterior's weights.

Why this and not pyabc. The likelihood of every observation is exact and cheap to read
off the model's arrays, so approximate Bayesian computation, which pyabc implements
(populations of accepted simulations within a shrinking distance of the data), would add
a tolerance and a distance the problem does not need. pyabc also keeps its populations
in a SQLite database and draws from its own samplers, which would have to be tied to the
project's seeded streams to keep one seed fixing every number; a tempered SMC in numpy is
short, exact in the limit, and every random number here comes from a
``SeedSequence(seed, spawn_key=(STREAM_CALIBRATION, stage, sweep, block, purpose))``.
The judgement: the alternative, plain importance sampling from the prior, is what this
does when history is weak; the moves are what keeps a posterior that history makes
narrow from resting on a handful of prior draws.

The effective sample size reported counts copies of one particle (left by resampling
when no move was accepted) once, so a population that did not move is not mistaken for
one that did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.beliefs import STREAM_CALIBRATION

__all__ = ["Block", "Population", "Stage", "Tempered", "ess", "systematic", "temper"]

#: Arrays per case (``loglik`` among them), each with one row per particle.
Rows = dict[int, dict[str, np.ndarray]]
#: evaluate(z, cases) -> the rows of those cases for particles z.
Evaluate = Callable[[np.ndarray, Sequence[int]], Rows]

MIN_STEP, MAX_STEP, FIRST_STEP = 0.01, 1.0, 0.5
LOW_ACCEPTANCE, HIGH_ACCEPTANCE = 0.15, 0.40


@dataclass(frozen=True)
class Block:
    """Coordinates moved together, and the cases whose likelihood they change."""

    name: str
    columns: slice
    cases: tuple[int, ...]


@dataclass
class Stage:
    """One temperature: its β, the ESS of its weights, and how its moves went."""

    beta: float
    ess: float
    sweeps: int = 0
    acceptance: dict[str, float] = field(default_factory=dict)


@dataclass
class Population:
    """Particles, their rows per case and their log weights."""

    z: np.ndarray
    rows: Rows
    logw: np.ndarray

    def loglik(self) -> np.ndarray:
        """(N,) the sum of the cases' log likelihoods."""
        return np.sum([r["loglik"] for r in self.rows.values()], axis=0)

    def take(self, idx: np.ndarray) -> Population:
        """The particles ``idx`` (resampling), with equal weights."""
        rows = {c: {k: v[idx] for k, v in r.items()} for c, r in self.rows.items()}
        return Population(self.z[idx], rows, np.zeros(len(idx)))

    def accept(self, mask: np.ndarray, z: np.ndarray, rows: Rows) -> None:
        """Replace the particles where ``mask`` by the proposal's (``rows``: its cases)."""
        self.z[mask] = z[mask]
        for c, r in rows.items():
            for k, v in r.items():
                self.rows[c][k][mask] = v[mask]

    def weights(self) -> np.ndarray:
        """(N,) normalised weights."""
        return _normalise(self.logw)


@dataclass
class Tempered:
    """What :func:`temper` returns: the weighted posterior, the prior, and the stages."""

    posterior: Population
    prior: Population
    stages: list[Stage]


def _normalise(logw: np.ndarray) -> np.ndarray:
    finite = np.isfinite(logw)
    if not finite.any():
        return np.zeros_like(logw)
    w = np.where(finite, np.exp(logw - np.max(logw[finite])), 0.0)
    return w / w.sum()


def ess(logw: np.ndarray, z: np.ndarray | None = None) -> float:
    """Kish's effective sample size of log weights; with ``z``, identical particles count once."""
    w = _normalise(logw)
    if not w.any():
        return 0.0
    if z is not None:
        _, inverse = np.unique(z, axis=0, return_inverse=True)
        w = np.bincount(inverse.ravel(), weights=w)
    return float(1.0 / np.sum(w**2))


def systematic(weights: np.ndarray, u: float, size: int | None = None) -> np.ndarray:
    """Systematic resampling: ``size`` (default N) indices, particle i about size w_i times
    (``u`` in [0, 1))."""
    n = len(weights) if size is None else int(size)
    cum = np.cumsum(weights)
    positions = (u + np.arange(n)) / n * cum[-1]
    return np.minimum(np.searchsorted(cum, positions, side="right"), len(weights) - 1)


def _increment(ll: np.ndarray, step: float) -> np.ndarray:
    """step * ll, with -inf kept as -inf (an impossible observation) for any step > 0."""
    return np.where(np.isfinite(ll), step * ll, -np.inf)


def next_beta(logw: np.ndarray, ll: np.ndarray, beta: float, target: float) -> float:
    """The largest β' in (β, 1] whose weights keep an ESS of ``target`` (bisection)."""
    if ess(logw + _increment(ll, 1.0 - beta)) >= target:
        return 1.0
    lo, hi = beta, 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if ess(logw + _increment(ll, mid - beta)) >= target:
            lo = mid
        else:
            hi = mid
    return lo if lo > beta else hi


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM_CALIBRATION, *key)))


def temper(
    evaluate: Evaluate,
    z0: np.ndarray,
    blocks: Sequence[Block],
    n_cases: int,
    *,
    seed: int,
    target: float = 0.5,
    max_sweeps: int = 8,
    max_stages: int = 60,
    progress: Callable[[str], None] | None = None,
    rows0: Rows | None = None,
    size: int | None = None,
) -> Tempered:
    """Weight prior particles ``z0`` by the cases' likelihoods, tempering when the ESS
    collapses (see the module docstring).

    Parameters
    ----------
    evaluate
        ``evaluate(z, cases)``: the rows (with ``loglik``) of those cases for particles z.
    z0
        (N, D) particles from the prior (standard normal coordinates).
    blocks
        The blocks of coordinates moved together.
    n_cases
        How many cases ``evaluate`` knows.
    seed
        Fixes every resampling and move.
    target
        The ESS kept at each temperature, as a share of N.
    max_sweeps, max_stages
        Most move sweeps per temperature, most temperatures.
    progress
        Called with a line of text after each temperature.
    rows0
        The rows of ``z0`` when the caller has them already.
    size
        Particles kept from the first resampling on (default: as many as ``z0``): the
        prior population may be larger, to find the draws an observation allows.
    """
    n = len(z0) if size is None else int(size)
    rows = evaluate(z0, tuple(range(n_cases))) if rows0 is None else rows0
    prior = Population(z0.copy(), rows, np.zeros(len(z0)))
    copied = {c: {k: v.copy() for k, v in r.items()} for c, r in rows.items()}
    pop = Population(z0.copy(), copied, np.zeros(len(z0)))
    beta, stages = 0.0, []
    steps = {b.name: FIRST_STEP for b in blocks}
    for stage in range(max_stages):
        ll = pop.loglik()
        new_beta = next_beta(pop.logw, ll, beta, target * n) if stage < max_stages - 1 else 1.0
        pop.logw = pop.logw + _increment(ll, new_beta - beta)
        beta = new_beta
        record = Stage(beta, ess(pop.logw, pop.z))
        n_now = len(pop.z)
        stages.append(record)
        if beta >= 1.0:
            if progress:
                progress(f"β = 1 after {stage + 1} step(s): ESS {record.ess:.0f} of {n_now}")
            break
        u = float(_rng(seed, stage, 0, 0, 0).random())
        pop = pop.take(systematic(pop.weights(), u, n))
        _move(evaluate, pop, blocks, beta, steps, record, seed, stage, max_sweeps)
        if progress:
            moved = ", ".join(f"{k} {v:.0%}" for k, v in record.acceptance.items())
            progress(f"β = {beta:.3g}: ESS {record.ess:.0f} of {n}; moves accepted: {moved}")
    return Tempered(pop, prior, stages)


def _move(
    evaluate: Evaluate,
    pop: Population,
    blocks: Sequence[Block],
    beta: float,
    steps: dict[str, float],
    record: Stage,
    seed: int,
    stage: int,
    max_sweeps: int,
) -> None:
    """Sweeps of pCN Metropolis moves, block by block, at temperature β (in place)."""
    n = len(pop.z)
    moved = {b.name: 0.0 for b in blocks if b.columns.stop > b.columns.start}
    rates: dict[str, list[float]] = {name: [] for name in moved}
    for sweep in range(1, max_sweeps + 1):
        for j, block in enumerate(blocks):
            if block.name not in moved:
                continue
            rng = _rng(seed, stage, sweep, j, 1)
            s = steps[block.name]
            z_new = pop.z.copy()
            cols = block.columns
            noise = rng.standard_normal((n, cols.stop - cols.start))
            z_new[:, cols] = np.sqrt(1.0 - s * s) * pop.z[:, cols] + s * noise
            rows = evaluate(z_new, block.cases)
            delta = np.sum([rows[c]["loglik"] - pop.rows[c]["loglik"] for c in block.cases], axis=0)
            with np.errstate(invalid="ignore"):
                accept = np.log(rng.random(n)) < beta * np.where(np.isnan(delta), -np.inf, delta)
            pop.accept(accept, z_new, rows)
            rate = float(accept.mean())
            rates[block.name].append(rate)
            moved[block.name] += rate
            if rate < LOW_ACCEPTANCE:
                steps[block.name] = max(MIN_STEP, s * 0.6)
            elif rate > HIGH_ACCEPTANCE:
                steps[block.name] = min(MAX_STEP, s * 1.5)
        record.sweeps = sweep
        if all(v >= 1.0 for v in moved.values()):
            break
    record.acceptance = {k: float(np.mean(v)) for k, v in rates.items() if v}
