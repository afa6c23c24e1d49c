"""``sim compare``: saved runs side by side (their survival curves and headline figures)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sim.cli.common import fail, interval_text, write_atomic_text

__all__ = ["compare", "print_compare"]


@click.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("compare.png"),
    show_default=True,
    help="Overlay of the survival curves (.png, .svg or .pdf).",
)
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(path_type=Path),
    help="Also write the side-by-side table as CSV.",
)
def compare(folders: tuple[Path, ...], out: Path, csv_out: Path | None) -> None:
    """Compare saved result FOLDERS: overlay their survival curves, print their headline
    figures side by side."""
    from sim import plots
    from sim.analysis import compare as compare_table
    from sim.analysis import load, run_labels

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in plots.FORMATS:
        fail(f"--out {out}: give a .png, .svg or .pdf file")
    results = load(folders)  # refuses a folder that is not a complete result (exit 1)
    labels = run_labels(results)
    table = compare_table(results, labels=labels)
    print_compare(table)
    plots.save_compare(results, out, fmt, labels=labels)
    click.echo(f"wrote {out}")
    if csv_out is not None:
        write_atomic_text(csv_out, table.to_csv())
        click.echo(f"wrote {csv_out}")


def print_compare(table: Any) -> None:
    """Print a comparison table (:func:`sim.analysis.compare`): one column per run."""
    from rich.console import Console
    from rich.table import Table

    from sim.analysis import HEADLINE_ROWS

    out = Table(title="headline figures (95% CI)")
    out.add_column("")
    for label in table.index:
        out.add_column(str(label), justify="right")
    for name, col in HEADLINE_ROWS:
        if col in table.columns:
            out.add_row(name, *(interval_text(table, col, i) for i in table.index))
    out.add_row("draws", *(f"{int(d):,}" for d in table["draws"]))
    console = Console(file=sys.stdout, width=max(100, 24 + 26 * len(table)))
    console.print(out)
    for label, title in zip(table.index, table["title"], strict=True):
        console.print(f"{label}: {title}", highlight=False)
