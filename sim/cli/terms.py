"""``sim terms``: every assignment of the contested regions, on the same draws."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sim.cli.common import command_line
from sim.cli.execution import cli_executor, executor_options
from sim.cli.progress import ProgressBar
from sim.names import SAMPLERS

__all__ = ["print_terms", "terms"]


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--regions",
    required=True,
    metavar="R1,R2,...",
    help="The negotiated regions; every other region keeps the file's terms.",
)
@click.option(
    "--shares",
    metavar="S1,S2,...",
    help="A's shares to try for each region (e.g. 0,0.5,1 or 0:1:5); default: whole regions.",
)
@click.option(
    "--draws", type=click.IntRange(min=1), help="Draws per term set (default: montecarlo.draws)."
)
@click.option(
    "--seed", type=click.IntRange(min=0), help="The seed of every term set (the same draws)."
)
@click.option("--sampler", type=click.Choice(SAMPLERS), help="How uncertain numbers are sampled.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a key path for every term set.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), help="Output folder (default: results/<name>_terms)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["png", "svg", "pdf"]),
    default="png",
    show_default=True,
    help="Plot file format.",
)
@click.option("--no-plots", is_flag=True, help="Skip terms.png.")
@executor_options
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    help="Rows (draws x term sets) per model call (results do not depend on it).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no table.")
def terms(
    file, regions, shares, draws, seed, sampler, sets, out, fmt, no_plots, executor, workers,
    scheduler, chunk_size, quiet,
) -> None:  # fmt: skip
    """Grade every assignment of the named regions of scenario FILE; write terms.csv and terms.png.

    Each region goes whole to one side (or, with --shares, A gets each share of the grid),
    the rest of the terms as in the file. Every term set is solved on the same draws
    (common random numbers), so the differences between rows are the terms' alone; the
    row of the file's own terms equals `sim run` with the same seed and draws.

    \b
    sim terms scenarios/freeze_lines.yaml --regions land_bridge,nuclear_plant --draws 2000
    sim terms scenarios/textbook_powell.yaml --regions stake --shares 0:1:11
    """
    from sim import api
    from sim.analysis.terms import parse_regions, parse_shares, term_sets, write_terms
    from sim.io.atomic import check_replaceable
    from sim.scenario import load_scenario

    scn = load_scenario(file, overrides=list(sets) or None)
    count = len(term_sets(scn, parse_regions(scn, regions), parse_shares(shares)))
    out = out or Path("results") / f"{scn.name}_terms"
    check_replaceable(Path(out).absolute())  # refuse a bad --out before the work
    with (
        cli_executor(executor, workers, scheduler, quiet) as ex,
        ProgressBar(quiet, unit="draws", what=f"solving {count} term sets") as progress,
    ):
        table = api.terms(
            scn,
            regions,
            shares=shares,
            draws=draws,
            seed=seed,
            sampler=sampler,
            workers=ex.slots,
            chunk_size=chunk_size,
            progress=progress,
            executor=ex,
        )
    path = write_terms(
        table, out, plots=not no_plots, fmt=fmt, command=command_line(), figure=api.terms_figure
    )
    if not quiet:
        print_terms(table)
        click.echo(f"wrote {path} in {table.attrs['wall_seconds']:.1f} s")


def _holding(v: Any, names: dict[str, str]) -> str:
    if isinstance(v, float):
        return f"{v:.0%}"
    return names.get(v, str(v))


def print_terms(table: Any, limit: int = 20) -> None:
    """Print a terms table (:func:`sim.analysis.terms.terms`), most durable first."""
    from rich.console import Console
    from rich.table import Table

    from sim.analysis.terms import figure_columns

    cols = figure_columns(table)
    attrs = table.attrs
    a, b = attrs["actors"]
    names = attrs.get("actor_labels", {})
    order = table.sort_values([cols["target"], "accepted"], ascending=False)
    out = Table(
        title=f"{attrs.get('title', '')}\n{len(table)} term sets, {attrs['draws']:,} draws each "
        f"(the same draws), seed {attrs['seed']}; holders of the named regions"
        + ("" if attrs.get("shares") is None else f" ({names.get(a, a)}'s share)"),
        show_edge=False,
        pad_edge=False,
    )
    out.add_column("#", justify="right")
    for r in cols["regions"]:
        out.add_column(r, no_wrap=True)
    for c in ("accepted", f"by {names.get(a, a)}", f"by {names.get(b, b)}"):
        out.add_column(c, justify="right")
    for h in cols["holds"]:
        out.add_column(h.replace("_", " "), justify="right")
    for c in (f"value {names.get(a, a)}", f"value {names.get(b, b)}", "breaker", "cause"):
        out.add_column(c, justify="right" if c.startswith("value") else "left")
    out.add_column("", no_wrap=True)
    for _, row in order.head(limit).iterrows():
        marks = [
            m for m, on in (("file's terms", row["own_terms"]), ("frontier", row["pareto"])) if on
        ]
        out.add_row(
            str(row["term_set"]),
            *(_holding(row[r], names) for r in cols["regions"]),
            f"{row['accepted']:.1%}",
            *(f"{row[c]:.1%}" for c in cols["accepted_by"]),
            *(f"{row[h]:.1%}" for h in cols["holds"]),
            *(f"{row[v]:.2f}" for v in cols["value"]),
            names.get(row["main_breaker"], row["main_breaker"]),
            row["main_cause"],
            ", ".join(marks),
        )
    need = 30 + 11 * (len(cols["regions"]) + len(cols["holds"]) + 7)  # every column whole
    console = Console(file=sys.stdout, width=max(need, Console().width or 120))
    console.print(out)
    console.print(
        "value: expected gain of the ceasefire over war at signing, in "
        f"{attrs.get('period', 'period')}s of each side's whole stake (0 where rejected)"
    )
    if len(table) > limit:
        console.print(f"... {len(table) - limit} more term sets in terms.csv")
