"""``sim run`` and ``sim show``: run a scenario into a result folder, print a saved one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sim.cli.common import (
    Count,
    after_writing,
    closed_pipe_ok,
    command_line,
    console,
    fail,
    label_option,
)
from sim.cli.execution import cli_executor, executor_options
from sim.cli.progress import ProgressBar
from sim.names import DESIGNS, PERIODS_PER_YEAR, SAMPLERS
from sim.text import visible

#: The limits of --draws and --seed: those of montecarlo.draws and montecarlo.seed in the
#: key table (written out so that the command line starts without loading the format; a
#: test checks that they agree).
MAX_DRAWS, MAX_SEED = 100_000_000, 2**63 - 1

__all__ = ["announce_estimate", "print_headline", "run", "show"]


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--draws",
    type=Count(1, MAX_DRAWS, "the limit of montecarlo.draws"),
    help="Monte Carlo draws, e.g. 20000 or 2e4 (default: montecarlo.draws).",
)
@click.option(
    "--seed", type=click.IntRange(min=0, max=MAX_SEED), help="Seed: one seed fixes every number."
)
@click.option(
    "--sampler",
    type=click.Choice(SAMPLERS),
    help="How uncertain numbers are sampled.",
)
@click.option(
    "--design",
    type=click.Choice(DESIGNS),
    help="Sample a design for Sobol' first and total indices instead (replaces --sampler).",
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
@executor_options
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    help="Draws per chunk (results do not depend on it).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no table.")
@click.option(
    "--label",
    callback=label_option,
    metavar="TEXT",
    help="Name the run (shown by sim show, sim compare and the plots), e.g. 'no first strike'.",
)
@click.option(
    "--report", "brief", is_flag=True, help="Also write the brief, DIR.html (sim report)."
)
@click.option(
    "--posterior",
    type=click.Path(path_type=Path),
    help="A sim calibrate folder: draw the beliefs it holds from its posterior.",
)
@click.option(
    "--save-curves",
    is_flag=True,
    help="Also write curves.parquet: each draw's survival at every period (one row per draw).",
)
def run(
    file,
    draws,
    seed,
    sampler,
    design,
    sets,
    without,
    out,
    no_plots,
    fmt,
    executor,
    workers,
    scheduler,
    chunk_size,
    quiet,
    label,
    brief,
    posterior,
    save_curves,
) -> None:
    """Run scenario FILE and write results/<name>/ (results/<name>_without_<ID> with
    --without).

    With --design saltelli the draws are a Saltelli design (groups of 2 + one draw per
    sampled belief), and sensitivity.csv gains Sobol' first and total indices.

    \b
    sim run scenarios/freeze_lines.yaml --draws 50000 --workers 2
    sim run scenarios/freeze_lines.yaml --executor dask --scheduler tcp://head:8786
    """
    from sim import api
    from sim.cli.calibrate import reporting_warnings
    from sim.io import ResultWriter
    from sim.scenario import load_scenario

    if design and sampler:
        fail(f"--design {design} replaces --sampler; give one of them")
    sampler = design or sampler
    scn = load_scenario(file, overrides=list(sets) or None, without=without)
    out = out or Path("results") / "_without_".join([scn.name, *without])
    writer = ResultWriter(out)  # refuses a bad --out before the run
    if not quiet:
        announce_estimate(scn, draws, chunk_size, workers)
    try:
        with (
            cli_executor(executor, workers, scheduler, quiet) as ex,
            ProgressBar(quiet) as progress,
            reporting_warnings(),
        ):
            result = api.run(
                scn,
                draws=draws,
                seed=seed,
                sampler=sampler,
                chunk_size=chunk_size,
                progress=progress,
                draws_sink=writer.write_draws,
                executor=ex,
                label=label,
                posterior=posterior,
                curves=save_curves,
                curves_sink=writer.write_curves if save_curves else None,
            )
        path = writer.finish(result, plots=not no_plots, fmt=fmt, command=command_line())
    except BaseException:
        writer.abort()
        raise
    if not quiet:
        with after_writing(path):
            print_headline(result)
            if design:
                click.echo(_design_note(scn, result.summary["draws"]))
            post = getattr(result.options, "posterior", None)
            if post is not None:
                click.echo(f"beliefs from the posterior of {post.folder}: {', '.join(post.keys)}")
            click.echo(f"wrote {path} in {result.wall_seconds:.1f} s")
    if brief:
        click.echo(f"wrote {api.report(path)}")


def announce_estimate(
    scn: Any, draws: int | None, chunk_size: int | None, workers: int | None
) -> None:
    """Say on stderr what a long run will cost, before it starts (runs over 20 s).

    The estimate is :func:`sim.montecarlo.budget.estimate`; a run over budget is refused
    by the run itself, with advice.
    """
    from sim.montecarlo import RunOptions, default_chunk
    from sim.montecarlo.budget import estimate

    mc = scn.montecarlo
    opts = RunOptions(
        draws=draws or mc.draws,
        seed=0,
        sampler=mc.sampler,
        chunk_size=chunk_size or default_chunk(scn),
        workers=max(1, workers or 1),
        method=scn.solver.method,
        selection=scn.solver.selection,
    )
    est = estimate(scn, opts, streamed=True)
    if est.seconds > 20:
        click.echo(f"estimate: {est.text()}", err=True)


def _design_note(scn: Any, draws: int) -> str:
    """How many Saltelli groups a run holds, and how many draws no group uses."""
    d = len(scn.uncertain()) + (scn.sampled_selection is not None)
    groups, rest = divmod(draws, d + 2)
    text = f"saltelli design: {groups:,} groups of {d + 2} draws ({d} sampled beliefs + 2)"
    if rest:
        text += f"; the last {rest} draws complete no group and the Sobol' indices leave them out"
    return text


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
def show(folder: Path) -> None:
    """Print the headline table of a saved result FOLDER."""
    from sim.io import load_result

    result = load_result(folder, draws=False)
    with closed_pipe_ok():
        print_headline(result)


def print_headline(result: Any) -> None:
    """Print a run's headline table, and who breaks or rejects the ceasefire and why.

    The title, then the run's label and changes (``run: no first strike · changed:
    war.first_strike=0``) when it has any, so a changed run is never mistaken for the
    scenario as written. User text is printed as text (see :func:`console`).
    """
    from rich.text import Text

    from sim.io.labels import selection_text, subtitle

    s = result.summary
    con = console()
    con.print(Text(visible(result.title), style="bold"))
    sub = subtitle(result, limit=400)
    if sub:
        con.print(visible(sub, None))
    solver = s.get("solver") or {}
    con.print(
        visible(
            f"{s['draws']:,} draws · seed {s['seed']} · {s['sampler']} sampler · "
            f"{selection_text(solver)} · solver {solver.get('method')}",
            None,
        )
    )
    if solver.get("selection_weights"):
        con.print(
            "each draw is played under its own rule (drawn like a belief); the figures mix them"
        )
    con.print(_headline_table(s))
    if s.get("types"):
        t = s["types"]
        who = (s.get("actor_labels") or {}).get(t["actor"], t["actor"])
        con.print(
            visible(
                f"by the true type of {who} (unknown to the other side); holds = if accepted:",
                None,
            )
        )
        con.print(_types_table(s))
    _print_outcomes(con, s)


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
        return visible(labels.get(k, k), 60)

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
