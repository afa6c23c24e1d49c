"""The progress bar of long commands (``sim run``, ``sim sweep``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO, Any

__all__ = ["ProgressBar"]


class ProgressBar:
    """A rich progress bar on stderr, for runs longer than a second.

    Off with ``--quiet`` and when stderr is not a terminal (a pipe or a log file). Used
    as a context manager, it gives the ``progress(done, total)`` callback to hand to the
    library, or None when the bar is off::

        with ProgressBar(quiet) as progress:
            result = sim.run(scn, progress=progress)

    Parameters
    ----------
    quiet
        No bar at all.
    unit
        What is counted (``draws``, ``grid points``).
    what
        The bar's description.
    file
        Where the bar goes (default: stderr).
    """

    #: Seconds before the bar appears: short runs print nothing.
    DELAY = 1.0

    def __init__(
        self,
        quiet: bool,
        unit: str = "draws",
        what: str = "solving",
        file: IO[str] | None = None,
    ):
        self.file = file or sys.stderr
        self.enabled = not quiet and self.file.isatty()
        self.bar: Any = None
        self.task: Any = None
        self.unit, self.what = unit, what

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.enabled:
            return None
        t0 = time.monotonic()

        def update(done: int, total: int) -> None:
            if self.bar is None:
                if time.monotonic() - t0 < self.DELAY:
                    return
                self._start(total)
            self.bar.update(self.task, completed=done)

        return update

    def _start(self, total: int) -> None:
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

    def __exit__(self, *exc: object) -> bool:
        if self.bar is not None:
            self.bar.stop()
        return False
