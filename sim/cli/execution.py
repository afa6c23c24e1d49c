"""The options that say where a command's chunks are solved, shared by ``sim run`` and
``sim sweep``: ``--executor``, ``--workers`` and ``--scheduler``.

:func:`executor_options` adds them to a command; :func:`cli_executor` opens the executor
they ask for (:func:`sim.montecarlo.open_executor`), with its notes (fewer workers than
asked, waiting for a cluster's first worker) printed on stderr as ``note: ...``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from sim.names import EXECUTORS

__all__ = ["cli_executor", "executor_options"]


def executor_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--executor``, ``--workers`` and ``--scheduler`` to a click command."""
    options = [
        click.option(
            "--executor",
            type=click.Choice(EXECUTORS),
            help="Where chunks are solved: here (local), in local worker processes "
            "(processes), or on a Dask cluster (dask). Default: processes when --workers > 1, "
            "else local. Results do not depend on it.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            help="Worker processes (processes, or the LocalCluster of --executor dask; "
            "default: the machine's CPUs). Results do not depend on it.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            envvar="SIM_DASK_SCHEDULER",
            show_envvar=True,
            help="A Dask scheduler, e.g. tcp://host:8786, for --executor dask (default: a "
            "LocalCluster on this machine).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def cli_executor(executor: str | None, workers: int | None, scheduler: str | None, quiet: bool):
    """The open executor these options ask for (use it in a ``with`` block).

    ``SIM_DASK_SCHEDULER`` reaches ``scheduler`` only for ``--executor dask``: the variable
    picks a cluster for the commands that use one, it does not turn every run into a
    cluster run.
    """
    from sim.montecarlo import open_executor

    source = click.get_current_context().get_parameter_source("scheduler")
    if executor != "dask" and source == click.core.ParameterSource.ENVIRONMENT:
        scheduler = None

    def note(message: str) -> None:
        if not quiet:
            click.echo(f"note: {message}", err=True)

    return open_executor(executor, workers=workers, scheduler=scheduler, notice=note)
