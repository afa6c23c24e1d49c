"""``sim explain``: which combinations of beliefs make a saved run's ceasefire hold or break."""

from __future__ import annotations

from pathlib import Path

import click

from sim.cli.common import command_line, fail

__all__ = ["explain"]

#: The outcomes ``--outcome`` accepts (a run has those its horizon reaches).
OUTCOMES = ("holds_1y", "holds_2y", "holds_5y", "holds_10y", "holds_end", "accepted")


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--outcome",
    type=click.Choice(OUTCOMES),
    default="holds_5y",
    show_default=True,
    help="What to explain: holding after k years (per draw, its probability), or acceptance.",
)
@click.option(
    "--target",
    type=click.Choice(("holds", "breaks")),
    default="holds",
    show_default=True,
    help="Explain the outcome (holds) or its complement (breaks: rejected or broken).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Output folder (default: beside the run, FOLDER_explain_<outcome>).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["png", "svg", "pdf"]),
    default="png",
    show_default=True,
    help="Figure file format.",
)
@click.option("--no-plots", is_flag=True, help="Skip discovery.png.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def explain(folder, outcome, target, out, fmt, no_plots, quiet) -> None:
    """Find the beliefs under which a saved run's ceasefire holds (PRIM), in plain words.

    Writes discovery.json, findings.md and discovery.png into --out, and prints the
    findings: up to three boxes of beliefs for the target, each as one sentence, and the
    complement's first box.

    \b
    sim explain results/freeze_lines
    sim explain results/freeze_lines --outcome accepted --target breaks
    """
    from sim import api
    from sim.analysis import default_out, discover, outcome_choices, write_discovery
    from sim.io import draw_columns

    result = api.load_result(folder, draws=False)
    choices = outcome_choices(draw_columns(result))
    if outcome not in choices:
        fail(
            f"--outcome {outcome}: the run {folder} has no such outcome (its horizon is "
            f"shorter); choose one of {', '.join(choices)}"
        )
    out = out or default_out(folder, outcome, target)
    if Path(out).resolve() == Path(folder).resolve():
        fail(f"--out {out}: is the run's own folder; choose another folder")
    try:
        found = discover(result, outcome, target)
    except ValueError as exc:
        fail(f"{folder}: {exc}")
    path = write_discovery(
        found,
        out,
        plots=not no_plots,
        fmt=fmt,
        figure=api.discovery_figure if not no_plots else None,
        command=command_line(),
    )
    if not quiet:
        click.echo(f"{found.meta.get('title') or found.meta.get('scenario')}")
        for box in found.boxes:
            click.echo(f"- {box['finding']}")
        if not found.boxes:
            click.echo("- no box of beliefs stands out from the draws as a whole")
        click.echo(f"wrote {path}")
