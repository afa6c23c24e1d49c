"""``sim run`` and ``sim show``: run a scenario into a result folder, print a saved one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sim.cli.common import command_line
from sim.cli.progress import ProgressBar
from sim.names import PERIODS_PER_YEAR, SAMPLERS

__all__ = ["print_headline", "run", "show"]


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--draws", type=click.IntRange(min=1), help="Monte Carlo draws (default: montecarlo.draws)."
)
@click.option("--seed", type=click.IntRange(min=0), help="Seed: one seed fixes every number.")
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
    help="Override a key path, e.g. --set war.first_strike=0.2.",
)
@click.option(
    "--without",
    multiple=True,
    metavar="ID",
    help="Switch a mechanism off (same draws); repeatable. Compare with the full run.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), help="Result folder (default: results/<name>)."
)
@click.option("--no-plots", is_flag=True, help="Skip the plots.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["png", "svg", "pdf"]),
    default="png",
    show_default=True,
    help="Plot file format.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes (results do not depend on it).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    help="Draws per chunk (results do not depend on it).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no table.")
@click.option(
    "--report", "brief", is_flag=True, help="Also write the brief, DIR.html (sim report)."
)
@click.option(
    "--posterior",
    type=click.Path(path_type=Path),
    help="A sim calibrate folder: draw the beliefs it holds from its posterior.",
)
def run(
    file,
    draws,
    seed,
    sampler,
    sets,
    without,
    out,
    no_plots,
    fmt,
    workers,
    chunk_size,
    quiet,
    brief,
    posterior,
) -> None:
    """Run scenario FILE and write results/<name>/ (results/<name>_without_<ID> with
    --without)."""
    from sim import api
    from sim.cli.calibrate import reporting_warnings
    from sim.io import ResultWriter
    from sim.scenario import load_scenario

    scn = load_scenario(file, overrides=list(sets) or None, without=without)
    out = out or Path("results") / "_without_".join([scn.name, *without])
    writer = ResultWriter(out)  # refuses a bad --out before the run
    try:
        with ProgressBar(quiet) as progress, reporting_warnings():
            result = api.run(
                scn,
                draws=draws,
                seed=seed,
                sampler=sampler,
                workers=workers,
                chunk_size=chunk_size,
                progress=progress,
                draws_sink=writer.write_draws,
                posterior=posterior,
            )
        path = writer.finish(result, plots=not no_plots, fmt=fmt, command=command_line())
    except BaseException:
        writer.abort()
        raise
    if not quiet:
        print_headline(result)
        post = getattr(result.options, "posterior", None)
        if post is not None:
            click.echo(f"beliefs from the posterior of {post.folder}: {', '.join(post.keys)}")
        click.echo(f"wrote {path} in {result.wall_seconds:.1f} s")
    if brief:
        click.echo(f"wrote {api.report(path)}")


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
def show(folder: Path) -> None:
    """Print the headline table of a saved result FOLDER."""
    from sim.io import load_result

    print_headline(load_result(folder, draws=False))


def print_headline(result: Any) -> None:
    """Print a run's headline table, and who breaks or rejects the ceasefire and why."""
    from rich.console import Console

    s = result.summary
    console = Console(file=sys.stdout, width=max(100, Console().width or 100))
    console.print(f"[bold]{result.title}[/bold]")
    console.print(
        f"{s['draws']:,} draws · seed {s['seed']} · {s['sampler']} sampler · "
        f"selection {s['solver']['selection']} · solver {s['solver']['method']}"
    )
    console.print(_headline_table(s))
    if s.get("types"):
        t = s["types"]
        who = (s.get("actor_labels") or {}).get(t["actor"], t["actor"])
        console.print(
            f"by the true type of {who} (unknown to the other side); holds = if accepted:"
        )
        console.print(_types_table(s))
    _print_outcomes(console, s)


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1%}"


def _headline_table(s: dict) -> Any:
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    table.add_column("")
    table.add_column("estimate", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("if accepted", justify="right")
    table.add_row(
        "accepted",
        _pct(s["p_accepted"]["estimate"]),
        f"{_pct(s['p_accepted']['ci_low'])} – {_pct(s['p_accepted']['ci_high'])}",
        "",
    )
    cond = s.get("p_holds_if_accepted") or {}
    for k, v in s["p_holds"].items():
        c = cond.get(k)
        table.add_row(
            f"holds {k}",
            _pct(v["estimate"]),
            f"{_pct(v['ci_low'])} – {_pct(v['ci_high'])}",
            "" if c is None else _pct(c),
        )
    return table


def _types_table(s: dict) -> Any:
    """Acceptance and survival if accepted by the informed actor's true type."""
    from rich.table import Table

    t = s["types"]
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("type", no_wrap=True)
    table.add_column("prior", justify="right")
    table.add_column("accepted", justify="right")
    years = list(s["p_holds"])
    for k in years:
        table.add_column(f"holds {k}", justify="right")
    for j in t["ids"]:
        cond = t["p_holds_if_accepted"][j]
        table.add_row(
            t["labels"].get(j, j), _pct(t["prior"][j]), _pct(t["p_accepted"][j]),
            *(_pct(cond.get(k)) for k in years),
        )  # fmt: skip
    return table


def _shares(items: dict[str, float], name=lambda k: k) -> str:
    """``a 60%, b 40%``: largest first, those under half a percent left out."""
    return ", ".join(
        f"{name(k)} {v:.0%}" for k, v in sorted(items.items(), key=lambda kv: -kv[1]) if v >= 0.005
    )


def _print_outcomes(console: Any, s: dict) -> None:
    """Breakdowns (by whom, why), rejections (by whom, why), and the median duration."""
    labels = s.get("actor_labels") or {}

    def name(k: str) -> str:
        return labels.get(k, k)

    horizon_years = s["horizon_periods"] / PERIODS_PER_YEAR[s["period"]]
    if s["p_breaks_within_horizon"] > 0:
        console.print(
            f"breaks within {horizon_years:g} years: {_pct(s['p_breaks_within_horizon'])} of draws"
        )
        console.print(f"  broken by: {_shares(s['breakdown_by_actor'], name)}")
        console.print(f"  cause: {_shares(s['breakdown_by_cause'])}")
    rejected = 1.0 - s["p_accepted"]["estimate"]
    if rejected > 0:
        by = ", ".join(f"{name(k)} {_pct(v)}" for k, v in s["rejected_by"].items() if v > 0)
        console.print(f"rejected: {_pct(rejected)} of draws")
        console.print(f"  rejected by: {by}")
        console.print(f"  cause: {_shares(s['rejection_cause'])}")
    if s.get("median_duration_years") is not None:
        console.print(
            f"median duration of an accepted ceasefire: {s['median_duration_years']:g} years"
        )
    elif s["p_accepted"]["estimate"] > 0:
        console.print(
            "median duration of an accepted ceasefire: more than the "
            f"{horizon_years:g}-year horizon"
        )
