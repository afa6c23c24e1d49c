"""The ``sim`` command line: thin wrappers over the library, one module per command family.

* :mod:`sim.cli.scenarios`: ``sim validate``, ``sim schema``;
* :mod:`sim.cli.runs`: ``sim run``, ``sim show``;
* :mod:`sim.cli.compare`: ``sim compare``;
* :mod:`sim.cli.report`: ``sim report``;
* :mod:`sim.cli.sweep`: ``sim sweep``;
* :mod:`sim.cli.terms`: ``sim terms``;
* :mod:`sim.cli.explain`: ``sim explain``;
* :mod:`sim.cli.calibrate`: ``sim calibrate``;
* :mod:`sim.cli.common`, :mod:`sim.cli.progress` and :mod:`sim.cli.execution` (the
  ``--executor``, ``--workers`` and ``--scheduler`` options): what the commands share.

This module holds the click group :func:`main` (the ``sim`` console script) and the error
handling every command gets: every error a user can cause (a bad scenario, a bad option,
an unwritable folder) is reported as a message and exit code 1, never a traceback.
Ctrl-C stops a run with exit code 130 (SIGTERM with 143, SIGHUP, a closed terminal, with
129) and leaves no result folder that looks complete. Once a result is written, nothing
the terminal does (a closed pipe, a hang-up, an encoding that cannot show the table) turns
the command into a failure (:func:`sim.cli.common.after_writing`), and a terminal that is
not UTF-8 gets ``?`` for what it cannot show (:func:`sim.cli.common.safe_streams`).

A command parses its options, calls the library (:mod:`sim.api` and the subpackages,
imported inside the command so that ``sim validate`` and ``sim schema`` start fast) and
reports.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

import click

from sim.cli import calibrate, compare, explain, report, runs, scenarios, sweep, terms
from sim.cli.common import EXIT_USAGE, fail, report_scenario_error, safe_streams

__all__ = ["EXIT_USAGE", "SimGroup", "main"]


class _Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled like Ctrl-C so the run cleans up before it stops."""

    def __init__(self, signum: int = 15) -> None:
        super().__init__(signum)
        self.signum = signum


#: The process that installed the handlers: a worker forked from it inherits them.
_MAIN_PID = [0]


def _on_signal(signum, frame):  # noqa: ARG001
    if os.getpid() != _MAIN_PID[0]:
        return  # a worker process: the parent stops it (a terminal hangs up the whole group)
    raise _Interrupted(signum)


#: Signals that stop a command like Ctrl-C: SIGTERM (kill, a scheduler) and SIGHUP (the
#: terminal closed), with the message each gets.
_STOPS = {"SIGTERM": "terminated (SIGTERM)", "SIGHUP": "hung up (SIGHUP: the terminal closed)"}


class SimGroup(click.Group):
    """Turns library errors into messages with exit code 1 for every command.

    Ctrl-C (and SIGTERM) stop with exit code 130 (143) after the command has cleaned up;
    an unexpected exception (a bug) is reported in one line, with the traceback only
    when SIM_DEBUG=1.
    """

    def main(self, *args, **kwargs):  # noqa: D102
        # pydantic looks for plugins in the metadata of every installed package the first
        # time a model is built (tens of ms in a large environment); the command line uses
        # none. A user who wants them sets PYDANTIC_DISABLE_PLUGINS themselves.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        # click exits with 2 on a usage error (a bad option value, a missing argument);
        # every bad input to `sim` exits with 1, with click's own message.
        kwargs["standalone_mode"] = False
        safe_streams()
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
        previous = {}
        _MAIN_PID[0] = os.getpid()
        if threading.current_thread() is threading.main_thread():
            for name in _STOPS:
                sig = getattr(signal, name, None)
                if sig is None:  # no SIGHUP on Windows
                    continue
                try:
                    previous[sig] = signal.signal(sig, _on_signal)
                except (ValueError, OSError):
                    pass
        try:
            return self._invoke_reporting_errors(ctx)
        except KeyboardInterrupt as exc:  # also while the library is still being imported
            signum = exc.signum if isinstance(exc, _Interrupted) else 2
            how = next(
                (v for k, v in _STOPS.items() if getattr(signal, k, None) == signum),
                "interrupted (Ctrl-C)",
            )
            try:
                click.echo(
                    f"{how}: stopped before the end; no result was written and an earlier "
                    "result in the same folder is unchanged; run the command again to get one",
                    err=True,
                )
            except (OSError, ValueError):  # the terminal is gone (a hang-up)
                pass
            sys.exit(128 + signum)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _invoke_reporting_errors(self, ctx):
        from sim.errors import BudgetError, ExecutorError, ModelError, ResultError

        try:
            return super().invoke(ctx)
        except (BudgetError, ModelError, ResultError, ExecutorError) as exc:
            fail(str(exc))
        except MemoryError:
            fail(
                "out of memory: use fewer --workers (each holds a chunk) or lower --draws; "
                "lower --chunk-size only if you raised it (the default is sized for about "
                "200 MB a chunk, and tiny chunks cost memory of their own)"
            )
        except OSError as exc:
            from sim.io.atomic import explain

            name = getattr(exc, "filename", None)
            fail(f"{name}: {explain(exc)}" if name else explain(exc))
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: one line, not a traceback
            # a ScenarioError can only come from the scenario layer, so it is looked up
            # only if that was imported: `sim schema` need not import it at all
            scenario = sys.modules.get("sim.scenario")
            if scenario is not None and isinstance(exc, scenario.ScenarioError):
                report_scenario_error(exc)
            if os.environ.get("SIM_DEBUG"):
                raise
            fail(
                f"internal error ({type(exc).__name__}: {exc}). This is a bug in ceasefire-sim: "
                "please report it with the command and the scenario file; SIM_DEBUG=1 shows "
                "the traceback"
            )


@click.group(cls=SimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ceasefire-sim", prog_name="sim")
def main() -> None:
    """ceasefire-sim: would this ceasefire hold?

    Scenario files state the terms of a ceasefire and beliefs about two actors; `sim run`
    solves the games they imply over Monte Carlo draws of the uncertain beliefs.
    """


for _command in (
    scenarios.validate,
    scenarios.schema,
    runs.run,
    runs.show,
    compare.compare,
    report.report,
    sweep.sweep,
    terms.terms,
    explain.explain,
    calibrate.calibrate,
):
    main.add_command(_command)
