"""The cases of a calibration: each scenario with its observation, and its likelihood.

A particle is a point ``z`` of a standard normal space: one coordinate per shared belief,
then, for each case with one history (accepted, a break, a duration), one per belief of
its own and one per event (the uniform that fixes the event's time,
:func:`sim.model.events.event_states`). A coordinate becomes a number through the normal
CDF and the belief's inverse CDF, as the samplers map their uniforms, so the prior of
every belief is exactly the scenario's, discrete ones (``choice``) included, and the
prior over ``z`` is N(0, I). Such a case's own beliefs and event times are integrated out
by the sampler along with everything else: the posterior of the shared beliefs is the
marginal of the joint one, and one particle is one unbiased draw of the case's
likelihood given the shared beliefs.

A **reference class** (a survival table of ``cases`` ceasefires) is integrated
differently, because each of its ceasefires has beliefs of its own and its likelihood is
a power of the class's survival, not a mean: the class's survival at the shared beliefs
is the mean over an inner sample of ``inner`` draws of its own beliefs and event times
(a Latin hypercube of its own seed), the same inner sample for every particle (common
random numbers), so the likelihood is a smooth function of the shared beliefs. The
judgement: a fixed inner sample is biased for a finite size (it integrates over those
draws only) but lets the sampler compare particles without noise; fresh inner draws per
particle would be unbiased for the survival but noisy in a likelihood raised to the power
of ``cases``. ``--inner`` sets the size.

:meth:`Cases.evaluate` solves the draws with the model in chunks mapped over worker
processes by :func:`sim.montecarlo.map_chunks` and gives per particle the log probability
of the case's observation (:mod:`~sim.calibration.observation`), its survival curve and
what it says of the informed actor's type. Each particle is solved on its own (a class's
inner draws are summed in a fixed order), so nothing depends on the chunk size or the
number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr

from sim.beliefs import STREAM_CALIBRATION, U_CLIP, Distribution, uniform_points
from sim.calibration.observation import (
    Observation,
    log_probability,
    table_log_probability,
    type_shares,
)
from sim.model import Params, solve_chunk
from sim.montecarlo import default_chunk, map_chunks
from sim.scenario import Scenario

__all__ = ["DEFAULT_INNER", "Case", "Cases", "case_chunk", "inner_sample", "to_uniform"]

#: Draws of a reference class's own beliefs when ``--inner`` is not given.
DEFAULT_INNER = 64


def to_uniform(z: np.ndarray) -> np.ndarray:
    """Normal coordinates to uniforms in [U_CLIP, 1 - U_CLIP], as the samplers give them."""
    return np.clip(ndtr(z), U_CLIP, 1.0 - U_CLIP)


@dataclass(frozen=True, eq=False)
class Case:
    """One scenario with an observation, and where its coordinates are in a particle.

    Attributes
    ----------
    name
        The scenario's name (unique among the cases).
    scenario
        The validated scenario.
    observation
        What happened.
    shared
        The shared beliefs this case has (key paths).
    own
        Its own beliefs, in the order of ``scenario.numbers()``.
    start
        The first of its own columns in a particle.
    inner
        For a reference class, (inner, own beliefs + events) uniforms: its inner sample;
        it then has no columns in a particle.
    """

    name: str
    scenario: Scenario
    observation: Observation
    shared: tuple[str, ...]
    own: tuple[str, ...]
    start: int
    inner: np.ndarray | None = None

    @property
    def draws_width(self) -> int:
        """The uniforms of one draw of its own: a belief each, then an event each."""
        return len(self.own) + len(self.scenario.events)

    @property
    def width(self) -> int:
        """Its own columns in a particle (none for a reference class)."""
        return 0 if self.inner is not None else self.draws_width

    @property
    def columns(self) -> slice:
        """Its own columns in a particle."""
        return slice(self.start, self.start + self.width)


def inner_sample(seed: int, case_index: int, size: int, width: int) -> np.ndarray:
    """A reference class's inner sample: a Latin hypercube of ``size`` rows of uniforms,
    seeded by ``SeedSequence(seed, spawn_key=(STREAM_CALIBRATION, 2**20, case_index))``."""
    seq = np.random.SeedSequence(seed, spawn_key=(STREAM_CALIBRATION, 2**20, case_index))
    own_seed = int(seq.generate_state(1, dtype=np.uint32)[0])
    return uniform_points("lhs", width, 0, size, own_seed, size)


def _samples(scn: Scenario, shared: dict[str, np.ndarray], u: np.ndarray) -> dict[str, Any]:
    """Every number of ``scn`` by key path: shared values, own beliefs from ``u``'s columns."""
    samples: dict[str, Any] = {}
    col = 0
    for path, value in scn.numbers().items():
        if path in shared:
            samples[path] = shared[path]
        elif isinstance(value, Distribution):
            samples[path] = value.ppf(u[:, col])
            col += 1
        else:
            samples[path] = float(value)
    return samples


def case_chunk(task: tuple) -> dict[str, np.ndarray]:
    """Solve one chunk of a case's particles: ``(case, shared values, own z)``.

    A top-level function, so that worker processes can run it. Returns ``loglik`` (n,),
    ``survival`` (n, T+1) and, with private information and one history, ``types``
    (n, m) (each type's share of the likelihood) and ``prior`` (n, m).
    """
    case, shared, own = task
    scn: Scenario = case.scenario
    n = len(own)
    k = len(scn.events)
    if case.inner is None:
        u = to_uniform(own)
    else:  # every particle with every inner draw of the class
        m = len(case.inner)
        shared = {p: np.repeat(v, m) for p, v in shared.items()}
        u = np.tile(case.inner, (n, 1))
    samples = _samples(scn, shared, u)
    # the same floating-point noise as a run's chunks is silenced (sim.montecarlo.chunk)
    with np.errstate(over="ignore", invalid="ignore"):
        out = solve_chunk(scn, Params.from_samples(scn, samples, len(u)), u[:, u.shape[1] - k :])
    if case.inner is not None:
        per = out.survival.reshape(n, len(case.inner), -1)
        total = np.zeros((n, per.shape[2]))
        for j in range(per.shape[1]):  # a fixed order: the same sum in any chunk
            total += per[:, j]
        curve = total / per.shape[1]
        return {"loglik": table_log_probability(case.observation, curve), "survival": curve}
    loglik = log_probability(case.observation, out)
    result = {"loglik": loglik, "survival": out.survival}
    shares = type_shares(case.observation, out, loglik)
    if shares is not None and out.types is not None:
        result["types"] = shares
        result["prior"] = out.types.prior
    return result


class Cases:
    """The cases of a calibration and the layout of a particle.

    Parameters
    ----------
    cases
        The cases, their columns laid out after the shared ones.
    shared
        Key path -> the prior of each shared belief, in column order.
    workers, chunk_size
        Worker processes and particles per chunk (``None``: a chunk per worker, at most
        the run's default); neither changes a number.
    executor
        An open executor (:func:`sim.montecarlo.using_executor`) the chunks go to.
    """

    def __init__(
        self,
        cases: Sequence[Case],
        shared: dict[str, Distribution],
        workers: int = 1,
        chunk_size: int | None = None,
        executor: Any = None,
    ) -> None:
        self.cases = tuple(cases)
        self.executor = executor
        self.shared = dict(shared)
        self.workers = max(1, int(workers))
        self.chunk_size = chunk_size
        self.width = len(self.shared) + sum(c.width for c in self.cases)

    def shared_values(self, z: np.ndarray) -> dict[str, np.ndarray]:
        """The shared beliefs of particles ``z`` (n, width), by key path."""
        u = to_uniform(z[:, : len(self.shared)])
        return {k: d.ppf(u[:, j]) for j, (k, d) in enumerate(self.shared.items())}

    def _chunk(self, case: Case, n: int) -> int:
        """Particles per chunk."""
        if self.chunk_size is not None:
            return max(1, int(self.chunk_size))
        per = 1 if case.inner is None else len(case.inner)
        return max(1, min(default_chunk(case.scenario) // per, math.ceil(n / self.workers)))

    def evaluate(self, z: np.ndarray, which: Sequence[int]) -> dict[int, dict[str, np.ndarray]]:
        """Case index -> its arrays (:func:`case_chunk`) for particles ``z``, in row order."""
        values = self.shared_values(z)
        tasks, owners = [], []
        for c in which:
            case = self.cases[c]
            step = self._chunk(case, len(z))
            for s in range(0, len(z), step):
                mine = {k: v[s : s + step] for k, v in values.items() if k in case.shared}
                tasks.append((case, mine, z[s : s + step, case.columns]))
                owners.append(c)
        parts: dict[int, list[dict[str, np.ndarray]]] = {c: [] for c in which}
        for c, part in zip(
            owners,
            map_chunks(
                case_chunk,
                tasks,
                self.workers if self.workers > 1 else None,
                executor=self.executor,
            ),
            strict=True,
        ):
            parts[c].append(part)
        return {
            c: {k: np.concatenate([p[k] for p in chunks]) for k in chunks[0]}
            for c, chunks in parts.items()
        }
