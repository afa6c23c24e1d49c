"""``sim compare``: saved runs side by side (their survival curves and headline figures)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from sim.cli.common import after_writing, console, fail, write_atomic_text

__all__ = ["compare", "default_out", "print_compare"]


@click.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Overlay of the survival curves (.png, .svg or .pdf); default: "
    "compare_<runs>.png beside the first run.",
)
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(path_type=Path),
    help="Also write the side-by-side figures as CSV (numbers, one row per run).",
)
@click.option(
    "--years",
    type=click.FloatRange(min=0, min_open=True),
    help="Show only the first YEARS years of the survival curves (e.g. 10 beside a 72-year run).",
)
def compare(
    folders: tuple[Path, ...], out: Path | None, csv_out: Path | None, years: float | None
) -> None:
    """Compare saved result FOLDERS: overlay their survival curves, print their headline
    figures, breakers and causes side by side."""
    from sim import plots
    from sim.analysis import compare as compare_table
    from sim.analysis import load, run_labels

    out = out if out is not None else default_out(folders)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in plots.FORMATS:
        fail(f"--out {out}: give a .png, .svg or .pdf file")
    _refuse_inside_results(out, "--out")
    if csv_out is not None:
        _refuse_inside_results(csv_out, "--csv")
    results = load(folders)  # refuses a folder that is not a complete result (exit 1)
    labels = run_labels(results)
    numbers = compare_table(results, labels=labels, formatted=False)
    plots.save_compare(results, out, fmt, labels=labels, years=years)
    if csv_out is not None:
        write_atomic_text(csv_out, numbers.to_csv())
    with after_writing(out):
        print_compare(compare_table(results, labels=labels))
        click.echo(f"wrote {out}")
        if csv_out is not None:
            click.echo(f"wrote {csv_out}")


def default_out(folders: tuple[Path, ...]) -> Path:
    """``compare_<run>_<run>.png`` beside the first run (never the current folder unless
    the first run is in it): named by the runs, so comparing others does not replace it."""
    names = [re.sub(r"[^A-Za-z0-9_.-]", "_", Path(f).resolve().name) for f in folders]
    stem = "compare_" + "_".join(names)
    if len(stem) > 80:
        stem = f"compare_{names[0][:40]}_and_{len(names) - 1}_more"
    return Path(folders[0]).resolve().parent / f"{stem}.png"


def _refuse_inside_results(path: Path, option: str) -> None:
    """Exit 1 if ``path`` lies in a run's or a sweep's folder, or is a folder."""
    from sim.io.atomic import enclosing_result

    if path.is_dir():
        fail(f"{option} {path}: is a folder; give a file name such as compare.png")
    inside = enclosing_result(path)
    if inside is not None:
        fail(
            f"{option} {path}: inside the result folder {inside}, whose files it could "
            "overwrite (and which the next run into it would refuse to replace): write it "
            "next to the results instead, e.g. beside that folder"
        )


def print_compare(table: Any) -> None:
    """Print a formatted comparison (:func:`sim.analysis.compare`): one column per run."""
    from rich.table import Table

    from sim.text import visible

    out = Table(title="headline figures (95% CI), who breaks or rejects it and why")
    out.add_column("", no_wrap=True)
    for label in table.columns:
        out.add_column(visible(label, 100), justify="right")
    for name, row in table.iterrows():
        if name in ("title", "changes"):
            continue
        out.add_row(str(name), *(visible(v, 40) for v in row))
    con = console(width=max(100, 48 + 40 * len(table.columns)))
    con.print(out)
    for label in table.columns:
        changes = table.at["changes", label]
        tail = f" (changed: {changes})" if changes and changes != "none" else ""
        con.print(
            f"{visible(label, 100)}: {visible(table.at['title', label])}{tail}", soft_wrap=True
        )
