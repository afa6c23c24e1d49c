"""The public Python API: ``sim.run``, ``sim.sweep``, ``sim.compare``, ``sim.report``,
``sim.calibrate``, ``sim.load_result``, ``sim.load_scenario``.

A facade at the top layer, beside the command line: each function is a docstring and a
call into the layer that does the work (:mod:`sim.montecarlo`, :mod:`sim.analysis`,
:mod:`sim.calibration`, :mod:`sim.io`, :mod:`sim.scenario`, :mod:`sim.reporting`), and
``import sim`` maps its names here lazily.

Why a facade. The persistence layer (:mod:`sim.io`) never imports plotting, yet
``sim.run(...).save(path)`` must keep writing the four figures. So the layer that may see
both wires them together: the Results that :func:`run` and :func:`load_result` return
carry :func:`standard_figures` (``sim.plots.save_all``, imported only when a figure is
drawn) as their figure function, and :meth:`sim.io.Result.save` draws with it. A Result
made by the lower layers directly (``sim.montecarlo.run``, ``sim.io.load_result``) has
no figure function and refuses ``plots=True`` with a message. This is a judgement; the
alternatives were a registry in :mod:`sim.io` that :mod:`sim.plots` fills in on import
(hidden state that depends on import order) or a required ``figures=`` argument on
every save (which would break ``sim.run(...).save(path)``).

The signatures are spelled out rather than forwarded as ``**kwargs``, so that
``help(sim.run)`` and editors show every option; a test checks that they match the
functions they call. Nothing heavy is imported at module level.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from sim.calibration import Calibration
    from sim.io import Result
    from sim.montecarlo import Posterior
    from sim.scenario import Scenario

__all__ = [
    "calibrate",
    "calibration_figure",
    "compare",
    "paired",
    "load_result",
    "load_scenario",
    "report",
    "run",
    "standard_figures",
    "sweep",
    "sweep_figure",
]


def standard_figures(result: Result, folder: str | os.PathLike, fmt: str = "png") -> list[Path]:
    """Write the four standard figures of a run into ``folder``: :func:`sim.plots.save_all`.

    The figure function of the Results this module returns; matplotlib is imported only
    when it is called.
    """
    from sim import plots

    return plots.save_all(result, folder, fmt=fmt)


def sweep_figure(table: pd.DataFrame, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write the figure of a sweep table to ``path``: :func:`sim.plots.save_sweep`.

    The figure function the command line gives :func:`sim.analysis.write_sweep`;
    matplotlib is imported only when it is called.
    """
    from sim import plots

    return plots.save_sweep(table, path, fmt=fmt)


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
    )
    cal.figure = calibration_figure
    return cal


def run(
    scenario: Scenario | str | os.PathLike,
    *,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    workers: int = 1,
    overrides: Mapping[str, Any] | list[str] | None = None,
    chunk_size: int | None = None,
    method: str | None = None,
    selection: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    draws_sink: Callable[[pd.DataFrame], None] | None = None,
    posterior: Posterior | str | os.PathLike | None = None,
) -> Result:
    """Run a scenario's Monte Carlo and return its :class:`~sim.io.Result`.

    Parameters
    ----------
    scenario
        A :class:`~sim.scenario.Scenario` or the path of a scenario file.
    draws, seed, sampler
        Override ``montecarlo.draws``, ``montecarlo.seed`` and ``montecarlo.sampler``.
        ``seed=0`` is a seed like any other.
    workers
        Processes that solve chunks in parallel. Results do not depend on it.
    overrides
        Key path -> value (or ``KEY=VALUE`` strings), applied before validation.
    chunk_size
        Draws per chunk (memory per chunk grows with it). Results do not depend on it.
    method, selection
        Override ``solver.method`` / ``solver.selection``.
    progress
        Called with (draws done, draws total) after each chunk.
    draws_sink
        If given, each chunk's draws table is handed to it (e.g. streamed to a file)
        instead of being kept in memory; ``Result.draws`` is then empty.
    posterior
        A folder written by ``sim calibrate`` (or ``sim.calibrate(...).save(...)``): the
        shared beliefs it holds are drawn from its posterior, the rest from the scenario;
        the manifest records the folder and its hash.

    Returns
    -------
    Result
        Its ``save(path)`` writes the result folder with the four standard figures
        (:func:`standard_figures`). See :func:`sim.montecarlo.run` for the details.
    """
    from sim import montecarlo

    result = montecarlo.run(
        scenario,
        draws=draws,
        seed=seed,
        sampler=sampler,
        workers=workers,
        overrides=overrides,
        chunk_size=chunk_size,
        method=method,
        selection=selection,
        progress=progress,
        draws_sink=draws_sink,
        posterior=posterior,
    )
    result.figures = standard_figures
    return result


def load_result(folder: str | os.PathLike, *, verify: bool = True, draws: bool = True) -> Result:
    """Read back a result folder written by ``sim run`` or :meth:`~sim.io.Result.save`.

    Parameters
    ----------
    folder
        The result folder.
    verify
        Check every file against the sha256 in its manifest.
    draws
        Read the draws table too (else ``Result.draws`` is empty and figures read it
        from the folder when needed).

    Returns
    -------
    Result
        Exactly what was saved, with the standard figures attached (saving it again
        draws them).

    Raises
    ------
    ResultError
        Naming what is missing when the folder is not a complete result; see
        :func:`sim.io.load_result`.
    """
    from sim import io as results_io

    result = results_io.load_result(folder, verify=verify, draws=draws)
    result.figures = standard_figures
    return result


def load_scenario(
    path: str | Path,
    overrides: Mapping[str, Any] | list[tuple[str, Any]] | list[str] | None = None,
    without: Sequence[str] = (),
) -> Scenario:
    """Load, check and return a scenario file: :func:`sim.scenario.load_scenario`.

    Parameters
    ----------
    path
        The YAML file.
    overrides
        Key path -> value, (key path, value) pairs, or ``KEY=VALUE`` strings as given to
        ``--set``.
    without
        Mechanism ids to switch off, as ``sim run --without ID``: same draws, mechanism off.

    Raises
    ------
    ScenarioError
        Listing every problem, each naming the file, line, key path and what is allowed.
    """
    from sim import scenario

    return scenario.load_scenario(path, overrides, without=without)


def sweep(
    scenario: Scenario | str | os.PathLike,
    vary: Mapping[str, Any] | Sequence[str],
    *,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    overrides: Mapping[str, Any] | Sequence[str] | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run ``scenario`` at every point of a grid over one or two key paths.

    Every grid point runs with the same seed and draws (common random numbers); see
    :func:`sim.analysis.sweep` for the details.

    Parameters
    ----------
    scenario
        A :class:`~sim.scenario.Scenario` (its ``--set`` overrides are kept) or a file.
    vary
        ``{key path: values}``: a list of values, a ``"START:STOP:NUM"`` range or a
        ``"v1,v2,v3"`` list; or ``["KEY=SPEC", ...]`` as given to ``--vary``.
    draws, seed, sampler
        As for :func:`run`; the same at every grid point. Default: the scenario's
        ``montecarlo`` section.
    overrides
        Further key path -> value overrides applied at every point (the varied keys win).
    workers
        Processes per run; results do not depend on it.
    progress
        Called with (grid points done, grid points total) after each point.

    Returns
    -------
    DataFrame
        One row per grid point: the varied key paths, then the headline figures with
        their 95% intervals.
    """
    from sim import analysis

    return analysis.sweep(
        scenario,
        vary,
        draws=draws,
        seed=seed,
        sampler=sampler,
        overrides=overrides,
        workers=workers,
        progress=progress,
    )


def paired(a: Any, b: Any) -> pd.DataFrame:
    """The effect of a change on the same draws: paired differences B - A of the headline
    figures, unconditional and conditional on acceptance, with 95% intervals.

    Parameters
    ----------
    a, b
        :class:`~sim.io.Result` objects or result folders of runs that share their draws
        (same seed, draws and sampler; e.g. a run and the same with ``--without ID``).

    Returns
    -------
    DataFrame
        See :func:`sim.analysis.paired`; :func:`sim.analysis.selection_notes` turns it
        into sentences where the two kinds of figure disagree in sign.
    """
    from sim import analysis

    return analysis.paired(a, b)


def compare(results_or_dirs: Any, *, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Headline figures of several runs side by side: one row per run.

    Parameters
    ----------
    results_or_dirs
        :class:`~sim.io.Result` objects and/or result folders.
    labels
        Row labels; by default the folder names (or scenario names), made unique.

    Returns
    -------
    DataFrame
        See :func:`sim.analysis.compare`.
    """
    from sim import analysis

    return analysis.compare(results_or_dirs, labels=labels)


def report(
    results_or_dirs: Any,
    out: str | os.PathLike | None = None,
    *,
    figures: str = "svg",
    discovery: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
    labels: Sequence[str] | None = None,
) -> Path:
    """Write a brief: one self-contained HTML page of a run, or of several side by side.

    The page of one run holds the scenario's title and description, the headline table
    with its intervals, who breaks the ceasefire and why in words, the figures, the
    scenario discovery and sensitivity indices when the run has them, the calibration,
    the terms, every uncertain belief with the scenario file's comment on it, and the
    provenance; several runs give a comparison page. See :mod:`sim.reporting`.

    Parameters
    ----------
    results_or_dirs
        A result folder or :class:`~sim.io.Result`, or a list of them.
    out
        The HTML file. Default: beside the run (``results/NAME.html``), or beside the
        first of several (``A_vs_B.html``); a Result that was never saved needs ``out``.
    figures
        ``"svg"`` or ``"png"``: how the figures are inlined.
    discovery
        The folder (or folders) of the run's ``sim explain`` output when it is not beside
        the run; by default every one beside it is shown.
    labels
        Labels of the runs on a comparison page (default: their folder names).

    Returns
    -------
    Path
        The page written.
    """
    from sim import reporting

    return reporting.write_report(
        results_or_dirs, out, figures=figures, discovery=discovery, labels=labels
    )
