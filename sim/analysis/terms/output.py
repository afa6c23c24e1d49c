"""Writing a terms table: ``terms.csv``, ``terms.png`` and ``terms.json``, atomically."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.io import ResultError
from sim.io.atomic import AtomicFolder

__all__ = ["TermsFigure", "write_terms"]

#: Draws the figure of a terms table to a path in a format: ``figure(table, path, fmt)``.
TermsFigure = Callable[[pd.DataFrame, Path, str], Path]


def _plain(v: Any) -> Any:
    """A value as JSON has it: NaN as null, numpy scalars as Python ones."""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def write_terms(
    table: pd.DataFrame,
    out: str | os.PathLike,
    *,
    plots: bool = True,
    fmt: str = "png",
    command: str | None = None,
    figure: TermsFigure | None = None,
) -> Path:
    """Write ``terms.csv``, ``terms.<fmt>`` and ``terms.json`` into the folder ``out``.

    The folder is written like a run's result (:class:`sim.io.atomic.AtomicFolder`): into
    a hidden temporary folder beside ``out``, renamed into place when complete, replacing
    an earlier output of ``sim`` only then and never a folder of other files.
    ``terms.json`` (what was run, and every row) is written last and marks the folder
    complete.

    Parameters
    ----------
    table
        A table from :func:`sim.analysis.terms.terms`.
    out
        The folder.
    plots
        Draw the figure with ``figure``; this layer does not import plotting, so
        ``plots=True`` without a ``figure`` raises :class:`ResultError` before anything
        is written.
    fmt
        Figure format: ``png``, ``svg`` or ``pdf``.
    command
        The command recorded in ``terms.json`` (default: the process's command line).
    figure
        Draws the figure: ``figure(table, path, fmt)``, e.g. :func:`sim.plots.save_terms`.
    """
    if plots and figure is None:
        raise ResultError(
            "write_terms needs figure= (e.g. sim.plots.save_terms) to draw terms.png, and "
            "nothing was written: pass it, or plots=False to write the tables only"
        )

    def fill(tmp: Path) -> None:
        table.to_csv(tmp / "terms.csv", index=False)
        if plots and figure is not None:
            figure(table, tmp / f"terms.{fmt}", fmt)
        meta = dict(table.attrs)
        meta.update(
            term_sets=len(table),
            command=command if command is not None else " ".join(sys.argv),
            rows=[{k: _plain(v) for k, v in row.items()} for row in table.to_dict("records")],
            # every file of the folder, so that replacing it later deletes only what was written
            files={p.name: p.stat().st_size for p in sorted(tmp.iterdir())},
        )
        with open(tmp / "terms.json", "w", encoding="utf-8") as fh:  # last: marks it complete
            json.dump(meta, fh, indent=1, default=_plain)
            fh.write("\n")

    # only an empty folder or an earlier output of sim is replaced
    return AtomicFolder(out).write("terms", fill)
