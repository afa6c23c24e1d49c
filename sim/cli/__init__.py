"""The ``sim`` command line: thin wrappers over the library, one module per command family.

* :mod:`sim.cli.scenarios`: ``sim validate``, ``sim schema``;
* :mod:`sim.cli.runs`: ``sim run``, ``sim show``;
* :mod:`sim.cli.compare`: ``sim compare``;
* :mod:`sim.cli.report`: ``sim report``;
* :mod:`sim.cli.sweep`: ``sim sweep``;
* :mod:`sim.cli.calibrate`: ``sim calibrate``;
* :mod:`sim.cli.common` and :mod:`sim.cli.progress`: what the commands share.

This module holds the click group :func:`main` (the ``sim`` console script) and the error
handling every command gets: every error a user can cause (a bad scenario, a bad option,
an unwritable folder) is reported as a message and exit code 1, never a traceback.
Ctrl-C stops a run with exit code 130 (SIGTERM with 143) and leaves no result folder that
looks complete. A command parses its options, calls the library (:mod:`sim.api` and the
subpackages, imported inside the command so that ``sim validate`` and ``sim schema``
start fast) and reports.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

import click

from sim.cli import calibrate, compare, report, runs, scenarios, sweep
from sim.cli.common import EXIT_USAGE, fail, report_scenario_error

__all__ = ["EXIT_USAGE", "SimGroup", "main"]


class _Interrupted(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so the run cleans up before it stops."""

    signum = 15


def _on_sigterm(signum, frame):  # noqa: ARG001
    raise _Interrupted()


class SimGroup(click.Group):
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
                f"{how}: stopped before the end; no result was written and an earlier result "
                "in the same folder is unchanged; run the command again to get one",
                err=True,
            )
            sys.exit(128 + (exc.signum if isinstance(exc, _Interrupted) else 2))
        finally:
            if prev_term is not None:
                signal.signal(signal.SIGTERM, prev_term)

    def _invoke_reporting_errors(self, ctx):
        from sim.errors import ModelError, ResultError
        from sim.scenario import ScenarioError

        try:
            return super().invoke(ctx)
        except ScenarioError as exc:
            report_scenario_error(exc)
        except (ModelError, ResultError) as exc:
            fail(str(exc))
        except MemoryError:
            fail("out of memory; lower --draws or --chunk-size, or use fewer --workers")
        except OSError as exc:
            from sim.io.atomic import explain

            name = getattr(exc, "filename", None)
            fail(f"{name}: {explain(exc)}" if name else explain(exc))
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: one line, not a traceback
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
    calibrate.calibrate,
):
    main.add_command(_command)
