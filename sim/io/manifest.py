"""``manifest.json``: what produced a result folder, and the sha256 of every file in it.

The manifest is written last, so its presence marks a complete folder; it records the
run's ``--label``, the scenario text and its sha256, the ``--set`` overrides and the
resolved scenario, the run options (seed, sampler, draws, chunk size, workers, executor,
solver method and selection), the calibration a run drew beliefs from (``posterior``: its
folder and hash, when given), the
package versions, the command, the start time, the wall time, the git commit, and the
size and sha256 of every other file. :func:`sim.io.load_result` checks those sha256s.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.io.result import Result

__all__ = [
    "FORMAT_VERSION",
    "build_manifest",
    "file_list",
    "git_commit",
    "package_versions",
    "sha256_file",
    "sha256_stream",
    "write_json",
]

#: Version of the result folder's layout, recorded in every manifest.
FORMAT_VERSION = 1
#: Packages whose versions the manifest records (besides Python's).
VERSIONED_PACKAGES = (
    "ceasefire-sim",
    "numpy",
    "scipy",
    "nashpy",
    "pandas",
    "pyarrow",
    "pydantic",
    "matplotlib",
    "pyyaml",
    "salib",
)


def build_manifest(
    result: Result, folder: Path, started: datetime, command: str | None
) -> dict[str, Any]:
    """The manifest of ``result`` written into ``folder`` (every file but the manifest).

    ``command`` defaults to the process's command line.
    """
    scn = result.scenario
    text = scn.source_text if scn is not None else ""
    opts = result.options
    files = file_list(folder, exclude="manifest.json")
    # a calibrated run: the posterior's folder and hash (sim.montecarlo.posterior)
    post = getattr(opts, "posterior", None)
    calibration = {"posterior": post.record()} if post is not None else {}
    return {
        "format_version": FORMAT_VERSION,
        "complete": True,
        "scenario_name": result.name,
        "label": (result.summary or {}).get("label"),
        "scenario_file": scn.source_path if scn is not None else None,
        "scenario_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "scenario_text": text,
        "overrides": [[k, v] for k, v in scn.overrides] if scn is not None else [],
        "scenario_resolved": scn.model_dump(mode="json") if scn is not None else None,
        "seed": getattr(opts, "seed", None),
        "sampler": getattr(opts, "sampler", None),
        "draws": getattr(opts, "draws", None),
        "chunk_size": getattr(opts, "chunk_size", None),
        "workers": getattr(opts, "workers", None),
        "executor": getattr(opts, "executor", None),
        "solver_method": getattr(opts, "method", None),
        # the rule, or the text of a sampled choice of rules (choice([peaceful, qre]))
        "selection": None if getattr(opts, "selection", None) is None else str(opts.selection),
        **calibration,
        "versions": _versions(),
        "command": command if command is not None else " ".join(sys.argv),
        "started": started.isoformat(timespec="seconds"),
        "wall_seconds": round(result.wall_seconds, 3),
        "git_commit": _git_commit(),
        "files": files,
    }


def file_list(folder: Path, exclude: str) -> dict[str, dict[str, Any]]:
    """Every file of ``folder`` but ``exclude``: name -> ``{"bytes": ..., "sha256": ...}``.

    What a marker (``manifest.json``, ``sweep.json``) lists, so that the folder is known
    to hold nothing else (:func:`sim.io.atomic.is_result_folder`).
    """
    return {
        p.name: {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != exclude
    }


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON; NaN and infinities are refused (ValueError)."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, allow_nan=False, default=_json_default)
        fh.write("\n")


def _json_default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"cannot serialise {type(o).__name__}")


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, as hex."""
    with open(path, "rb") as fh:
        return sha256_stream(fh)


def sha256_stream(fh: IO[bytes]) -> str:
    """The sha256 of what is left to read in an open binary file, as hex."""
    h = hashlib.sha256()
    for block in iter(lambda: fh.read(1 << 20), b""):
        h.update(block)
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    """Python's version and those of the packages a manifest records."""
    return _versions()


def git_commit() -> str | None:
    """The git commit of the package's checkout, or None outside one."""
    return _git_commit()


def _versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for pkg in VERSIONED_PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def _git_commit() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        res = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None
