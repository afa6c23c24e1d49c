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

EXIT_USAGE = 1


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _report_scenario_error(exc) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    n = len(exc.problems)
    click.echo(f"{n} problem{'s' if n != 1 else ''} found; see `sim schema` or scenarios/README.md for the format", err=True)
    sys.exit(EXIT_USAGE)


class _Group(click.Group):
    """Turns library errors into messages with exit code 1 for every command."""

    def invoke(self, ctx):  # noqa: D102
        from sim.model import ModelError
        from sim.results import ResultError
        from sim.scenario import ScenarioError

        try:
            return super().invoke(ctx)
        except ScenarioError as exc:
            _report_scenario_error(exc)
        except (ModelError, ResultError) as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            click.echo("interrupted: stopped; no result was written", err=True)
            sys.exit(130)
        except MemoryError:
            _fail("out of memory; lower --draws or --chunk-size")
        except OSError as exc:
            _fail(f"{getattr(exc, 'filename', '') or ''} {exc.strerror or exc}".strip())


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ceasefire-sim", prog_name="sim")
def main() -> None:
    """ceasefire-sim: would this ceasefire hold?

    Scenario files state the terms of a ceasefire and beliefs about two actors; `sim run`
    solves the games they imply over Monte Carlo draws of the uncertain beliefs.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a key path before checking.")
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
        click.echo(f"{f}: ok ({len(scn.regions)} regions, {len(scn.events)} events, {n_unc} uncertain numbers)")
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
@click.option("--draws", type=click.IntRange(min=1), help="Monte Carlo draws (default: montecarlo.draws).")
@click.option("--seed", type=click.IntRange(min=0), help="Seed: one seed fixes every number.")
@click.option("--sampler", type=click.Choice(["random", "lhs", "sobol"]), help="How uncertain numbers are sampled.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a key path, e.g. --set war.first_strike=0.2.")
@click.option("--out", type=click.Path(path_type=Path), help="Result folder (default: results/<name>).")
@click.option("--no-plots", is_flag=True, help="Skip the plots.")
@click.option("--format", "fmt", type=click.Choice(["png", "svg", "pdf"]), default="png", show_default=True, help="Plot file format.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes (results do not depend on it).")
@click.option("--chunk-size", type=click.IntRange(min=1), help="Draws per chunk (results do not depend on it).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no table.")
def run(file, draws, seed, sampler, sets, out, no_plots, fmt, workers, chunk_size, quiet) -> None:
    """Run scenario FILE and write results/<name>/."""
    from sim.montecarlo import run as run_mc
    from sim.results import ResultWriter
    from sim.scenario import load_scenario

    scn = load_scenario(file, overrides=list(sets) or None)
    out = out or Path("results") / scn.name
    writer = ResultWriter(out)
    try:
        with _progress(quiet) as progress:
            result = run_mc(
                scn, draws=draws, seed=seed, sampler=sampler, workers=workers, chunk_size=chunk_size,
                progress=progress, draws_sink=writer.write_draws,
            )
        path = writer.finish(result, plots=not no_plots, fmt=fmt, command=shlex.join(["sim", *sys.argv[1:]]))
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
    from sim.results import load_result

    _print_headline(load_result(folder, draws=False))


def _print_headline(result) -> None:
    from rich.console import Console
    from rich.table import Table

    s = result.summary
    table = Table(title=f"{result.title}  ({s['draws']} draws, seed {s['seed']}, {s['sampler']})")
    table.add_column("")
    table.add_column("estimate", justify="right")
    table.add_column("95% CI", justify="right")
    rows = [("accepted", s["p_accepted"])] + [(f"holds {k}", v) for k, v in s["p_holds"].items()]
    for label, v in rows:
        table.add_row(label, f"{v['estimate']:.1%}", f"{v['ci_low']:.1%} – {v['ci_high']:.1%}")
    console = Console(file=sys.stdout, width=100)
    console.print(table)
    actors = s["breakdown_by_actor"]
    causes = s["breakdown_by_cause"]
    if s["p_breaks_within_horizon"] > 0:
        who = ", ".join(f"{k} {v:.0%}" for k, v in actors.items() if v > 0.0005)
        why = ", ".join(f"{k} {v:.0%}" for k, v in causes.items() if v > 0.0005)
        console.print(f"breakdowns within the horizon: {s['p_breaks_within_horizon']:.1%} of draws; by: {who}; cause: {why}")
    rej = {k: v for k, v in s["rejected_by"].items() if v > 0}
    if rej:
        console.print("rejected by: " + ", ".join(f"{k} {v:.1%}" for k, v in rej.items()))
    if s.get("median_duration_years") is not None:
        console.print(f"median duration of an accepted ceasefire: {s['median_duration_years']:g} years")


class _progress:
    """A rich progress bar on stderr when it is a terminal (and not --quiet)."""

    def __init__(self, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TimeRemainingColumn

        self.bar = Progress(
            "[progress.description]{task.description}", BarColumn(), "{task.completed}/{task.total} draws",
            TimeRemainingColumn(), console=Console(file=sys.stderr), transient=True,
        )
        self.bar.start()
        self.task = None

        def update(done: int, total: int) -> None:
            if self.task is None:
                self.task = self.bar.add_task("solving", total=total)
            self.bar.update(self.task, completed=done)

        return update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


if __name__ == "__main__":  # pragma: no cover
    main()
