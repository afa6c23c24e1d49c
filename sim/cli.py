"""The ``sim`` command line: thin wrappers over the library, one function per command.

Every error a user can cause (a bad scenario, a bad option, an unwritable folder) is
reported as a message and exit code 1, never a traceback. Ctrl-C stops a run with exit
code 130 and leaves no result folder that looks complete.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import click

from sim.names import PERIODS_PER_YEAR, SAMPLERS

EXIT_USAGE = 1


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _report_scenario_error(exc) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    n = len(exc.problems)
    click.echo(
        f"{n} problem{'s' if n != 1 else ''} found; see `sim schema` or scenarios/README.md for the format",
        err=True,
    )
    sys.exit(EXIT_USAGE)


class _Interrupted(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so the run cleans up before it stops."""

    signum = 15


def _on_sigterm(signum, frame):  # noqa: ARG001
    raise _Interrupted()


class _Group(click.Group):
    """Turns library errors into messages with exit code 1 for every command.

    Ctrl-C (and SIGTERM) stop with exit code 130 (143) after the command has cleaned up;
    an unexpected exception (a bug) is reported in one line, with the traceback only
    when SIM_DEBUG=1.
    """

    def main(self, *args, **kwargs):  # noqa: D102
        # click exits with 2 on a usage error (a bad option value, a missing argument);
        # every bad input to `sim` exits with 1, with click's own message.
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            click.echo("aborted", err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_USAGE)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx):  # noqa: D102
        import signal
        import threading

        prev_term = None
        if threading.current_thread() is threading.main_thread():
            try:
                prev_term = signal.signal(signal.SIGTERM, _on_sigterm)
            except (ValueError, OSError):
                prev_term = None
        try:
            return self._invoke_reporting_errors(ctx)
        except KeyboardInterrupt as exc:  # also while the library is still being imported
            how = (
                "terminated (SIGTERM)" if isinstance(exc, _Interrupted) else "interrupted (Ctrl-C)"
            )
            click.echo(
                f"{how}: stopped before the end; no result was written and an earlier result in the same "
                "folder is unchanged; run the command again to get one",
                err=True,
            )
            sys.exit(128 + (exc.signum if isinstance(exc, _Interrupted) else 2))
        finally:
            if prev_term is not None:
                signal.signal(signal.SIGTERM, prev_term)

    def _invoke_reporting_errors(self, ctx):
        import os

        from sim.errors import ModelError, ResultError
        from sim.scenario import ScenarioError

        try:
            return super().invoke(ctx)
        except ScenarioError as exc:
            _report_scenario_error(exc)
        except (ModelError, ResultError) as exc:
            _fail(str(exc))
        except MemoryError:
            _fail("out of memory; lower --draws or --chunk-size, or use fewer --workers")
        except OSError as exc:
            from sim.io.results import _explain

            name = getattr(exc, "filename", None)
            _fail(f"{name}: {_explain(exc)}" if name else _explain(exc))
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: one line, not a traceback
            if os.environ.get("SIM_DEBUG"):
                raise
            _fail(
                f"internal error ({type(exc).__name__}: {exc}). This is a bug in ceasefire-sim: please report "
                "it with the command and the scenario file; SIM_DEBUG=1 shows the traceback"
            )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ceasefire-sim", prog_name="sim")
def main() -> None:
    """ceasefire-sim: would this ceasefire hold?

    Scenario files state the terms of a ceasefire and beliefs about two actors; `sim run`
    solves the games they imply over Monte Carlo draws of the uncertain beliefs.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a key path before checking."
)
def validate(files: tuple[Path, ...], sets: tuple[str, ...]) -> None:
    """Check scenario FILES; exit 1 listing every problem (file:line: key.path: message)."""
    from sim.scenario import ScenarioError, load_scenario

    bad = 0
    for f in files:
        try:
            scn = load_scenario(f, overrides=list(sets) or None)
        except ScenarioError as exc:
            bad += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        n_unc = len(scn.uncertain())
        click.echo(
            f"{f}: ok ({len(scn.regions)} regions, {len(scn.events)} events, {n_unc} uncertain numbers)"
        )
    if bad:
        click.echo(f"{bad} of {len(files)} file{'s' if len(files) != 1 else ''} invalid", err=True)
        sys.exit(EXIT_USAGE)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    from sim.scenario import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


@main.command()
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
def run(file, draws, seed, sampler, sets, out, no_plots, fmt, workers, chunk_size, quiet) -> None:
    """Run scenario FILE and write results/<name>/."""
    from sim.io import ResultWriter
    from sim.montecarlo import run as run_mc
    from sim.scenario import load_scenario

    scn = load_scenario(file, overrides=list(sets) or None)
    out = out or Path("results") / scn.name
    writer = ResultWriter(out)
    try:
        with _progress(quiet) as progress:
            result = run_mc(
                scn,
                draws=draws,
                seed=seed,
                sampler=sampler,
                workers=workers,
                chunk_size=chunk_size,
                progress=progress,
                draws_sink=writer.write_draws,
            )
        path = writer.finish(
            result, plots=not no_plots, fmt=fmt, command=shlex.join(["sim", *sys.argv[1:]])
        )
    except BaseException:
        writer.abort()
        raise
    if not quiet:
        _print_headline(result)
        click.echo(f"wrote {path} in {result.wall_seconds:.1f} s")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
def show(folder: Path) -> None:
    """Print the headline table of a saved result FOLDER."""
    from sim.io import load_result

    _print_headline(load_result(folder, draws=False))


@main.command()
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
    """Compare saved result FOLDERS: overlay their survival curves, print their headline figures side by side."""
    from sim import plots
    from sim.analysis.comparison import compare as compare_table
    from sim.analysis.comparison import load, run_labels

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in plots.FORMATS:
        _fail(f"--out {out}: give a .png, .svg or .pdf file")
    results = load(folders)  # refuses a folder that is not a complete result (exit 1)
    labels = run_labels(results)
    table = compare_table(results, labels=labels)
    _print_compare(table)
    plots.save_compare(results, out, fmt, labels=labels)
    click.echo(f"wrote {out}")
    if csv_out is not None:
        _write_atomic_text(csv_out, table.to_csv())
        click.echo(f"wrote {csv_out}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    metavar="KEY=START:STOP:NUM",
    help="A key path and its grid: START:STOP:NUM or v1,v2,v3. Once or twice.",
)
@click.option(
    "--draws", type=click.IntRange(min=1), help="Draws per grid point (default: montecarlo.draws)."
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
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
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes per run.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no table.")
def sweep(file, varies, draws, seed, sampler, sets, out, fmt, no_plots, workers, quiet) -> None:
    """Run scenario FILE over a grid of one or two key paths; write sweep.csv and sweep.png.

    Every grid point uses the same seed and draws (common random numbers), so the
    differences between points come from the varied values, not from sampling noise.

    \b
    sim sweep scenarios/freeze_lines.yaml --vary actors.russia.rebuild_rate=0.03:0.1:5
    sim sweep scenarios/freeze_lines.yaml --vary events.support_fades.hazard=0,0.02,0.05 \\
        --vary regions.independence.value.russia=0.5,4 --draws 2000
    """
    from sim.analysis.sweeps import MAX_KEYS, USAGE, parse_vary, write_sweep
    from sim.analysis.sweeps import sweep as run_sweep
    from sim.scenario import ScenarioError, load_scenario

    if not varies:
        _fail(f"give --vary {USAGE}")
    if len(varies) > MAX_KEYS:
        _fail(f"vary one or two key paths (got {len(varies)} --vary options)")
    try:
        pairs = [parse_vary(v) for v in varies]
    except ScenarioError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        _fail(f"--vary takes {USAGE}")
    scn = load_scenario(file, overrides=list(sets) or None)
    out = out or Path("results") / f"{scn.name}_sweep"
    with _progress(quiet, unit="grid points", what="sweeping") as progress:
        table = run_sweep(
            scn,
            vary=dict(pairs),
            draws=draws,
            seed=seed,
            sampler=sampler,
            workers=workers,
            progress=progress,
        )
    path = write_sweep(
        table, out, plots=not no_plots, fmt=fmt, command=shlex.join(["sim", *sys.argv[1:]])
    )
    if not quiet:
        _print_sweep(table)
        click.echo(f"wrote {path}")


def _interval(table, col: str, i) -> str:
    import math

    v = table.at[i, col] if col in table.columns else float("nan")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.1%} ({table.at[i, col + '_ci_low']:.1%}–{table.at[i, col + '_ci_high']:.1%})"


def _print_compare(table) -> None:
    from rich.console import Console
    from rich.table import Table

    from sim.analysis.comparison import HEADLINE_ROWS

    out = Table(title="headline figures (95% CI)")
    out.add_column("")
    for label in table.index:
        out.add_column(str(label), justify="right")
    for name, col in HEADLINE_ROWS:
        if col in table.columns:
            out.add_row(name, *(_interval(table, col, i) for i in table.index))
    out.add_row("draws", *(f"{int(d):,}" for d in table["draws"]))
    console = Console(file=sys.stdout, width=max(100, 24 + 26 * len(table)))
    console.print(out)
    for label, title in zip(table.index, table["title"]):
        console.print(f"{label}: {title}", highlight=False)


def _print_sweep(table, limit: int = 60) -> None:
    from rich.console import Console
    from rich.table import Table

    keys = list(table.attrs.get("vary", []))
    cols = [
        c for c in ("p_accepted", "p_holds_1y", "p_holds_5y", "p_holds_10y") if c in table.columns
    ]
    out = Table(
        title=f"{table.attrs.get('title', '')}  ({table.attrs.get('draws')} draws per point, seed {table.attrs.get('seed')})"
    )
    for k in keys:
        out.add_column(k, justify="right")
    for c in cols:
        out.add_column(
            c.replace("p_holds_", "holds ").replace("p_accepted", "accepted"), justify="right"
        )
    for i in table.index[:limit]:
        out.add_row(
            *(
                f"{table.at[i, k]:.4g}"
                if isinstance(table.at[i, k], float)
                else str(table.at[i, k])
                for k in keys
            ),
            *(_interval(table, c, i) for c in cols),
        )
    console = Console(file=sys.stdout, width=max(100, 30 * (len(keys) + len(cols))))
    console.print(out)
    if len(table) > limit:
        console.print(f"... {len(table) - limit} more rows in sweep.csv")


def _write_atomic_text(path: Path, text: str) -> None:
    import os
    import uuid

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _print_headline(result) -> None:
    from rich.console import Console
    from rich.table import Table

    s = result.summary
    labels = s.get("actor_labels") or {}
    name = lambda k: labels.get(k, k)  # noqa: E731
    pct = lambda v: f"{v:.1%}"  # noqa: E731
    console = Console(file=sys.stdout, width=max(100, Console().width or 100))
    console.print(f"[bold]{result.title}[/bold]")
    console.print(
        f"{s['draws']:,} draws · seed {s['seed']} · {s['sampler']} sampler · "
        f"selection {s['solver']['selection']} · solver {s['solver']['method']}"
    )
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("")
    table.add_column("estimate", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("if accepted", justify="right")
    table.add_row(
        "accepted",
        pct(s["p_accepted"]["estimate"]),
        f"{pct(s['p_accepted']['ci_low'])} – {pct(s['p_accepted']['ci_high'])}",
        "",
    )
    cond = s.get("p_holds_if_accepted") or {}
    for k, v in s["p_holds"].items():
        c = cond.get(k)
        table.add_row(
            f"holds {k}",
            pct(v["estimate"]),
            f"{pct(v['ci_low'])} – {pct(v['ci_high'])}",
            "" if c is None else pct(c),
        )
    console.print(table)
    horizon_years = s["horizon_periods"] / PERIODS_PER_YEAR[s["period"]]
    if s["p_breaks_within_horizon"] > 0:
        who = ", ".join(
            f"{name(k)} {v:.0%}"
            for k, v in sorted(s["breakdown_by_actor"].items(), key=lambda kv: -kv[1])
            if v >= 0.005
        )
        why = ", ".join(
            f"{k} {v:.0%}"
            for k, v in sorted(s["breakdown_by_cause"].items(), key=lambda kv: -kv[1])
            if v >= 0.005
        )
        console.print(
            f"breaks within {horizon_years:g} years: {pct(s['p_breaks_within_horizon'])} of draws"
        )
        console.print(f"  broken by: {who}")
        console.print(f"  cause: {why}")
    rejected = 1.0 - s["p_accepted"]["estimate"]
    if rejected > 0:
        by = ", ".join(f"{name(k)} {pct(v)}" for k, v in s["rejected_by"].items() if v > 0)
        why = ", ".join(
            f"{k} {v:.0%}"
            for k, v in sorted(s["rejection_cause"].items(), key=lambda kv: -kv[1])
            if v >= 0.005
        )
        console.print(f"rejected: {pct(rejected)} of draws")
        console.print(f"  rejected by: {by}")
        console.print(f"  cause: {why}")
    if s.get("median_duration_years") is not None:
        console.print(
            f"median duration of an accepted ceasefire: {s['median_duration_years']:g} years"
        )
    elif s["p_accepted"]["estimate"] > 0:
        console.print(
            f"median duration of an accepted ceasefire: more than the {horizon_years:g}-year horizon"
        )


class _progress:
    """A rich progress bar on stderr, for runs longer than a second.

    Off with ``--quiet`` and when stderr is not a terminal (a pipe or a log file).
    """

    DELAY = 1.0  # seconds before the bar appears: short runs print nothing

    def __init__(self, quiet: bool, unit: str = "draws", what: str = "solving", file=None):
        self.file = file or sys.stderr
        self.enabled = not quiet and self.file.isatty()
        self.bar = None
        self.task = None
        self.unit, self.what = unit, what

    def __enter__(self):
        if not self.enabled:
            return None
        import time

        t0 = time.monotonic()

        def update(done: int, total: int) -> None:
            if self.bar is None:
                if time.monotonic() - t0 < self.DELAY:
                    return
                from rich.console import Console
                from rich.progress import BarColumn, Progress, TimeRemainingColumn

                self.bar = Progress(
                    "[progress.description]{task.description}",
                    BarColumn(),
                    "{task.completed}/{task.total} " + self.unit,
                    TimeRemainingColumn(),
                    console=Console(file=self.file, force_terminal=True),
                    transient=True,
                )
                self.bar.start()
                self.task = self.bar.add_task(self.what, total=total)
            self.bar.update(self.task, completed=done)

        return update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


if __name__ == "__main__":  # pragma: no cover
    main()
