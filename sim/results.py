"""Results: the in-memory :class:`Result`, and the result folder on disk.

A result folder (``results/<name>/``) holds::

    summary.json     headline figures with 95% confidence intervals
    survival.csv     period, years, survival, ci_low, ci_high, survival_if_accepted
    breakdown.csv    expected probability of a breakdown per period, by breaker and cause
    power.csv        A's win probability per event state and period (quantiles over draws)
    draws.parquet    one row per draw: every sampled parameter (by key path) and outcome
    manifest.json    scenario text and sha256, seed, sampler, draws, versions, command,
                     start time, wall seconds, git commit, and every file's sha256
    *.png            plots (unless --no-plots)

Writing is atomic at the folder level: everything goes into a hidden temporary folder
beside the target (``.<name>.tmp-<pid>-<random>``), ``manifest.json`` is written last,
and the folder is renamed into place only when complete, replacing an earlier run only
then. An interrupted run leaves at most a hidden ``.tmp-`` folder, which
:func:`load_result` never reads and the next run into the same parent removes when its
owner process is gone. :func:`load_result` checks the manifest and every file's sha256,
so a folder that is not a complete result is refused with a clear message.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Result", "ResultWriter", "load_result", "ResultError", "REQUIRED_FILES"]

REQUIRED_FILES = ("summary.json", "survival.csv", "breakdown.csv", "power.csv", "draws.parquet")
FORMAT_VERSION = 1


class ResultError(ValueError):
    """A folder is not a complete result, or a result cannot be written."""


@dataclass
class Result:
    """One run: headline summary and tables (pandas), plus what produced it."""

    scenario: Any
    summary: dict
    survival: pd.DataFrame
    breakdown: pd.DataFrame
    power: pd.DataFrame
    draws: pd.DataFrame
    options: Any = None
    wall_seconds: float = 0.0
    manifest: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def name(self) -> str:
        return self.summary.get("scenario") or "result"

    @property
    def title(self) -> str:
        return self.summary.get("title") or self.name

    def headline(self) -> pd.DataFrame:
        """The headline table: accepted and holds 1/2/5/10 years, with 95% intervals."""
        rows = [("accepted", self.summary["p_accepted"])]
        rows += [(f"holds {k}", v) for k, v in self.summary["p_holds"].items()]
        return pd.DataFrame(
            [{"": label, "estimate": v["estimate"], "ci_low": v["ci_low"], "ci_high": v["ci_high"]} for label, v in rows]
        ).set_index("")

    def save(self, out: str | os.PathLike, *, plots: bool = True, fmt: str = "png", command: str | None = None) -> Path:
        """Write the result folder atomically and return its path."""
        writer = ResultWriter(out)
        try:
            writer.write_draws(self.draws)
            return writer.finish(self, plots=plots, fmt=fmt, command=command)
        except BaseException:
            writer.abort()
            raise


class ResultWriter:
    """Writes one result folder through a temporary folder beside the target.

    ``write_draws`` may be called once per chunk (the draws table is streamed to
    ``draws.parquet``); ``finish`` writes the rest and renames the folder into place.
    """

    def __init__(self, out: str | os.PathLike):
        self.target = Path(out).absolute()
        parent = self.target.parent
        if self.target.exists() and not self.target.is_dir():
            raise ResultError(f"{self.target}: exists and is not a folder; choose another --out")
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise ResultError(f"{parent}: exists and is not a folder; choose another --out") from None
        except OSError as exc:
            raise ResultError(f"{parent}: cannot create the folder ({exc.strerror or exc})") from None
        _clean_stale_temps(parent, self.target.name)
        self.tmp = parent / f".{self.target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            self.tmp.mkdir()
        except OSError as exc:
            raise ResultError(f"{parent}: cannot write here ({exc.strerror or exc}); choose another --out") from None
        self._parquet = None
        self._schema = None
        self.started = datetime.now(timezone.utc)

    def write_draws(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        try:
            if self._parquet is None:
                self._schema = table.schema
                self._parquet = pq.ParquetWriter(self.tmp / "draws.parquet", table.schema, compression="zstd")
            else:
                table = table.cast(self._schema)
            self._parquet.write_table(table)
        except OSError as exc:
            raise ResultError(f"{self.tmp}: cannot write draws.parquet ({exc.strerror or exc})") from None

    def finish(self, result: Result, *, plots: bool = True, fmt: str = "png", command: str | None = None) -> Path:
        try:
            if self._parquet is None:
                self.write_draws(result.draws if len(result.draws.columns) else pd.DataFrame({"draw": []}))
            self._parquet.close()
            _write_json(self.tmp / "summary.json", result.summary)
            result.survival.to_csv(self.tmp / "survival.csv", index=False)
            result.breakdown.to_csv(self.tmp / "breakdown.csv", index=False)
            result.power.to_csv(self.tmp / "power.csv", index=False)
            if plots:
                from sim import plots as plotting

                result.path = self.tmp
                plotting.save_all(result, self.tmp, fmt=fmt)
            manifest = _manifest(result, self.tmp, self.started, command)
            _write_json(self.tmp / "manifest.json", manifest)
            result.manifest = manifest
        except OSError as exc:
            self.abort()
            raise ResultError(f"{self.target}: cannot write the result ({exc.strerror or exc}); nothing was replaced") from None
        # swap into place: the old result (if any) stays complete until the new one is whole
        old = None
        if self.target.exists():
            old = self.target.parent / f".{self.target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            os.rename(self.target, old)
        os.rename(self.tmp, self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        result.path = self.target
        return self.target

    def abort(self) -> None:
        try:
            if self._parquet is not None:
                self._parquet.close()
        except Exception:  # noqa: BLE001 - best effort while cleaning up
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def _clean_stale_temps(parent: Path, name: str) -> None:
    """Remove temporary folders of runs into ``name`` whose process is gone."""
    for p in parent.glob(f".{name}.tmp-*"):
        try:
            pid = int(p.name.rsplit(".tmp-", 1)[1].split("-")[0])
        except (IndexError, ValueError):
            continue
        if not _alive(pid):
            shutil.rmtree(p, ignore_errors=True)
    for p in parent.glob(f".{name}.old-*"):
        try:
            pid = int(p.name.rsplit(".old-", 1)[1].split("-")[0])
        except (IndexError, ValueError):
            continue
        if not _alive(pid):
            shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_json(path: Path, data: Any) -> None:
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


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for pkg in ("ceasefire-sim", "numpy", "scipy", "nashpy", "pandas", "pyarrow", "pydantic", "matplotlib", "pyyaml"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def _git_commit() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        res = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None


def _manifest(result: Result, folder: Path, started: datetime, command: str | None) -> dict:
    scn = result.scenario
    text = scn.source_text if scn is not None else ""
    opts = result.options
    files = {
        p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != "manifest.json"
    }
    return {
        "format_version": FORMAT_VERSION,
        "complete": True,
        "scenario_name": result.name,
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
        "solver_method": getattr(opts, "method", None),
        "selection": getattr(opts, "selection", None),
        "versions": _versions(),
        "command": command if command is not None else " ".join(sys.argv),
        "started": started.isoformat(timespec="seconds"),
        "wall_seconds": round(result.wall_seconds, 3),
        "git_commit": _git_commit(),
        "files": files,
    }


def load_result(folder: str | os.PathLike, *, verify: bool = True, draws: bool = True) -> Result:
    """Read back exactly what :meth:`Result.save` wrote.

    Raises :class:`ResultError` naming what is missing when the folder is not a
    complete result (no manifest, a missing file, or a file whose sha256 differs).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultError(f"{folder}: not a folder (give a result folder written by `sim run`)")
    if ".tmp-" in folder.name:
        raise ResultError(f"{folder}: a temporary folder of an unfinished run, not a result")
    mpath = folder / "manifest.json"
    if not mpath.is_file():
        raise ResultError(f"{folder}: not a complete result (no manifest.json; the run may have been interrupted)")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultError(f"{folder}: manifest.json is unreadable ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("complete") is not True:
        raise ResultError(f"{folder}: manifest.json does not mark a complete result")
    files = manifest.get("files", {})
    for name in REQUIRED_FILES:
        if name not in files or not (folder / name).is_file():
            raise ResultError(f"{folder}: not a complete result ({name} is missing)")
    if verify:
        for name, meta in files.items():
            p = folder / name
            if not p.is_file() or _sha256(p) != meta.get("sha256"):
                raise ResultError(f"{folder}: {name} is missing or changed since the run (sha256 mismatch)")
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        survival = pd.read_csv(folder / "survival.csv")
        breakdown = pd.read_csv(folder / "breakdown.csv")
        power = pd.read_csv(folder / "power.csv")
        table = pd.read_parquet(folder / "draws.parquet") if draws else pd.DataFrame()
    except (OSError, ValueError) as exc:
        raise ResultError(f"{folder}: cannot read the result ({exc})") from None
    scenario = None
    text = manifest.get("scenario_text")
    if text:
        from sim.scenario import ScenarioError, parse_scenario_text

        try:
            overrides = [tuple(kv) for kv in manifest.get("overrides") or []]
            scenario = parse_scenario_text(
                text, manifest.get("scenario_file") or "<saved>", overrides or None, default_name=summary.get("scenario")
            )
        except ScenarioError:
            scenario = None
    return Result(
        scenario=scenario,
        summary=summary,
        survival=survival,
        breakdown=breakdown,
        power=power,
        draws=table,
        wall_seconds=float(manifest.get("wall_seconds") or 0.0),
        manifest=manifest,
        path=folder,
    )
