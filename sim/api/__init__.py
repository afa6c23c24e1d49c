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

# the analysis half of the facade (one module would be too long); re-exported here
from sim.api.analysis import (  # noqa: E402
    calibrate,
    calibration_figure,
    explain,
    sensitivity,
    terms,
)


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
    workers, executor, scheduler
        Where chunks are solved: ``executor`` is ``"local"``, ``"processes"`` (``workers``
        of them; default the usable CPUs) or ``"dask"`` (the cluster at ``scheduler``,
        else ``SIM_DASK_SCHEDULER``, else a ``LocalCluster``), an open executor or a
        ``distributed.Client``; results never depend on them.
    overrides
        Key path -> value, ``KEY=VALUE`` strings or (key path, value) pairs.
    chunk_size
        Draws per chunk (memory grows with it; results do not depend on it).
    method, selection
        Override ``solver.method`` / ``solver.selection``: a rule given here plays every
        draw, also when the scenario samples its rule (``choice([...])``).
    progress, draws_sink
        Called with (draws done, total) as chunks complete; given each chunk's draws table
        in draw order instead of keeping it (``Result.draws`` is then empty).
    label
        A name for the run (one line, at most 80 characters), shown wherever it is.
    posterior
        A ``sim calibrate`` folder: the beliefs it holds are drawn from its posterior.
    curves, curves_sink
        Keep each draw's survival at every period (``Result.curves``, ``curves.parquet``);
        or hand each chunk's curves to ``curves_sink``. Off by default.

    Returns
    -------
    Result
        Its ``save(path)`` writes the result folder with the standard figures
        (:func:`standard_figures`) and ``sensitivity.csv`` (:func:`standard_tables`). See
        :func:`sim.montecarlo.run` for the details.

    Raises
    ------
    TypeError, ValueError, ScenarioError, BudgetError
        An argument of the wrong kind or range (naming it: :mod:`sim.montecarlo.arguments`),
        a scenario the format refuses, a run over budget (:mod:`sim.montecarlo.budget`).
    """
    from sim import montecarlo

    result = montecarlo.run(
        scenario, draws=draws, seed=seed, sampler=sampler, workers=workers, overrides=overrides,
        chunk_size=chunk_size, method=method, selection=selection, progress=progress,
        draws_sink=draws_sink, executor=executor, scheduler=scheduler, label=label,
        posterior=posterior, curves=curves, curves_sink=curves_sink,
    )  # fmt: skip
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
