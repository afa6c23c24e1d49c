"""``sim sweep``: one scenario over a grid of any number of key paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sim.cli.common import Count, after_writing, command_line, console, fail, interval_text
from sim.cli.execution import cli_executor, executor_options
from sim.cli.progress import ProgressBar
from sim.cli.runs import MAX_DRAWS, MAX_SEED
from sim.names import SAMPLERS
from sim.text import visible

__all__ = ["print_sweep", "sweep"]


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    metavar="KEY=START:STOP:NUM",
    help="A key path and its grid: START:STOP:NUM or v1,v2,v3. Repeat for more keys (the "
    "figure shows the first two).",
)
@click.option(
    "--draws",
    type=Count(1, MAX_DRAWS, "the limit of montecarlo.draws"),
    help="Draws per grid point (default: montecarlo.draws).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0, max=MAX_SEED),
    help="The seed of every grid point (common random numbers).",
)
@click.option(
    "--sampler",
    type=click.Choice(SAMPLERS),
    help="How uncertain numbers are sampled.",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a key path at every grid point.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), help="Output folder (default: results/<name>_sweep)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["png", "svg", "pdf"]),
    default="png",
    show_default=True,
    help="Plot file format.",
)
@click.option("--no-plots", is_flag=True, help="Skip sweep.png.")
@executor_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no table.")
def sweep(
    file, varies, draws, seed, sampler, sets, out, fmt, no_plots, executor, workers, scheduler,
    quiet,
) -> None:  # fmt: skip
    """Run scenario FILE over a grid of key paths; write sweep.csv and sweep.png.

    Every grid point uses the same seed and draws (common random numbers), so the
    differences between points come from the varied values, not from sampling noise.
    The table has every key; the figure shows the first two (one heatmap per combination
    of the others). The chunks of every grid point go to one executor (--workers,
    --executor).

    \b
    sim sweep scenarios/freeze_lines.yaml --vary actors.russia.rebuild_rate=0.03:0.1:5
    sim sweep scenarios/freeze_lines.yaml --vary events.support_fades.hazard=0,0.02,0.05 \\
        --vary actors.russia.types.maximalist.prior=0.2,0.8 --draws 2000
    """
    from sim import api
    from sim.analysis import write_sweep
    from sim.scenario import load_scenario

    pairs = _parse_varies(varies)
    scn = load_scenario(file, overrides=list(sets) or None)
    out = out or Path("results") / f"{scn.name}_sweep"
    with (
        cli_executor(executor, workers, scheduler, quiet) as ex,
        ProgressBar(quiet, unit="grid points", what="sweeping") as progress,
    ):
        table = api.sweep(
            scn,
            vary=dict(pairs),
            draws=draws,
            seed=seed,
            sampler=sampler,
            progress=progress,
            executor=ex,
        )
    path = write_sweep(
        table,
        out,
        plots=not no_plots,
        fmt=fmt,
        command=command_line(),
        figure=api.sweep_figure,
    )
    if not quiet:
        with after_writing(path):
            print_sweep(table)
            click.echo(f"wrote {path}")


def _parse_varies(varies: tuple[str, ...]) -> list[tuple[str, list[Any]]]:
    """The ``--vary`` options as (key path, values); exit 1 naming a malformed one."""
    from sim.analysis import USAGE, parse_vary
    from sim.scenario import ScenarioError

    if not varies:
        fail(f"give --vary {USAGE}")
    try:
        return [parse_vary(v) for v in varies]
    except ScenarioError as exc:
        for problem in exc.problems:
            click.echo(visible(str(problem), None), err=True)
        fail(f"--vary takes {USAGE}")


def print_sweep(table: Any, limit: int = 60) -> None:
    """Print a sweep table (:func:`sim.analysis.sweep`): at most ``limit`` rows."""
    from rich.table import Table

    keys = list(table.attrs.get("vary", []))
    cols = [
        c for c in ("p_accepted", "p_holds_1y", "p_holds_5y", "p_holds_10y") if c in table.columns
    ]
    cond = next(
        (
            f"p_holds_if_accepted_{k}"
            for k in ("5y", "2y", "1y")
            if f"p_holds_if_accepted_{k}" in table
        ),
        None,
    )
    out = Table(
        title=visible(
            f"{table.attrs.get('title', '')}  ({table.attrs.get('draws')} draws per point, "
            f"seed {table.attrs.get('seed')})"
        )
    )
    for k in keys:
        out.add_column(visible(k, 80), justify="right")
    for c in cols:
        out.add_column(
            c.replace("p_holds_", "holds ").replace("p_accepted", "accepted"), justify="right"
        )
    if cond:
        out.add_column(f"{cond.removeprefix('p_holds_if_accepted_')} if accepted", justify="right")
    for i in table.index[:limit]:
        out.add_row(
            *(
                f"{table.at[i, k]:.4g}"
                if isinstance(table.at[i, k], float)
                else visible(table.at[i, k], 40)
                for k in keys
            ),
            *(interval_text(table, c, i) for c in cols),
            *([_pct(table.at[i, cond])] if cond else []),
        )
    con = console(width=max(100, 30 * (len(keys) + len(cols) + 1)))
    con.print(out)
    if len(table) > limit:
        con.print(f"... {len(table) - limit} more rows in sweep.csv")


def _pct(v: Any) -> str:
    return "–" if v is None or v != v else f"{v:.1%}"
