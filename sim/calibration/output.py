"""The calibration folder: ``posterior.parquet``, ``calibration.png``, ``calibration.json``.

Written like a run's result (:class:`sim.io.atomic.AtomicFolder`): into a hidden temporary
folder beside the target, renamed into place when complete, replacing an earlier result,
sweep or calibration only then and never a folder of other files. ``calibration.json`` is
written last and marks the folder complete; it holds the sha256 of every other file, so
:func:`sim.montecarlo.load_posterior` can tell a changed file, and its own sha256 names
the folder's content in the manifest of a run that uses it.

This layer does not import plotting: the figure is drawn by a function the caller passes
(``figure(calibration, path, fmt)``, e.g. :func:`sim.plots.save_calibration`).
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import ResultError
from sim.io.atomic import AtomicFolder
from sim.io.manifest import git_commit, package_versions, sha256_file, write_json
from sim.montecarlo.posterior import CALIBRATION_FILE, FORMAT, POSTERIOR_FILE

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.calibration.calibrate import Calibration

__all__ = ["FORMAT_VERSION", "write_calibration"]

#: Version of the calibration folder's layout.
FORMAT_VERSION = 1


def write_calibration(
    cal: Calibration,
    out: str | os.PathLike,
    *,
    plots: bool = True,
    fmt: str = "png",
    command: str | None = None,
    figure: Callable[..., Any] | None = None,
) -> Path:
    """Write ``posterior.parquet``, ``calibration.<fmt>`` and ``calibration.json`` into ``out``.

    Parameters
    ----------
    cal
        The calibration.
    out
        The folder; an existing one is replaced only if it is ours or empty.
    plots
        Draw the figure with ``figure``; ``plots=True`` without one raises
        :class:`ResultError` before anything is written.
    fmt
        Figure format: ``png``, ``svg`` or ``pdf``.
    command
        The command recorded (default: the process's command line).
    figure
        ``figure(calibration, path, fmt)`` draws the figure to ``path``.
    """
    if plots and figure is None:
        raise ResultError(
            "write_calibration needs figure= (e.g. sim.plots.save_calibration) to draw "
            "calibration.png, and nothing was written: pass it, or plots=False"
        )
    started = datetime.now(timezone.utc)

    def fill(tmp: Path) -> None:
        cal.posterior.to_parquet(tmp / POSTERIOR_FILE, index=False)
        if plots and figure is not None:
            figure(cal, tmp / f"calibration.{fmt}", fmt)
        files = {
            p.name: {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
            for p in sorted(tmp.iterdir())
            if p.is_file()
        }
        meta = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            **cal.summary,
            "command": command if command is not None else " ".join(sys.argv),
            "started": started.isoformat(timespec="seconds"),
            "wall_seconds": round(cal.wall_seconds, 3),
            "versions": package_versions(),
            "git_commit": git_commit(),
            "files": files,
        }
        write_json(tmp / CALIBRATION_FILE, meta)  # last: marks the folder complete

    return AtomicFolder(out).write("calibration", fill)
