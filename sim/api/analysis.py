"""The analysis half of the public API: ``sim.terms``, ``sim.calibrate``, ``sim.explain``,
``sim.sensitivity`` (re-exported by :mod:`sim.api`, where the rest of the facade is; see
its docstring for why the facade exists). Split out so that each module stays short.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from sim.calibration import Calibration
    from sim.scenario import Scenario

__all__ = ["calibrate", "calibration_figure", "explain", "sensitivity", "terms"]


def calibration_figure(cal: Calibration, path: str | os.PathLike, fmt: str = "png") -> Path:
    """Write the figure of a calibration to ``path``: :func:`sim.plots.save_calibration`.

    The figure function the command line gives :meth:`sim.calibration.Calibration.save`;
    matplotlib is imported only when it is called.
    """
    from sim import plots

    return plots.save_calibration(cal, path, fmt=fmt)


def calibrate(
    cases: Sequence[Scenario | str | os.PathLike],
    *,
    draws: int | None = None,
    seed: int | None = None,
    shared: Sequence[str] = (),
    inner: int = 64,
    workers: int = 1,
    chunk_size: int | None = None,
    progress: Callable[[str], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
) -> Calibration:
    """Weigh the beliefs the cases share by what was observed: :func:`sim.calibration.calibrate`.

    Parameters
    ----------
    cases
        Scenario files (or loaded scenarios) with an ``observed`` block.
    draws
        Particles (default 1000).
    seed
        Fixes every number (default: the first case's ``montecarlo.seed``).
    shared
        More key paths to share (``*`` and ``?`` match), beyond those with the same key
        path and prior in several cases.
    inner
        Draws of a reference class's own beliefs per particle.
    workers, chunk_size
        Worker processes and particles per chunk; neither changes a number.
    executor, scheduler
        Where the likelihoods are solved, as for :func:`run` (a Dask cluster too); no
        number depends on it.
    progress
        Called with a line of text after each step of the sampler.

    Returns
    -------
    Calibration
        ``.summary`` (what ``calibration.json`` says: ``ess``, ``cases``, ``shared``),
        ``.posterior`` (the particles and weights); ``.save(out)`` writes the folder with
        its figure (:func:`calibration_figure`) for ``sim.run(..., posterior=out)``.

    Raises
    ------
    CalibrationError
        A case without an observation, one that no prior draw can give (named), or a
        ``shared`` pattern that names no belief.
    """
    from sim import calibration

    cal = calibration.calibrate(
        cases,
        draws=draws,
        seed=seed,
        shared=shared,
        inner=inner,
        workers=workers,
        chunk_size=chunk_size,
        progress=progress,
        executor=executor,
        scheduler=scheduler,
    )
    cal.figure = calibration_figure
    return cal


def terms(
    scenario: Scenario | str | os.PathLike,
    regions: str | Sequence[str],
    *,
    shares: str | Sequence[float] | None = None,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    workers: int = 1,
    overrides: Mapping[str, Any] | list[str] | None = None,
    chunk_size: int | None = None,
    method: str | None = None,
    selection: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Grade every assignment of the contested ``regions`` on the same draws.

    Each named region goes whole to one side (or, with ``shares``, A gets each share of
    the grid), the rest of the terms as in the file; every term set is solved on the
    same Monte Carlo draws, and the file's own terms give exactly :func:`run`'s figures.
    See :mod:`sim.analysis.terms` for the columns.

    Parameters
    ----------
    scenario
        A :class:`~sim.scenario.Scenario` or the path of a scenario file.
    regions
        ``"r1,r2"`` or a list of region ids.
    shares
        A's shares to try (``"0,0.5,1"``, ``"0:1:5"`` or a list); None: whole regions.
    draws, seed, sampler, workers, overrides, chunk_size, method, selection
        As for :func:`run`, the same for every term set.
    executor, scheduler
        Where the draws are solved, as for :func:`run` (a Dask cluster too); the table does
        not depend on it.
    progress
        Called with (draws solved, draws x term sets).

    Returns
    -------
    DataFrame
        One row per term set; :func:`sim.analysis.terms.write_terms` writes it with
        :func:`terms_figure`.
    """
    from sim import analysis

    return analysis.terms(
        scenario,
        regions,
        shares=shares,
        draws=draws,
        seed=seed,
        sampler=sampler,
        workers=workers,
        overrides=overrides,
        chunk_size=chunk_size,
        method=method,
        selection=selection,
        progress=progress,
        executor=executor,
        scheduler=scheduler,
    )


def _as_result(result: Any) -> Any:
    """A Result, or the Result saved in a folder (its draws read when needed)."""
    if isinstance(result, (str, os.PathLike)):
        from sim.api import load_result

        return load_result(result, draws=False)
    return result


def sensitivity(result: Any, outcome: str | None = None) -> pd.DataFrame:
    """Global sensitivity indices of a run's beliefs, with 95% bootstrap intervals.

    Parameters
    ----------
    result
        A :class:`~sim.io.Result` or a result folder.
    outcome
        ``holds_5y`` (default when the horizon reaches it), ``holds_1y``, ``holds_2y``,
        ``holds_10y``, ``holds_end`` or ``accepted``.

    Returns
    -------
    DataFrame
        Columns ``key``, ``name``, ``method`` (``rbd_fast``; ``sobol`` for a run with
        ``design="saltelli"``), ``measure`` (``S1``, ``ST``), ``index``, ``ci_low``,
        ``ci_high``, ``rank``, ``outcome``, ``draws``: what ``sensitivity.csv`` holds for
        the default outcome. See :mod:`sim.analysis.gsa`.
    """
    from sim import analysis
    from sim.io import draw_columns

    result = _as_result(result)
    outcome = outcome or analysis.default_outcome(draw_columns(result)) or "holds_5y"
    return analysis.sensitivity_indices(result, outcome)


def explain(
    result: Any,
    outcome: str = "holds_5y",
    target: str = "holds",
    *,
    out: str | os.PathLike | None = None,
    plots: bool = True,
    fmt: str = "png",
) -> pd.DataFrame:
    """Which combinations of beliefs make the ceasefire hold (or break): PRIM boxes in words.

    Parameters
    ----------
    result
        A :class:`~sim.io.Result` or a result folder.
    outcome
        ``holds_5y`` (default), ``holds_1y``, ``holds_2y``, ``holds_10y``, ``holds_end``
        or ``accepted``.
    target
        ``holds`` (explain the outcome) or ``breaks`` (its complement); the complement's
        first box is found too.
    out
        If given, write ``discovery.json``, ``findings.md`` and ``discovery.png`` there, as
        ``sim explain --out`` does.
    plots, fmt
        Draw the figure when writing, in this format.

    Returns
    -------
    DataFrame
        One row per box (the target's, then the complement's): ``target``, ``rank``,
        ``coverage``, ``density``, ``mass``, ``draws``, ``restricted``, ``finding`` (the
        sentence), ``restrictions`` (key path -> [low, high]). ``attrs`` holds
        ``outcome``, ``target``, ``base_rate`` and ``discovery``, the whole
        :class:`sim.analysis.Discovery` (trajectories, sensitivity, ``markdown()``).
    """
    from sim import analysis, api

    found = analysis.discover(_as_result(result), outcome, target)
    if out is not None:
        analysis.write_discovery(
            found, out, plots=plots, fmt=fmt, figure=api.discovery_figure if plots else None
        )
    table = found.table()
    table.attrs["discovery"] = found
    return table
