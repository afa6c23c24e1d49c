"""What every command shares: failing with a message, exit codes, small output helpers.

Nothing heavy is imported here (the commands import the library inside their function),
so ``sim validate`` and ``sim schema`` start fast.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

__all__ = [
    "EXIT_USAGE",
    "Count",
    "after_writing",
    "closed_pipe_ok",
    "command_line",
    "console",
    "fail",
    "interval_text",
    "label_option",
    "report_scenario_error",
    "safe_streams",
    "write_atomic_text",
]

#: Exit code of every error a user can cause (a bad scenario, option or folder).
EXIT_USAGE = 1


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on stderr and exit with :data:`EXIT_USAGE`.

    The message may quote user text (a path, a title): control characters are shown as
    escapes, never sent to the terminal (:func:`sim.text.visible`).
    """
    from sim.text import visible

    click.echo(f"error: {visible(message, None)}", err=True)
    sys.exit(EXIT_USAGE)


def report_scenario_error(exc: Any) -> NoReturn:
    """Print every problem of a :class:`~sim.scenario.ScenarioError`, then exit 1."""
    from sim.text import visible

    for problem in exc.problems:
        click.echo(visible(str(problem), None), err=True)
    n = len(exc.problems)
    click.echo(
        f"{n} problem{'s' if n != 1 else ''} found; see `sim schema` or scenarios/README.md "
        "for the format",
        err=True,
    )
    sys.exit(EXIT_USAGE)


def console(width: int | None = None) -> Any:
    """A rich console on stdout that prints text as it is: no markup (``[/b]`` in a title
    is text, not a tag), no emoji codes, no highlighting. Pass user text through
    :func:`sim.text.visible` first, so control characters never reach the terminal."""
    from rich.console import Console

    con = Console(
        file=sys.stdout,
        width=width or max(100, Console().width or 100),
        markup=False,
        emoji=False,
        highlight=False,
    )
    # rich's own handler of a closed pipe exits with 1; let after_writing and
    # closed_pipe_ok decide instead
    con.on_broken_pipe = _raise_broken_pipe  # type: ignore[method-assign]
    return con


def _raise_broken_pipe() -> None:
    raise BrokenPipeError(32, "Broken pipe")


def safe_streams() -> None:
    """Make stdout and stderr replace what their encoding cannot show (``?``) instead of
    raising UnicodeEncodeError: a terminal that is not UTF-8 (``LANG=C``, a Latin-1
    console) still gets every message, with ``·`` and ``–`` replaced."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf16", "utf32") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError, AttributeError):  # a closed or odd stream
                pass


@contextlib.contextmanager
def after_writing(path: Any) -> Iterator[None]:
    """Report on the terminal after ``path`` was written: the result stands whatever the
    terminal does.

    A closed pipe (``| head``), a terminal that hung up, an encoding it cannot show or a
    Ctrl-C while the table prints never turn a written result into exit code 1: the
    report is cut short and the command ends with 0, after saying so on stderr if it can.
    """
    try:
        yield
        sys.stdout.flush()  # a pipe buffers: a closed reader shows here
    except (OSError, UnicodeError, KeyboardInterrupt) as exc:
        _quiet_stdout()
        try:
            why = "interrupted" if isinstance(exc, KeyboardInterrupt) else type(exc).__name__
            click.echo(f"note: wrote {path}; the report on the terminal was cut ({why})", err=True)
        except Exception:  # noqa: BLE001 - stderr is gone too: nothing more to say
            pass
        sys.exit(0)


@contextlib.contextmanager
def closed_pipe_ok() -> Iterator[None]:
    """Printing into a pipe whose reader has gone (``sim show DIR | head -3``) ends the
    command quietly with exit code 0 instead of an error about a broken pipe."""
    try:
        yield
        sys.stdout.flush()  # a pipe buffers: a closed reader shows here
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(0)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail (exit 120)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (a test runner)
        pass


_COUNT = re.compile(r"\+?([0-9]+)((?:\.[0-9]*)?[eE]\+?[0-9]+)?")


class Count(click.ParamType):
    """A whole number in [lo, hi], also written ``1e6`` or ``20_000``: ``--draws``.

    A number over ``hi`` is refused before anything is built (``--draws 1e12``).
    """

    name = "N"

    def __init__(self, lo: int, hi: int, what: str) -> None:
        self.lo, self.hi, self.what = lo, hi, what

    def convert(self, value: Any, param: Any, ctx: Any) -> int:  # noqa: D102
        if isinstance(value, int) and not isinstance(value, bool):
            n = value
        else:
            text = str(value).strip()
            m = _COUNT.fullmatch(text)
            if m is None or not float(text).is_integer():
                self.fail(f"{value!r} is not a whole number such as 20000 or 2e4", param, ctx)
            n = int(text) if m.group(2) is None else int(float(text))
        if not self.lo <= n <= self.hi:
            self.fail(f"{value} is not in [{self.lo:,}, {self.hi:,}] ({self.what})", param, ctx)
        return n


def label_option(ctx: Any, param: Any, value: Any) -> str | None:  # noqa: ARG001
    """A click callback checking ``--label`` (one line, at most 80 characters)."""
    from sim.io.labels import check_label

    try:
        return check_label(value, "--label")
    except (TypeError, ValueError) as exc:
        raise click.BadParameter(str(exc).removeprefix("--label "), param_hint="--label") from None


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
