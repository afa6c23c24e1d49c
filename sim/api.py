"""The public Python API: ``sim.run``, ``sim.sweep``, ``sim.terms``, ``sim.compare``,
``sim.paired``, ``sim.report``, ``sim.explain``, ``sim.sensitivity``, ``sim.calibrate``,
``sim.load_result``, ``sim.load_scenario``.

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
no figure function and refuses ``plots=True`` with a message. The derived tables
(``sensitivity.csv``) travel the same way, as :func:`standard_tables`. This is a judgement; the
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
    "discovery_figure",
    "explain",
    "load_result",
    "load_scenario",
    "report",
    "run",
    "sensitivity",
    "standard_figures",
    "standard_tables",
    "sweep",
    "sweep_figure",
    "terms",
    "terms_figure",
]


def standard_figures(result: Result, folder: str | os.PathLike, fmt: str = "png") -> list[Path]:
    """Write the four standard figures of a run into ``folder``: :func:`sim.plots.save_all`.

    The figure function of the Results this module returns; matplotlib is imported only
    when it is called.
    """
    from sim import plots

    return plots.save_all(result, folder, fmt=fmt)


def standard_tables(result: Result) -> dict[str, pd.DataFrame]:
    """The derived tables of a run, written into its folder: ``sensitivity.csv``.

    The table function of the Results this module returns: the global sensitivity
    indices of the beliefs for P(holds 5 years) (else the longest horizon),
    :func:`sim.analysis.sensitivity_indices`.
    """
    from sim import analysis
    from sim.io import draw_columns

    outcome = analysis.default_outcome(draw_columns(result))
    if outcome is None:
        return {"sensitivity": analysis.empty_indices()}
    return {"sensitivity": analysis.sensitivity_indices(result, outcome)}


def discovery_figure(discovery: Any, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write the figure of a discovery to ``path``: :func:`sim.plots.save_discovery`.

    The figure function the command line gives :func:`sim.analysis.write_discovery`;
    matplotlib is imported only when it is called.
    """
    from sim import plots

    return plots.save_discovery(discovery, path, fmt=fmt)


def sweep_figure(table: pd.DataFrame, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write the figure of a sweep table to ``path``: :func:`sim.plots.save_sweep`.

    The figure function the command line gives :func:`sim.analysis.write_sweep`;
    matplotlib is imported only when it is called.
    """
    from sim import plots

    return plots.save_sweep(table, path, fmt=fmt)


def terms_figure(table: pd.DataFrame, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write the figure of a terms table to ``path``: :func:`sim.plots.save_terms`.

    The figure function the command line gives :func:`sim.analysis.terms.write_terms`;
    matplotlib is imported only when it is called.
    """
    from sim import plots

    return plots.save_terms(table, path, fmt=fmt)


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


def run(
    scenario: Scenario | str | os.PathLike,
    *,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    workers: int | None = None,
    overrides: Mapping[str, Any] | list[str] | list[tuple[str, Any]] | None = None,
    chunk_size: int | None = None,
    method: str | None = None,
    selection: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    draws_sink: Callable[[pd.DataFrame], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
    label: str | None = None,
    posterior: Posterior | str | os.PathLike | None = None,
    curves: bool = False,
    curves_sink: Callable[[pd.DataFrame], None] | None = None,
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
        Worker processes that solve chunks in parallel (``processes``, or the
        ``LocalCluster`` of ``dask``; default: the usable CPUs). Results do not depend
        on it.
    overrides
        Key path -> value, ``KEY=VALUE`` strings or (key path, value) pairs, applied
        before validation.
    chunk_size
        Draws per chunk (memory per chunk grows with it). Results do not depend on it.
    method, selection
        Override ``solver.method`` / ``solver.selection``.
    progress
        Called with (draws done, draws total) as chunks complete.
    draws_sink
        If given, each chunk's draws table is handed to it in draw order (e.g. streamed
        to a file) instead of being kept in memory; ``Result.draws`` is then empty.
    executor
        Where chunks are solved: ``"local"``, ``"processes"`` or ``"dask"``, an open
        executor (:func:`sim.montecarlo.open_executor`), or a ``distributed.Client``
        (e.g. on a ``dask_jobqueue.SLURMCluster``). Default: ``processes`` when
        ``workers`` > 1, ``dask`` when ``scheduler`` is given, else ``local``. Results
        do not depend on it.
    scheduler
        A Dask scheduler's address (``tcp://host:8786``; default: the variable
        ``SIM_DASK_SCHEDULER``, else a ``LocalCluster`` started for the run).
    label
        A name for the run (one line, at most 80 characters): kept in its summary and
        manifest, shown by ``sim show``, ``sim compare`` and the plots' titles and legends.
    posterior
        A folder written by ``sim calibrate`` (or ``sim.calibrate(...).save(...)``): the
        shared beliefs it holds are drawn from its posterior, the rest from the scenario;
        the manifest records the folder and its hash.
    curves
        Also keep each draw's survival at every period: ``Result.curves``, one row per
        draw (``draw``, then ``p_holds.<t>`` for t = 0 .. horizon), saved as
        ``curves.parquet`` (``sim run --save-curves``). Off by default; no other number
        changes.
    curves_sink
        With ``curves``: each chunk's curves go to it in draw order, as ``draws_sink``.

    Returns
    -------
    Result
        Its ``save(path)`` writes the result folder with the standard figures
        (:func:`standard_figures`) and ``sensitivity.csv`` (:func:`standard_tables`). See
        :func:`sim.montecarlo.run` for the details.

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong kind or out of range, naming it and what is allowed
        (``draws=2.5``, ``seed=-1``, a dict as the scenario, a string as ``overrides``);
        see :mod:`sim.montecarlo.arguments`.
    ScenarioError
        For a scenario or an override the format does not accept.
    BudgetError
        When the run would need more memory or time than allowed
        (:mod:`sim.montecarlo.budget`).
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
        executor=executor,
        scheduler=scheduler,
        label=label,
        posterior=posterior,
        curves=curves,
        curves_sink=curves_sink,
    )
    result.figures, result.tables = standard_figures, standard_tables
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
    result.figures, result.tables = standard_figures, standard_tables
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
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run ``scenario`` at every point of a grid over any number of key paths.

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
        Worker processes for the whole sweep; results do not depend on it.
    progress
        Called with (grid points done, grid points total) after each point.
    executor, scheduler
        Where the chunks are solved, as for :func:`run`; every grid point's chunks go
        to one executor as one stream of tasks.

    Returns
    -------
    DataFrame
        One row per grid point: the varied key paths, then the headline figures with
        their 95% intervals and the survival of an accepted ceasefire
        (``p_holds_if_accepted_<k>``). At most 2,500 grid points.

    Raises
    ------
    ScenarioError, TypeError, ValueError, BudgetError
        Before anything runs: see :func:`sim.analysis.sweep`.
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
        executor=executor,
        scheduler=scheduler,
    )


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


def compare(
    results_or_dirs: Any, *, labels: Sequence[str] | None = None, formatted: bool = True
) -> pd.DataFrame:
    """Several runs side by side: headline figures, breakers, causes, changes.

    Parameters
    ----------
    results_or_dirs
        :class:`~sim.io.Result` objects and/or result folders.
    labels
        Run labels; by default each run's ``--label``, else its folder name (or scenario
        name) with its changes, made unique.
    formatted
        True (the default): a table for reading, one column per run and one row per
        figure, each cell text such as ``64.1% (63.4–64.7%)`` (what ``sim compare``
        prints). False: the numbers, one row per run, for computing.

    Returns
    -------
    DataFrame
        See :func:`sim.analysis.compare`.
    """
    from sim import analysis

    return analysis.compare(results_or_dirs, labels=labels, formatted=formatted)


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


def _as_result(result: Any) -> Any:
    """A Result, or the Result saved in a folder (its draws read when needed)."""
    if isinstance(result, (str, os.PathLike)):
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
    from sim import analysis

    found = analysis.discover(_as_result(result), outcome, target)
    if out is not None:
        analysis.write_discovery(
            found, out, plots=plots, fmt=fmt, figure=discovery_figure if plots else None
        )
    table = found.table()
    table.attrs["discovery"] = found
    return table
