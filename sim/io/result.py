"""The in-memory :class:`Result` of one run, and what its folder on disk holds.

A result folder (``results/<name>/``) holds::

    summary.json     headline figures with 95% confidence intervals
    survival.csv     period, years, survival, ci_low, ci_high, survival_if_accepted
    breakdown.csv    expected probability of a breakdown per period, by breaker and cause
    power.csv        A's win probability per event state and period (quantiles over draws)
    draws.parquet    one row per draw: every sampled parameter (by key path) and the
                     draw's story (accepted; rejected_by, rejection_cause; break_period,
                     break_year, breaker, cause; NA where they do not apply), its p_holds_*
                     and t = 0 references; every column is documented in README.md
                     ("Reading the output")
    curves.parquet   with --save-curves only: one row per draw, ``draw`` and p_holds.<t>
                     for every period t = 0 .. horizon
    sensitivity.csv  global sensitivity indices of the beliefs with 95% intervals (when the
                     Result has a table function: sim.run and sim.load_result attach one)
    manifest.json    scenario text and sha256, seed, sampler, draws, versions, command,
                     start time, wall seconds, git commit, and every file's sha256
    *.png            figures (unless --no-plots)

It is written by :class:`sim.io.ResultWriter` through :mod:`sim.io.atomic` (complete or
not at all) and read back by :func:`sim.io.load_result`.

Figures. The persistence layer never imports plotting: a Result carries the function
that draws its figures (:attr:`Result.figures`), supplied by the layer above:
:func:`sim.run` and :func:`sim.load_result` (and so ``sim run``) attach
``sim.plots.save_all``. A judgement: the function travels with the Result rather
than being an argument of every :meth:`Result.save`, so that ``sim.run(...).save(path)``
keeps writing the figures without the caller naming the plotting module; the
alternative (a required ``figures=`` argument) would break that call. A Result without a
figure function, saved with ``plots=True``, fails with a message, never silently without
its figures.

Derived tables travel the same way: :attr:`Result.tables` computes tables from the run
(``sensitivity.csv``: :func:`sim.api.standard_tables`, which calls the analysis layer), and
the writer writes each as ``<name>.csv`` before the figures, which may read them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ResultError

__all__ = [
    "OPTIONAL_FILES",
    "REQUIRED_FILES",
    "FigureFunction",
    "Result",
    "TableFunction",
    "require_figures",
]

#: The files every result folder holds (besides ``manifest.json`` and the figures).
REQUIRED_FILES = ("summary.json", "survival.csv", "breakdown.csv", "power.csv", "draws.parquet")
#: Files a result folder holds when the run has them: ``beliefs.csv`` with private
#: information, ``curves.parquet`` when the run kept each draw's survival curve.
OPTIONAL_FILES = ("beliefs.csv", "curves.parquet")

#: Draws a run's figures into a folder in a format (``"png"``, ``"svg"``, ``"pdf"``) and
#: returns their paths: ``figures(result, folder, fmt)``, e.g. ``sim.plots.save_all``.
FigureFunction = Callable[["Result", Path, str], list[Path]]
#: Computes tables derived from a run, written as ``<name>.csv`` into its folder:
#: ``tables(result) -> {name: DataFrame}``, e.g. :func:`sim.api.standard_tables`.
TableFunction = Callable[["Result"], dict[str, pd.DataFrame]]


@dataclass
class Result:
    """One run: headline summary and tables (pandas), plus what produced it.

    ``figures`` is the function that draws the run's figures when it is saved with
    ``plots=True``, and ``tables`` the one that computes its derived tables (see the module
    docstring); they are not part of the result's data and take no part in comparisons.
    """

    scenario: Any
    summary: dict
    survival: pd.DataFrame
    breakdown: pd.DataFrame
    power: pd.DataFrame
    draws: pd.DataFrame
    options: Any = None
    wall_seconds: float = 0.0
    manifest: dict = field(default_factory=dict)
    path: Path | None = None
    figures: FigureFunction | None = field(default=None, repr=False, compare=False)
    beliefs: pd.DataFrame | None = None  # with private information: beliefs.csv
    tables: TableFunction | None = field(default=None, repr=False, compare=False)
    #: Each draw's survival at every period (``curves.parquet``), when the run kept it.
    curves: pd.DataFrame | None = None

    @property
    def name(self) -> str:
        """The scenario's name (the default result folder's name)."""
        return self.summary.get("scenario") or "result"

    @property
    def title(self) -> str:
        """The scenario's title, else its name."""
        return self.summary.get("title") or self.name

    @property
    def label(self) -> str | None:
        """The name the user gave the run (``--label``), or None."""
        label = self.summary.get("label")
        return label if isinstance(label, str) and label else None

    @property
    def changes(self) -> list[str]:
        """How the run differs from its scenario file, e.g. ``["war.first_strike=0"]``
        (see :mod:`sim.io.labels`)."""
        from sim.io.labels import result_changes

        return result_changes(self)

    def headline(self) -> pd.DataFrame:
        """The headline table: accepted and holds 1/2/5/10 years, with 95% intervals."""
        rows = [("accepted", self.summary["p_accepted"])]
        rows += [(f"holds {k}", v) for k, v in self.summary["p_holds"].items()]
        return pd.DataFrame(
            [
                {
                    "": label,
                    "estimate": v["estimate"],
                    "ci_low": v["ci_low"],
                    "ci_high": v["ci_high"],
                }
                for label, v in rows
            ]
        ).set_index("")

    def save(
        self,
        out: str | os.PathLike,
        *,
        plots: bool = True,
        fmt: str = "png",
        command: str | None = None,
        figures: FigureFunction | None = None,
    ) -> Path:
        """Write the result folder atomically and return its path.

        Parameters
        ----------
        out
            The folder; an existing one is replaced only if it is a result or empty.
        plots
            Draw the figures too, with ``figures`` (default: :attr:`figures`). Raises
            :class:`ResultError` before writing anything if there is no figure function.
        fmt
            Figure format: ``png``, ``svg`` or ``pdf``.
        command
            The command recorded in the manifest (default: the process's command line).
        figures
            The figure function to use instead of :attr:`figures`.
        """
        from sim.io.writer import ResultWriter

        if plots:
            require_figures(self, figures)  # before anything is written
        writer = ResultWriter(out)
        try:
            writer.write_draws(self.draws)
            if self.curves is not None:
                writer.write_curves(self.curves)
            return writer.finish(self, plots=plots, fmt=fmt, command=command, figures=figures)
        except BaseException:
            writer.abort()
            raise


def require_figures(result: Result, figures: FigureFunction | None = None) -> FigureFunction:
    """The figure function to draw ``result`` with: ``figures``, else ``result.figures``.

    Raises :class:`ResultError` (saying what to do) when there is neither: a Result made
    by the lower layers (``sim.montecarlo.run``, ``sim.io.load_result``) has none.
    """
    draw = figures if figures is not None else result.figures
    if draw is None:
        raise ResultError(
            "this Result has no figure function, so its figures cannot be drawn and nothing "
            "was written: save it with plots=False, pass figures=sim.plots.save_all, or get "
            "it from sim.run or sim.load_result, which attach the standard figures"
        )
    return draw
