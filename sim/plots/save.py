"""Saving figures: each written beside its target and renamed, with fixed metadata.

:func:`save_all` writes the four figures of a run with plain
:class:`~matplotlib.figure.Figure` objects, so ``sim run`` never touches pyplot or a GUI
backend; it is the figure function that :func:`sim.run` and :func:`sim.load_result`
attach to their Results (:data:`sim.io.FigureFunction`). The same run writes the same
bytes: no date is embedded in an svg or pdf, and the ids inside an svg are salted with a
fixed string (:data:`SVG_SALT`) rather than a random one.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.sensitivity import parameter_columns
from sim.io import draw_columns
from sim.plots.beliefs import panels, plot_beliefs
from sim.plots.breakdown import plot_breakdown
from sim.plots.compare import plot_compare
from sim.plots.discovery import plot_discovery
from sim.plots.indices import plot_sensitivity_panels
from sim.plots.power import plot_power
from sim.plots.style import DPI, FORMATS
from sim.plots.survival import plot_survival
from sim.plots.sweep import panel_grid, plot_sweep
from sim.plots.terms import figure_size, plot_terms

__all__ = [
    "SVG_SALT",
    "compare_figure_of",
    "figures_of",
    "save_all",
    "save_compare",
    "save_discovery",
    "save_figure",
    "save_sweep",
    "save_terms",
    "sweep_figure_of",
]

#: The fixed salt of the element ids in an svg (matplotlib's default is random per file).
SVG_SALT = "ceasefire-sim"


def save_figure(fig, path: str | Path, fmt: str | None = None) -> Path:
    """Save a figure (png at a readable resolution, or svg/pdf by suffix or ``fmt``)."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower() or "png"
    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    # write beside the target and rename: a reader never sees half a file
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        # svg ids (clip paths, glyphs) are salted with a random uuid unless a salt is set
        with matplotlib.rc_context({"svg.hashsalt": SVG_SALT}):
            fig.savefig(tmp, dpi=DPI, format=fmt, metadata=_metadata(fmt))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _metadata(fmt: str) -> dict:
    # fixed metadata: the same run writes the same bytes
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None}
    return {}


def sweep_figure_of(table: pd.DataFrame) -> Figure:
    """The figure of a sweep table (see :func:`plot_sweep`), sized to its grid: lines for
    one key, a heatmap for two, a heatmap of the first two per combination of the others
    for more."""
    keys = list(table.attrs.get("vary") or [])
    if len(keys) >= 2:
        nx, ny = table[keys[0]].nunique(), table[keys[1]].nunique()
        size = (2.6 + 0.95 * max(nx, 4), 2.4 + 0.7 * max(ny, 4))
        rows, cols = panel_grid(table)
        size = (size[0] * min(cols, 2) if cols > 1 else size[0], size[1] * rows * 0.85 + 0.6)
        fig = Figure(figsize=(min(size[0], 22), min(size[1], 30)), layout="constrained")
        plot_sweep(table, fig if rows * cols > 1 else fig.subplots())
        return fig
    fig = Figure(figsize=(10, 5.8), layout="constrained")
    plot_sweep(table, fig.subplots())
    return fig


def save_sweep(table: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write the figure of a sweep table (see :func:`sweep_figure_of`) to ``path``."""
    return save_figure(sweep_figure_of(table), path, fmt)


def save_discovery(discovery, path: str | Path, fmt: str | None = None) -> Path:
    """Write the figure of a discovery (see :func:`plot_discovery`) to ``path``."""
    from sim.analysis import restriction_rows

    rows = len(restriction_rows(discovery))
    fig = Figure(figsize=(16, max(6.0, 2.4 + 0.5 * rows)), layout="constrained")
    plot_discovery(discovery, fig.subplots(1, 2, width_ratios=[1, 1.1]))
    return save_figure(fig, path, fmt)


def save_terms(table: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write the figure of a terms table (see :func:`sim.plots.terms.plot_terms`) to ``path``."""
    fig = Figure(figsize=figure_size(table), layout="constrained")
    plot_terms(table, fig)
    return save_figure(fig, path, fmt)


def compare_figure_of(results_or_dirs, *, labels=None, years: float | None = None) -> Figure:
    """The overlay of several runs' survival curves (see :func:`plot_compare`)."""
    fig = Figure(figsize=(9, 6), layout="constrained")
    plot_compare(results_or_dirs, fig.subplots(), labels=labels, years=years)
    return fig


def save_compare(
    results_or_dirs, path: str | Path, fmt: str | None = None, *, labels=None, years=None
) -> Path:
    """Write the overlay of several runs' survival curves (see :func:`plot_compare`);
    ``years`` limits the x-axis to the first years."""
    return save_figure(compare_figure_of(results_or_dirs, labels=labels, years=years), path, fmt)


def figures_of(result) -> list[tuple[str, Figure]]:
    """The standard figures of a run, drawn: (name, Figure) pairs.

    ``survival``, ``breakdown``, ``sensitivity``, ``power`` and, with private information,
    ``beliefs``, as :func:`save_all` writes them (plain :class:`Figure` objects, no pyplot).
    """
    n_sens = min(12, len(parameter_columns(result, draw_columns(result))))
    builders: tuple = (
        ("survival", (9, 5.8), lambda f: plot_survival(result, f.subplots())),
        ("breakdown", (10, 8), lambda f: plot_breakdown(result, f.subplots(2, 1, sharex=True))),
        (
            "sensitivity",
            (16, 2.6 + 0.42 * max(n_sens, 3)),
            lambda f: plot_sensitivity_panels(result, f.subplots(1, 2)),
        ),
        ("power", (9, 5.8), lambda f: plot_power(result, f.subplots())),
    )
    if getattr(result, "beliefs", None) is not None:
        k = len(panels((result.summary.get("types") or {}).get("ids", []))) or 1
        builders += (
            (
                "beliefs",
                (9, 4.2 * k + 1.8),  # and the legend below
                lambda f: plot_beliefs(result, f.subplots(k, 1, sharex=True)),
            ),
        )
    out = []
    for name, size, build in builders:
        fig = Figure(figsize=size, layout="constrained")
        build(fig)
        out.append((name, fig))
    return out


def save_all(result, folder: str | Path, fmt: str = "png") -> list[Path]:
    """Write the figures of a run into ``folder``; returns the paths.

    ``survival``, ``breakdown``, ``sensitivity``, ``power``, and ``beliefs`` when the
    scenario has private information (``.png`` by default, or ``svg``/``pdf``), drawn by
    :func:`figures_of`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    folder = Path(folder)
    return [save_figure(fig, folder / f"{name}.{fmt}", fmt) for name, fig in figures_of(result)]
