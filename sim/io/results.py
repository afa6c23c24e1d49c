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
every file is fsync'ed, and the folder is swapped into place only when complete, replacing
an earlier run only then (atomically on Linux: ``renameat2(RENAME_EXCHANGE)``, so two runs
into the same folder leave one complete result, the last to finish). An existing folder
is replaced only if it is a result (it holds ``manifest.json``) or empty. Nothing whose
probabilities are not finite numbers in [0, 1] is written (:func:`check_result`).

An interrupted or killed run leaves at most a hidden ``.tmp-`` folder, which
:func:`load_result` never reads and the next run into the same parent removes once its
owner process is gone. :func:`load_result` checks the manifest and every file's sha256
through one handle on the folder, so a folder that is not a complete result is refused
with a clear message and a result being replaced is never read as a mix of two runs.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ResultError

__all__ = ["Result", "ResultWriter", "load_result", "check_result", "ResultError", "REQUIRED_FILES"]

REQUIRED_FILES = ("summary.json", "survival.csv", "breakdown.csv", "power.csv", "draws.parquet")
FORMAT_VERSION = 1
#: Rows per parquet row group in draws.parquet (fixed, so chunking never changes the file).
ROW_GROUP = 65536


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
            [
                {
                    "": label,
                    "estimate": v["estimate"],
                    "ci_low": v["ci_low"],
                    "ci_high": v["ci_high"],
                }
                for label, v in rows
            ]
        ).set_index("")

    def save(
        self,
        out: str | os.PathLike,
        *,
        plots: bool = True,
        fmt: str = "png",
        command: str | None = None,
    ) -> Path:
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
    ``draws.parquet``); ``finish`` writes the rest and swaps the folder into place.

    Safety rules:

    * an existing ``out`` is replaced only if it is a result folder (it holds a
      ``manifest.json``) or empty: a folder of other files is never deleted;
    * the swap is atomic where the OS allows (Linux ``renameat2(RENAME_EXCHANGE)``), so
      readers and concurrent runs into the same ``out`` see the old result or the new
      one, never a mix and never nothing; elsewhere the old folder is renamed aside
      first and put back if the new one cannot be renamed in;
    * every file is fsync'ed before the swap, so a crash after it cannot leave a
      folder that looks complete but holds truncated files;
    * nothing with a NaN or out-of-range probability is written (:func:`check_result`).
    """

    def __init__(self, out: str | os.PathLike):
        self.target = Path(os.path.abspath(os.fspath(out)))  # lexical: "a/.." is "." here
        if not self.target.name:
            raise ResultError(
                f"{self.target}: cannot replace the root folder; give --out a folder name such as results/run1"
            )
        parent = self.target.parent
        _check_replaceable(self.target)
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise ResultError(
                f"{parent}: exists and is not a folder; choose another --out"
            ) from None
        except OSError as exc:
            raise ResultError(f"{parent}: cannot create the folder ({_explain(exc)})") from None
        if not parent.is_dir():
            raise ResultError(f"{parent}: exists and is not a folder; choose another --out")
        _clean_stale_temps(parent, self.target.name)
        self.tmp = parent / f".{self.target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            self.tmp.mkdir()
        except OSError as exc:
            raise ResultError(f"{parent}: cannot write here ({_explain(exc)})") from None
        self._parquet = None
        self._pending: list = []
        self._pending_rows = 0
        self._schema = None
        self._rows = 0
        self.started = datetime.now(timezone.utc)

    def write_draws(self, frame: pd.DataFrame) -> None:
        """Append one chunk of the draws table to ``draws.parquet``."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        _check_draws(frame)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        try:
            if self._parquet is None:
                self._schema = table.schema
                self._parquet = pq.ParquetWriter(
                    self.tmp / "draws.parquet", table.schema, compression="zstd"
                )
            else:
                table = table.cast(self._schema)
            # Row groups of a fixed size, whatever the chunks: the file's bytes then do
            # not depend on --chunk-size or --workers either.
            self._pending.append(table)
            self._pending_rows += table.num_rows
            self._rows += table.num_rows
            if self._pending_rows >= ROW_GROUP:
                self._flush(final=False)
        except OSError as exc:
            raise ResultError(
                f"{self.target}: cannot write draws.parquet ({_explain(exc)}); nothing was replaced"
            ) from None

    def _flush(self, *, final: bool) -> None:
        import pyarrow as pa

        if not self._pending:
            return
        table = pa.concat_tables(self._pending).combine_chunks()
        full = (table.num_rows // ROW_GROUP) * ROW_GROUP
        cut = table.num_rows if final else full
        if cut:
            self._parquet.write_table(table.slice(0, cut), row_group_size=ROW_GROUP)
        rest = table.slice(cut)
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows

    def finish(
        self, result: Result, *, plots: bool = True, fmt: str = "png", command: str | None = None
    ) -> Path:
        """Write the rest of the folder, then swap it into place; returns the target."""
        check_result(result)
        try:
            if self._parquet is None:
                self.write_draws(
                    result.draws if len(result.draws.columns) else pd.DataFrame({"draw": []})
                )
            self._flush(final=True)
            self._parquet.close()
            n = (result.summary or {}).get("draws")
            if n is not None and self._rows != n:
                self.abort()
                raise ResultError(
                    f"{self.target}: the draws table has {self._rows} rows for {n} draws, so the folder would "
                    "not be a complete result; nothing was written (a Result whose draws were streamed to "
                    "another folder cannot be saved again: run it again without draws_sink)"
                )
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
            _fsync_tree(self.tmp)
        except OSError as exc:
            self.abort()
            raise ResultError(
                f"{self.target}: cannot write the result ({_explain(exc)}); nothing was replaced"
            ) from None
        except ResultError:
            self.abort()
            raise
        except ValueError as exc:  # e.g. a NaN json refuses (check_result should have caught it)
            self.abort()
            raise ResultError(
                f"{self.target}: refusing to write an invalid result ({exc}); nothing was replaced"
            ) from None
        with _sigint_deferred():  # a Ctrl-C now must not split the swap from its clean-up
            try:
                _swap_into_place(self.tmp, self.target)
            except OSError as exc:
                self.abort()
                raise ResultError(
                    f"{self.target}: cannot move the finished result into place ({_explain(exc)}); nothing was replaced"
                ) from None
            except BaseException:
                self.abort()
                raise
        result.manifest = manifest
        result.path = self.target
        return self.target

    def abort(self) -> None:
        """Remove the temporary folder (after an error or an interrupt)."""
        try:
            if self._parquet is not None:
                self._parquet.close()
        except Exception:  # noqa: BLE001 - best effort while cleaning up
            pass
        _remove(self.tmp)


# ---------------------------------------------------------------------------------------
# checks: nothing that is not a finite probability is written as one

#: Draws-table columns that hold probabilities or shares in [0, 1]. ``nash_share_a`` is
#: missing (null) where no split gives both sides their war value (an empty bargaining
#: set); every other one must be present.
PROBABILITY_COLUMNS = (
    "p_holds_",
    "win_prob_",
    "fearon_low",
    "fearon_high",
    "terms_share_a",
    "nash_share_a",
)
NULLABLE_COLUMNS = ("nash_share_a",)
_SLACK = 1e-9


def _bad_probability(values: Any, nullable: bool = False) -> str | None:
    import numpy as np

    v = np.asarray(values, dtype=float)
    if nullable:
        v = v[~np.isnan(v)]
    if v.size == 0:
        return None
    if not np.all(np.isfinite(v)):
        return "NaN" if np.isnan(v).any() else "infinite"
    lo, hi = float(v.min()), float(v.max())
    if lo < -_SLACK or hi > 1 + _SLACK:
        return f"{lo if lo < -_SLACK else hi!r}, outside [0, 1]"
    return None


_INVALID_ADVICE = (
    "nothing was written. Parameters at the edge of what floating point can represent "
    "(a discount within 1e-12 of 1, costs or flows near 1e300) can do this: bring them "
    "back into range; if they are sensible, please report it as a bug with the scenario"
)


def _check_draws(frame: pd.DataFrame) -> None:
    for col in frame.columns:
        if isinstance(col, str) and col.startswith(PROBABILITY_COLUMNS):
            bad = _bad_probability(
                frame[col].to_numpy(dtype=float, na_value=float("nan")), col in NULLABLE_COLUMNS
            )
            if bad:
                raise ResultError(
                    f"the draws table has a probability that is {bad} in column {col}; {_INVALID_ADVICE}"
                )


def check_result(result: Result) -> None:
    """Raise :class:`ResultError` if any probability of ``result`` is not finite in [0, 1].

    Checked: every estimate and interval of ``summary`` (``p_holds_if_accepted`` may be
    null when no draw accepted the terms), the survival and breakdown tables
    (``survival_if_accepted`` may be empty for the same reason), and the draws table if
    it is held in memory.
    """
    s = result.summary or {}
    problems = []

    def visit(value: Any, path: str, nullable: bool) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                visit(v, f"{path}.{k}", nullable)
        elif value is None:
            if not nullable:
                problems.append(f"{path} is missing")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            bad = _bad_probability([value])
            if bad:
                problems.append(f"{path} is {bad}")

    for key in (
        "p_accepted",
        "p_holds",
        "p_holds_end",
        "p_breaks_within_horizon",
        "breakdown_by_actor",
        "breakdown_by_cause",
        "rejected_by",
        "rejection_cause",
    ):
        if key in s:
            visit(s[key], key, False)
    if "p_holds_if_accepted" in s:
        visit(s["p_holds_if_accepted"], "p_holds_if_accepted", True)
    for table, name, nullable in (
        (result.survival, "survival.csv", ("survival_if_accepted",)),
        (result.breakdown, "breakdown.csv", ()),
    ):
        if table is None:
            continue
        for col in table.columns:
            if col in ("period", "years"):
                continue
            bad = _bad_probability(table[col].to_numpy(dtype=float), col in nullable)
            if bad:
                problems.append(f"{name} column {col} is {bad}")
    if problems:
        raise ResultError(
            "the run produced invalid probabilities ("
            + "; ".join(problems[:5])
            + f"); {_INVALID_ADVICE}"
        )
    if result.draws is not None and len(result.draws.columns):
        _check_draws(result.draws)


# ---------------------------------------------------------------------------------------
# the folder swap and its clean-up


#: Files that mark a folder as one of ours (a run's or a sweep's), safe to replace.
MARKERS = ("manifest.json", "sweep.json")


def _is_result_folder(path: Path) -> bool:
    return any((path / name).is_file() for name in MARKERS)


def _check_replaceable(target: Path) -> None:
    """Refuse (before any work) an ``out`` that must not be replaced: only an empty
    folder or an earlier result of ours (a run or a sweep) is."""
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        kind = "a broken link" if target.is_symlink() else "a file"
        raise ResultError(
            f"{target}: exists and is {kind}, not a folder; choose another --out (or remove it)"
        )
    try:
        empty = next(os.scandir(target), None) is None
    except OSError as exc:
        raise ResultError(f"{target}: cannot read the folder ({_explain(exc)})") from None
    if not empty and not _is_result_folder(target):
        raise ResultError(
            f"{target}: exists and holds files that are not a sim result (no manifest.json or sweep.json); to protect "
            "them nothing is replaced: choose another --out, or move that folder away first"
        )


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2_fn: Any = None


def _renameat2():
    global _renameat2_fn
    if _renameat2_fn is None:
        _renameat2_fn = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                fn = libc.renameat2
                fn.argtypes = [
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_uint,
                ]
                fn.restype = ctypes.c_int
                _renameat2_fn = fn
            except (OSError, AttributeError):  # no libc symbol (old glibc, musl)
                pass
    return _renameat2_fn or None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap paths ``a`` and ``b``; False where the OS or file system cannot."""
    import ctypes
    import errno

    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Put the complete folder ``tmp`` at ``target``; ``target``'s old content is removed.

    Races with another run into the same target are retried: the last swap wins and the
    folder is always one complete result.
    """
    import errno

    for _ in range(20):
        if not os.path.lexists(target):
            try:
                os.rename(tmp, target)  # atomic; fails if a non-empty folder appeared meanwhile
                _fsync_dir(target.parent)
                return
            except OSError as exc:
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    continue
                raise
        _check_replaceable(target)
        try:
            if _exchange(tmp, target):  # tmp now holds the old result
                _fsync_dir(target.parent)
                _remove(tmp)
                return
        except FileNotFoundError:
            continue  # another run moved it away: look again
        # no atomic exchange here: rename the old result aside, put it back on failure
        old = target.parent / f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            os.rename(target, old)
        except FileNotFoundError:
            continue
        try:
            os.rename(tmp, target)
        except OSError:
            try:
                os.rename(old, target)
            except OSError:
                pass
            raise
        _fsync_dir(target.parent)
        _remove(old)
        return
    raise ResultError(
        f"{target}: other runs kept replacing this folder; run again or choose another --out"
    )


def _remove(path: Path) -> None:
    if os.path.islink(path) or os.path.isfile(path):
        try:
            os.unlink(path)
        except OSError:
            pass
    else:
        shutil.rmtree(path, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for p in folder.iterdir():
        if p.is_file():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a folder
        pass
    finally:
        os.close(fd)


class _sigint_deferred:
    """Hold a Ctrl-C back for the few milliseconds of the swap (main thread only).

    A Ctrl-C that arrives while the finished result is being swapped in is dropped:
    the run is complete by then, so it ends as a success.
    """

    def __enter__(self):
        import signal
        import threading

        self.prev = None
        if threading.current_thread() is threading.main_thread():
            try:
                self.prev = signal.signal(signal.SIGINT, lambda *_: None)
            except (ValueError, TypeError, OSError):
                self.prev = None
        return self

    def __exit__(self, *exc):
        import signal

        if self.prev is not None:
            signal.signal(signal.SIGINT, self.prev)
        return False


def _explain(exc: OSError) -> str:
    """An OSError as a reason and what to do about it."""
    import errno

    what = exc.strerror or str(exc)
    advice = {
        errno.ENOSPC: "the disk is full: free some space or choose --out on another disk",
        errno.EDQUOT: "the disk quota is used up: free some space or choose --out on another disk",
        errno.EACCES: "no permission to write there: choose another --out",
        errno.EPERM: "no permission to write there: choose another --out",
        errno.EROFS: "the file system is read-only: choose another --out",
        errno.ENOTDIR: "part of the path is a file, not a folder: choose another --out",
        errno.ENAMETOOLONG: "the path is too long: choose a shorter --out",
        errno.EIO: "the disk reported an I/O error: choose --out on another disk",
    }.get(exc.errno, "choose another --out")
    return f"{what}; {advice}"


def _parse_pid(name: str, marker: str) -> int | None:
    try:
        return int(name.rsplit(marker, 1)[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def _clean_stale_temps(parent: Path, name: str) -> None:
    """Tidy what runs into ``name`` left behind when they were killed.

    ``.NAME.tmp-PID-xxxx`` folders whose process is gone are removed. A
    ``.NAME.old-PID-xxxx`` folder (the previous result, renamed aside for a swap on a
    system without an atomic exchange) is put back if ``NAME`` is missing, else removed.
    Folders of live processes are left alone.
    """
    pattern = glob.escape(f".{name}")
    try:
        temps = sorted(parent.glob(f"{pattern}.tmp-*"))
        olds = sorted(parent.glob(f"{pattern}.old-*"))
    except OSError:
        return
    for p in temps:
        pid = _parse_pid(p.name, ".tmp-")
        if pid is not None and not _alive(pid):
            _remove(p)
    target = parent / name
    for p in olds:
        pid = _parse_pid(p.name, ".old-")
        if pid is None or _alive(pid):
            continue
        if not os.path.lexists(target) and _is_result_folder(p):
            try:
                os.rename(p, target)
                continue
            except OSError:
                pass
        _remove(p)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    return _zombie(pid) is not True


def _zombie(pid: int) -> bool | None:
    """True if ``pid`` has exited but not been reaped (Linux), so it will write no more."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return None


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
    for pkg in (
        "ceasefire-sim",
        "numpy",
        "scipy",
        "nashpy",
        "pandas",
        "pyarrow",
        "pydantic",
        "matplotlib",
        "pyyaml",
    ):
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
    Every file is opened through one handle on the folder, so a run that swaps a new
    result into ``folder`` meanwhile cannot make this read a mix of the two: it reads
    the old result whole, or (if the old one is deleted under it) retries on the new one.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultError(f"{folder}: not a folder (give a result folder written by `sim run`)")
    if ".tmp-" in folder.name or ".old-" in folder.name:
        raise ResultError(
            f"{folder}: a temporary folder left by an unfinished run, not a result; the next run into "
            "the same folder removes it"
        )
    for attempt in range(3):
        try:
            dfd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError as exc:
            raise ResultError(f"{folder}: cannot open the folder ({exc.strerror or exc})") from None
        try:
            return _load_from(folder, dfd, verify, draws)
        except ResultError:
            if attempt < 2 and _replaced(folder, dfd):
                continue  # another run swapped a new result in while we read: read that one
            raise
        finally:
            os.close(dfd)
    raise AssertionError("unreachable")  # pragma: no cover


def _replaced(folder: Path, dfd: int) -> bool:
    try:
        return os.stat(folder).st_ino != os.fstat(dfd).st_ino
    except OSError:
        return True


def _load_from(folder: Path, dfd: int, verify: bool, draws: bool) -> Result:
    import io

    def open_(name: str) -> io.BufferedReader:
        return open(name, "rb", opener=lambda path, flags: os.open(path, flags, dir_fd=dfd))

    try:
        with open_("manifest.json") as fh:
            manifest = json.loads(fh.read().decode("utf-8"))
    except FileNotFoundError:
        raise ResultError(
            f"{folder}: not a complete result (no manifest.json; the run may have been interrupted): run it again"
        ) from None
    except (OSError, ValueError) as exc:
        raise ResultError(
            f"{folder}: manifest.json is unreadable ({exc}); run the scenario again"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("complete") is not True:
        raise ResultError(
            f"{folder}: manifest.json does not mark a complete result; run the scenario again"
        )
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise ResultError(f"{folder}: manifest.json lists no files; run the scenario again")
    for name in REQUIRED_FILES:
        if name not in files:
            raise ResultError(
                f"{folder}: not a complete result ({name} is missing); run the scenario again"
            )
    handles: dict[str, io.BufferedReader] = {}
    try:
        # open everything first: once open, files stay readable even if the folder goes
        for name in files if verify else REQUIRED_FILES:
            if "/" in name or name.startswith("."):
                raise ResultError(f"{folder}: manifest.json lists an unexpected file {name!r}")
            try:
                handles[name] = open_(name)
            except FileNotFoundError:
                raise ResultError(
                    f"{folder}: not a complete result ({name} is missing); run the scenario again"
                ) from None
            except OSError as exc:
                raise ResultError(f"{folder}: cannot read {name} ({exc.strerror or exc})") from None
        if verify:
            for name, fh in handles.items():
                meta = files[name]
                if not isinstance(meta, dict) or _sha256_fh(fh) != meta.get("sha256"):
                    raise ResultError(
                        f"{folder}: {name} changed since the run (sha256 mismatch); the folder is not the "
                        "result `sim run` wrote: run the scenario again"
                    )
                fh.seek(0)
        try:
            summary = json.loads(handles["summary.json"].read().decode("utf-8"))
            import pyarrow.parquet as pq

            rows = pq.ParquetFile(handles["draws.parquet"]).metadata.num_rows
            handles["draws.parquet"].seek(0)
            if (
                isinstance(summary, dict)
                and summary.get("draws") is not None
                and rows != summary["draws"]
            ):
                raise ResultError(
                    f"{folder}: draws.parquet has {rows} rows for {summary['draws']} draws; not a complete "
                    "result: run the scenario again"
                )
            survival = pd.read_csv(handles["survival.csv"])
            breakdown = pd.read_csv(handles["breakdown.csv"])
            power = pd.read_csv(handles["power.csv"])
            table = pd.read_parquet(handles["draws.parquet"]) if draws else pd.DataFrame()
        except ResultError:
            raise
        except (OSError, ValueError) as exc:
            raise ResultError(
                f"{folder}: cannot read the result ({exc}); run the scenario again"
            ) from None
        except Exception as exc:  # noqa: BLE001 - pyarrow's own errors on a damaged file
            raise ResultError(
                f"{folder}: cannot read the result ({type(exc).__name__}: {exc}); run the scenario again"
            ) from None
    finally:
        for fh in handles.values():
            fh.close()
    scenario = None
    text = manifest.get("scenario_text")
    if text:
        from sim.scenario import ScenarioError, parse_scenario_text

        try:
            overrides = [tuple(kv) for kv in manifest.get("overrides") or []]
            scenario = parse_scenario_text(
                text,
                manifest.get("scenario_file") or "<saved>",
                overrides or None,
                default_name=summary.get("scenario"),
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


def _sha256_fh(fh) -> str:
    h = hashlib.sha256()
    for block in iter(lambda: fh.read(1 << 20), b""):
        h.update(block)
    return h.hexdigest()
