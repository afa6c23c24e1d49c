"""``calibrate``: observed cases weigh the beliefs they share.

:func:`calibrate` loads each case (a scenario with an ``observed`` block), finds the shared
beliefs (:mod:`~sim.calibration.sharing`), lays out a particle
(:mod:`~sim.calibration.cases`), draws the prior population, checks that every case's
observation is possible under some prior draw, runs the sampler
(:mod:`~sim.calibration.smc`) and summarises the result
(:mod:`~sim.calibration.summaries`) as a :class:`Calibration`.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from sim import beliefs
from sim.calibration.cases import DEFAULT_INNER, Case, Cases, inner_sample
from sim.calibration.observation import Observation
from sim.calibration.sharing import Sharing, find_shared
from sim.calibration.smc import Block, Tempered, ess, temper
from sim.calibration.summaries import belief_summary, case_summary, survival_curves
from sim.errors import CalibrationError, CalibrationWarning
from sim.montecarlo import using_executor
from sim.scenario import Scenario, load_scenario

__all__ = ["DEFAULT_DRAWS", "METHOD", "MIN_ESS", "Calibration", "calibrate"]

#: Particles when ``--draws`` is not given.
DEFAULT_DRAWS = 1000
#: Below this effective sample size a calibration warns.
MIN_ESS = 300
#: Prior draws are added, a population at a time, until this many give every case's
#: observation (or :data:`MAX_PRIOR` populations have been drawn).
MIN_CONSISTENT = 20
#: Most prior populations drawn to find draws that give every case's observation.
MAX_PRIOR = 16
#: How the posterior was made, as calibration.json says it.
METHOD = (
    "importance sampling from the prior; adaptive tempering with pCN moves when the ESS collapses"
)


@dataclass
class Calibration:
    """A calibration: what ``calibration.json`` says, the posterior, the figure's data.

    Attributes
    ----------
    summary
        ``calibration.json`` without its provenance (``ess``, ``cases``, ``shared``, ...).
    posterior
        ``posterior.parquet``: ``particle``, the shared beliefs by key path, ``weight``.
    prior
        The prior population's shared beliefs (for the figure).
    curves
        Case name -> survival of an agreed ceasefire over time, prior and posterior.
    warnings
        What the calibration warned about (also issued as :class:`CalibrationWarning`).
    wall_seconds
        How long it took.
    figure
        Draws its figure, ``figure(calibration, path, fmt)``: :func:`sim.calibrate`
        attaches :func:`sim.plots.save_calibration` (this layer does not import plotting).
    """

    summary: dict[str, Any]
    posterior: pd.DataFrame
    prior: pd.DataFrame
    curves: dict[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    figure: Callable[..., Any] | None = field(default=None, repr=False, compare=False)

    @property
    def ess(self) -> float:
        """The effective sample size of the posterior."""
        return float(self.summary["ess"])

    def save(
        self,
        out: str | os.PathLike,
        *,
        plots: bool = True,
        fmt: str = "png",
        command: str | None = None,
        figure: Callable[..., Any] | None = None,
    ) -> Path:
        """Write the calibration folder atomically: :func:`sim.calibration.write_calibration`
        (``figure``: the figure function, default :attr:`figure`)."""
        from sim.calibration.output import write_calibration

        draw = figure if figure is not None else self.figure
        return write_calibration(self, out, plots=plots, fmt=fmt, command=command, figure=draw)


def _scenarios(cases: Sequence[Scenario | str | os.PathLike]) -> list[Scenario]:
    """The cases' scenarios, each with an observation, with distinct names."""
    if not cases:
        raise CalibrationError("give at least one case: a scenario file with an observed block")
    out = [c if isinstance(c, Scenario) else load_scenario(c) for c in cases]
    names = [s.name for s in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise CalibrationError(
            f"two cases are named {', '.join(twice)}; give each a name of its own (the "
            "scenario key name:)"
        )
    for s in out:
        Observation.of(s)  # every case says what happened
        if s.sampled_selection is not None:
            raise CalibrationError(
                f"case {s.name}: solver.selection is {s.sampled_selection}; a calibration "
                "weighs the beliefs under one selection rule: give solver.selection one rule "
                "(calibrate once per rule to compare them)"
            )
    return out


def _layout(scenarios: list[Scenario], sharing: Sharing, seed: int, inner: int) -> list[Case]:
    """Each case's columns in a particle, after the shared ones; a reference class's
    inner sample."""
    start = len(sharing.priors)
    out = []
    for c, scn in enumerate(scenarios):
        shared = tuple(k for k, names in sharing.cases.items() if scn.name in names)
        own = tuple(k for k in scn.uncertain() if k not in shared)
        obs = Observation.of(scn)
        case = Case(scn.name, scn, obs, shared, own, start)
        if obs.kind == "table":  # (one inner draw is enough when it has nothing of its own)
            size = inner if case.draws_width else 1
            sample = inner_sample(seed, c, size, case.draws_width)
            case = Case(scn.name, scn, obs, shared, own, start, sample)
        start += case.width
        out.append(case)
    return out


def _check(cases: list[Case], ll: dict[int, dict[str, np.ndarray]], n: int) -> None:
    """An error naming a case that no prior draw can give, or cases that none gives jointly."""
    for c, case in enumerate(cases):
        if not np.isfinite(ll[c]["loglik"]).any():
            raise CalibrationError(
                f"{case.name}: none of the {n} prior draws can give what was observed "
                f"({case.observation.text}); under these beliefs the model cannot tell this "
                "story: check the observed block, widen the beliefs that rule it out, or raise "
                "--draws if it is merely rare"
            )
    joint = np.sum([ll[c]["loglik"] for c in range(len(cases))], axis=0)
    if not np.isfinite(joint).any():
        each = ", ".join(
            f"{case.name} ({int(np.isfinite(ll[c]['loglik']).sum())})"
            for c, case in enumerate(cases)
        )
        raise CalibrationError(
            f"no prior draw gives what was observed in every case at once (draws consistent "
            f"with each: {each}); the shared beliefs that allow one case rule out another"
        )


def _prior(
    model: Cases, n: int, seed: int, sampler: str, progress: Callable[[str], None] | None
) -> tuple[np.ndarray, dict[int, dict[str, np.ndarray]]]:
    """The prior population: ``n`` draws of the sampler, and as many more ``random`` draws
    as needed (up to :data:`MAX_PRIOR` times ``n`` in all) for :data:`MIN_CONSISTENT` of
    them to give every case's observation (a rare history needs many prior draws to be
    found at all; the sampler then keeps ``n`` particles). Each added population's rows
    depend only on (seed, row), so the prior never depends on chunking."""
    cases = range(len(model.cases))
    z = ndtri(beliefs.uniform_points(sampler, model.width, 0, n, seed, n))
    rows = model.evaluate(z, cases)
    # the added draws come from a seed of their own, independent of the first population's
    seq = np.random.SeedSequence(seed, spawn_key=(beliefs.STREAM_CALIBRATION, 2**21))
    more_seed = int(seq.generate_state(1, dtype=np.uint32)[0])
    for k in range(1, MAX_PRIOR):
        joint = np.sum([rows[c]["loglik"] for c in cases], axis=0)
        found = int(np.isfinite(joint).sum())
        if found >= MIN_CONSISTENT:
            break
        if progress:
            progress(f"{found} of {len(z)} prior draws give every observation: drawing {n} more")
        u = beliefs.uniform_points(
            "random", model.width, k * n, (k + 1) * n, more_seed, MAX_PRIOR * n
        )
        more = ndtri(u)
        extra = model.evaluate(more, cases)
        z = np.concatenate([z, more])
        rows = {c: {key: np.concatenate([rows[c][key], extra[c][key]]) for key in rows[c]}
                for c in cases}  # fmt: skip
    return z, rows


def calibrate(
    cases: Sequence[Scenario | str | os.PathLike],
    *,
    draws: int | None = None,
    seed: int | None = None,
    shared: Sequence[str] = (),
    inner: int = DEFAULT_INNER,
    workers: int = 1,
    chunk_size: int | None = None,
    progress: Callable[[str], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
) -> Calibration:
    """Weigh the beliefs the cases share by how probable they make what was observed.

    Parameters
    ----------
    cases
        Scenario files (or loaded scenarios) with an ``observed`` block.
    draws
        Particles (default :data:`DEFAULT_DRAWS`).
    seed
        Fixes every number (default: the first case's ``montecarlo.seed``).
    shared
        More key paths to share (``*`` and ``?`` match), beyond those with the same key
        path and prior in several cases (:mod:`~sim.calibration.sharing`).
    inner
        Draws of a reference class's own beliefs per particle (:mod:`~sim.calibration.cases`).
    workers, chunk_size
        Worker processes and particles per chunk; neither changes a number.
    executor, scheduler
        Where the likelihoods are solved, as for :func:`sim.run`; no number depends on it.
    progress
        Called with a line of text after each step of the sampler.

    Raises
    ------
    CalibrationError
        A case without an observation, one whose observation no prior draw can give (named),
        or a ``--shared`` pattern that names no belief.
    """
    t0 = time.perf_counter()
    scenarios = _scenarios(cases)
    n = int(DEFAULT_DRAWS if draws is None else draws)
    if n < 2:
        raise CalibrationError(f"draws must be at least 2 (got {n})")
    seed = int(scenarios[0].montecarlo.seed if seed is None else seed)
    if seed < 0:
        raise CalibrationError(f"seed must be >= 0 (got {seed})")
    if int(inner) < 1:
        raise CalibrationError(f"inner must be at least 1 (got {inner})")
    sharing = find_shared(scenarios, shared)
    layout = _layout(scenarios, sharing, seed, int(inner))
    # one executor for every stage of the sampler (a cluster is started once, if at all)
    # one worker is the default, which a running cluster (which has its own) takes as none
    pool = workers if workers > 1 and executor is None else None
    with using_executor(executor, workers=pool, scheduler=scheduler) as ex:
        model = Cases(layout, sharing.priors, workers=workers, chunk_size=chunk_size, executor=ex)
        sampler = scenarios[0].montecarlo.sampler
        z0, rows0 = _prior(model, n, seed, sampler, progress)
        _check(layout, rows0, len(z0))
        d = len(sharing.priors)
        blocks = [Block("shared", slice(0, d), tuple(c for c, k in enumerate(layout) if k.shared))]
        blocks += [Block(k.name, k.columns, (c,)) for c, k in enumerate(layout)]
        result = temper(
            model.evaluate,
            z0,
            blocks,
            len(layout),
            seed=seed,
            progress=progress,
            rows0=rows0,
            size=n,
        )
        out = _summarise(layout, sharing, model, result, seed, sampler)
    out.summary["inner"] = int(inner)
    out.wall_seconds = time.perf_counter() - t0
    for message in out.warnings:
        warnings.warn(message, CalibrationWarning, stacklevel=2)
    return out


def _summarise(
    layout: list[Case], sharing: Sharing, model: Cases, result: Tempered, seed: int, sampler: str
) -> Calibration:
    """The Calibration of a finished sampler run."""
    post, prior = result.posterior, result.prior
    w = post.weights()
    n = len(w)
    size = ess(post.logw, post.z)
    notes = list(sharing.notes)
    if not sharing.priors:
        notes.append(
            "no belief is shared by the cases, so the posterior holds none (only the "
            "predictive checks are of use): name beliefs with --shared"
        )
    if size < MIN_ESS:
        notes.append(
            f"the posterior rests on an effective sample of {size:.0f} draws, fewer than "
            f"{MIN_ESS}: its figures are rough; raise --draws"
        )
    post_vals, prior_vals = model.shared_values(post.z), model.shared_values(prior.z)
    summary: dict[str, Any] = {
        "ess": size,
        "draws": n,
        "prior_draws": len(prior.z),
        "seed": seed,
        "sampler": sampler,
        "method": METHOD,
        "unique_particles": int(len(np.unique(post.z, axis=0))),
        "stages": [
            {"beta": s.beta, "ess": s.ess, "sweeps": s.sweeps, "acceptance": s.acceptance}
            for s in result.stages
        ],
        "shared": {
            k: {
                "prior": p.to_shorthand(),
                "cases": list(sharing.cases[k]),
                "named": k in sharing.named,
                **belief_summary(prior_vals[k], post_vals[k], w),
            }
            for k, p in sharing.priors.items()
        },
        "cases": {
            case.name: case_summary(case, prior.rows[c], post.rows[c], w)
            for c, case in enumerate(layout)
        },
        "warnings": notes,
    }
    frame = pd.DataFrame({"particle": np.arange(n), **post_vals, "weight": w})
    curves = {
        case.name: survival_curves(case, prior.rows[c], post.rows[c], w)
        for c, case in enumerate(layout)
    }
    return Calibration(summary, frame, pd.DataFrame(prior_vals), curves, notes)
