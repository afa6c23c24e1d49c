"""What every command shares: failing with a message, exit codes, small output helpers.

Nothing heavy is imported here (the commands import the library inside their function),
so ``sim validate`` and ``sim schema`` start fast.
"""

from __future__ import annotations

import os
import shlex
import sys
import uuid
from pathlib import Path
from typing import Any, NoReturn

import click

__all__ = [
    "EXIT_USAGE",
    "command_line",
    "fail",
    "interval_text",
    "report_scenario_error",
    "write_atomic_text",
]

#: Exit code of every error a user can cause (a bad scenario, option or folder).
EXIT_USAGE = 1


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on stderr and exit with :data:`EXIT_USAGE`."""
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def report_scenario_error(exc: Any) -> NoReturn:
    """Print every problem of a :class:`~sim.scenario.ScenarioError`, then exit 1."""
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    n = len(exc.problems)
    click.echo(
        f"{n} problem{'s' if n != 1 else ''} found; see `sim schema` or scenarios/README.md "
        "for the format",
        err=True,
    )
    sys.exit(EXIT_USAGE)


def command_line() -> str:
    """The command as typed (``sim ...``), for manifests and ``sweep.json``."""
    return shlex.join(["sim", *sys.argv[1:]])


def interval_text(table: Any, col: str, i: Any) -> str:
    """``12.3% (10.1%–14.6%)`` for row ``i`` of a table with ``col`` and its interval."""
    import math

    v = table.at[i, col] if col in table.columns else float("nan")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.1%} ({table.at[i, col + '_ci_low']:.1%}–{table.at[i, col + '_ci_high']:.1%})"


def write_atomic_text(path: Path, text: str) -> None:
    """Write a text file beside ``path`` and rename it: a reader never sees half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
