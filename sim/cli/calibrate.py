"""``sim calibrate``: observed cases weigh the beliefs they share; a posterior folder."""

from __future__ import annotations

import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from sim.cli.common import command_line, fail
from sim.cli.execution import cli_executor, executor_options

__all__ = ["calibrate", "print_calibration", "reporting_warnings"]


@contextmanager
def reporting_warnings():
    """Print each :class:`~sim.errors.CalibrationWarning` raised inside as ``warning: ...``."""
    from sim.errors import CalibrationWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalibrationWarning)
        try:
            yield
        finally:
            for w in caught:
                if issubclass(w.category, CalibrationWarning):
                    click.echo(f"warning: {w.message}", err=True)
                else:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


@click.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out", required=True, type=click.Path(path_type=Path), help="The calibration folder."
)
@click.option("--draws", type=click.IntRange(min=2), help="Particles (default 1000).")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="Seed: one seed fixes every number (default: the first case's).",
)
@click.option(
    "--shared",
    "shared",
    multiple=True,
    metavar="KEY",
    help="Also share this key path ('*' matches), beyond those with the same key path and "
    "prior in several cases. Repeatable.",
)
@click.option(
    "--inner",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Draws of a reference class's own beliefs per particle.",
)
@executor_options
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    help="Particles per chunk (results do not depend on it).",
)
@click.option("--no-plots", is_flag=True, help="Skip calibration.png.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["png", "svg", "pdf"]),
    default="png",
    show_default=True,
    help="Figure file format.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress and no table.")
def calibrate(
    cases, out, draws, seed, shared, inner, executor, workers, scheduler, chunk_size, no_plots,
    fmt, quiet,
) -> None:  # fmt: skip
    """Weigh the beliefs that scenario files CASE... share by what was observed.

    Each CASE is a scenario with an observed block (what happened: accepted, broke after
    so many years and by whom, held at least so long, or a survival table of a reference
    class). Writes DIR/calibration.json (effective sample size, prior and posterior
    predictive probability of each case), DIR/posterior.parquet (the shared beliefs and
    their weights) and DIR/calibration.png; `sim run FILE --posterior DIR` then samples
    the shared beliefs from it.

    \b
    sim calibrate scenarios/minsk_2015.yaml scenarios/korea_1953.yaml \\
        scenarios/reference_truce.yaml --out results/calibration
    sim run scenarios/freeze_lines.yaml --posterior results/calibration
    """
    from sim import api
    from sim.errors import CalibrationError
    from sim.io.atomic import check_replaceable

    check_replaceable(Path(out).absolute())  # refuse a bad --out before the work
    progress = None if quiet else (lambda line: click.echo(line, err=True))
    with reporting_warnings(), cli_executor(executor, workers, scheduler, quiet) as ex:
        try:
            cal = api.calibrate(
                list(cases),
                draws=draws,
                seed=seed,
                shared=list(shared),
                inner=inner,
                workers=ex.slots,
                chunk_size=chunk_size,
                progress=progress,
                executor=ex,
            )
        except CalibrationError as exc:
            fail(str(exc))
    path = cal.save(out, plots=not no_plots, fmt=fmt, command=command_line())
    if not quiet:
        print_calibration(cal.summary)
        click.echo(f"wrote {path} in {cal.wall_seconds:.1f} s")


def _prob(p: float | None) -> str:
    if p is None:
        return "n/a"
    return f"{p:.2%}" if p >= 1e-4 or p == 0 else f"{p:.1e}"


def print_calibration(s: dict[str, Any]) -> None:
    """Print a calibration's checks per case and the shared beliefs history moved most."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=sys.stdout, width=max(100, Console().width or 100))
    console.print(
        f"[bold]Calibration[/bold]: {s['draws']:,} particles · seed {s['seed']} · "
        f"effective sample {s['ess']:.0f}"
    )
    cases = Table(show_edge=False, pad_edge=False)
    for col in ("case", "observed", "P prior", "P posterior"):
        cases.add_column(col, justify="left" if col in ("case", "observed") else "right")
    for name, c in s["cases"].items():
        cases.add_row(
            name, c["observation"], _prob(c["prior_predictive"]), _prob(c["posterior_predictive"])
        )
    console.print(cases)
    shared = s.get("shared", {})
    if not shared:
        console.print("no shared beliefs")
        return
    moved = sorted(shared, key=lambda k: -abs(shared[k]["shift_sd"]))
    beliefs = Table(show_edge=False, pad_edge=False)
    for col in ("shared belief", "prior", "posterior mean (90%)", "moved"):
        beliefs.add_column(col, justify="right" if col == "moved" else "left")
    for k in moved[:12]:
        v = shared[k]
        beliefs.add_row(
            k,
            v["prior"],
            f"{v['posterior_mean']:.4g} ({v['posterior_q05']:.3g} – {v['posterior_q95']:.3g})",
            f"{v['shift_sd']:+.1f} sd",
        )
    console.print(beliefs)
    if len(moved) > 12:
        console.print(f"... {len(moved) - 12} more shared beliefs in calibration.json")
