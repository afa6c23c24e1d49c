"""Reading results back: :func:`load_result`, and a result's draws table on demand.

:func:`load_result` reads back exactly what :meth:`sim.io.Result.save` wrote. It checks
the manifest and every file's sha256 through one handle on the folder, so a folder that
is not a complete result is refused with a clear message, and a result being replaced by
another run meanwhile is never read as a mix of the two. What the files hold is then
checked against the structure and ranges of a result (:mod:`sim.io.validation`): a
summary edited by hand is refused, even with its sha256 recomputed. Hidden temporary folders of an
unfinished run (:mod:`sim.io.atomic`) are never read.

:func:`read_draws` and :func:`draw_columns` give the draws table of a result whether it
is held in memory or only on disk (``sim run`` streams the draws to ``draws.parquet``,
and ``load_result(..., draws=False)`` leaves them there).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ResultError
from sim.io.atomic import is_temporary
from sim.io.manifest import sha256_stream
from sim.io.result import OPTIONAL_FILES, REQUIRED_FILES, Result
from sim.io.validation import result_problems, summary_problems

__all__ = ["draw_columns", "load_result", "read_draws"]

_AGAIN = "run the scenario again"


def load_result(folder: str | os.PathLike, *, verify: bool = True, draws: bool = True) -> Result:
    """Read back exactly what :meth:`Result.save` wrote.

    Parameters
    ----------
    folder
        A result folder written by ``sim run`` or :meth:`Result.save`.
    verify
        Check every file listed in the manifest against its sha256.
    draws
        Read the draws table too (else ``Result.draws`` is empty; :func:`read_draws`
        reads it from the folder when needed), and the survival curves of every draw
        when the run saved them (``curves.parquet``: ``Result.curves``, else None).

    Returns
    -------
    Result
        With its scenario re-read from the manifest (None if that no longer parses)
        and no figure function (:func:`sim.load_result` attaches the standard one).

    Raises
    ------
    ResultError
        Naming what is missing when the folder is not a complete result (no manifest,
        a missing file, or a file whose sha256 differs). Every file is opened through one
        handle on the folder, so a run that swaps a new result into ``folder`` meanwhile
        cannot make this read a mix of the two: it reads the old result whole, or (if the
        old one is deleted under it) retries on the new one.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultError(f"{folder}: not a folder (give a result folder written by `sim run`)")
    if is_temporary(folder.name):
        raise ResultError(
            f"{folder}: a temporary folder left by an unfinished run, not a result; the next "
            "run into the same folder removes it"
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


def _refuse_invalid(folder: Path, problems: list[str]) -> None:
    if problems:
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        raise ResultError(
            f"{folder}: not a valid result ({shown}); its files were changed after the run "
            f"or written by another program: {_AGAIN}"
        )


def _replaced(folder: Path, dfd: int) -> bool:
    try:
        return os.stat(folder).st_ino != os.fstat(dfd).st_ino
    except OSError:
        return True


def _opener(dfd: int):
    def open_(name: str) -> io.BufferedReader:
        return open(name, "rb", opener=lambda path, flags: os.open(path, flags, dir_fd=dfd))

    return open_


def _load_from(folder: Path, dfd: int, verify: bool, draws: bool) -> Result:
    open_ = _opener(dfd)
    manifest = _read_manifest(folder, open_)
    files = manifest["files"]
    handles: dict[str, io.BufferedReader] = {}
    try:
        # open everything first: once open, files stay readable even if the folder goes
        optional = [f for f in OPTIONAL_FILES if f in files]
        for name in files if verify else [*REQUIRED_FILES, *optional]:
            handles[name] = _open_listed(folder, open_, name)
        if verify:
            _verify(folder, files, handles)
        summary, tables = _read_tables(folder, handles, draws)
    finally:
        for fh in handles.values():
            fh.close()
    survival, breakdown, power, table, beliefs, curves = tables
    wall = manifest.get("wall_seconds")
    result = Result(
        scenario=None,
        summary=summary,
        survival=survival,
        breakdown=breakdown,
        power=power,
        draws=table,
        beliefs=beliefs,
        curves=curves,
        wall_seconds=float(wall) if isinstance(wall, (int, float)) and wall >= 0 else 0.0,
        manifest=manifest,
        path=folder,
    )
    _refuse_invalid(folder, result_problems(result))
    result.scenario = _scenario_of(manifest, summary)
    return result


def _read_manifest(folder: Path, open_) -> dict:
    """The manifest, checked to mark a complete result that lists the required files."""
    try:
        with open_("manifest.json") as fh:
            manifest = json.loads(fh.read().decode("utf-8"))
    except FileNotFoundError:
        raise ResultError(
            f"{folder}: not a complete result (no manifest.json; the run may have been "
            "interrupted): run it again"
        ) from None
    except (OSError, ValueError) as exc:
        raise ResultError(f"{folder}: manifest.json is unreadable ({exc}); {_AGAIN}") from None
    if not isinstance(manifest, dict) or manifest.get("complete") is not True:
        raise ResultError(f"{folder}: manifest.json does not mark a complete result; {_AGAIN}")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise ResultError(f"{folder}: manifest.json lists no files; {_AGAIN}")
    for name in REQUIRED_FILES:
        if name not in files:
            raise ResultError(f"{folder}: not a complete result ({name} is missing); {_AGAIN}")
    return manifest


def _open_listed(folder: Path, open_, name: str) -> io.BufferedReader:
    if "/" in name or name.startswith("."):
        raise ResultError(f"{folder}: manifest.json lists an unexpected file {name!r}")
    try:
        return open_(name)
    except FileNotFoundError:
        raise ResultError(
            f"{folder}: not a complete result ({name} is missing); {_AGAIN}"
        ) from None
    except OSError as exc:
        raise ResultError(f"{folder}: cannot read {name} ({exc.strerror or exc})") from None


def _verify(folder: Path, files: dict, handles: dict[str, io.BufferedReader]) -> None:
    for name, fh in handles.items():
        meta = files[name]
        if not isinstance(meta, dict) or sha256_stream(fh) != meta.get("sha256"):
            raise ResultError(
                f"{folder}: {name} changed since the run (sha256 mismatch); the folder is not "
                f"the result `sim run` wrote: {_AGAIN}"
            )
        fh.seek(0)


def _read_tables(folder: Path, handles: dict[str, io.BufferedReader], draws: bool):
    """The summary, and the survival, breakdown, power and draws tables."""
    try:
        summary = json.loads(handles["summary.json"].read().decode("utf-8"))
        _refuse_invalid(folder, summary_problems(summary))
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(handles["draws.parquet"]).metadata.num_rows
        handles["draws.parquet"].seek(0)
        if (
            isinstance(summary, dict)
            and summary.get("draws") is not None
            and rows != summary["draws"]
        ):
            raise ResultError(
                f"{folder}: draws.parquet has {rows} rows for {summary['draws']} draws; not a "
                f"complete result: {_AGAIN}"
            )
        survival = pd.read_csv(handles["survival.csv"])
        breakdown = pd.read_csv(handles["breakdown.csv"])
        power = pd.read_csv(handles["power.csv"])
        table = pd.read_parquet(handles["draws.parquet"]) if draws else pd.DataFrame()
        beliefs = pd.read_csv(handles["beliefs.csv"]) if "beliefs.csv" in handles else None
        curves = None
        if "curves.parquet" in handles:
            curve_rows = pq.ParquetFile(handles["curves.parquet"]).metadata.num_rows
            handles["curves.parquet"].seek(0)
            if curve_rows != rows:
                raise ResultError(
                    f"{folder}: curves.parquet has {curve_rows} rows for {rows} draws; not a "
                    f"complete result: {_AGAIN}"
                )
            curves = pd.read_parquet(handles["curves.parquet"]) if draws else None
    except ResultError:
        raise
    except (OSError, ValueError) as exc:
        raise ResultError(f"{folder}: cannot read the result ({exc}); {_AGAIN}") from None
    except Exception as exc:  # noqa: BLE001 - pyarrow's own errors on a damaged file
        raise ResultError(
            f"{folder}: cannot read the result ({type(exc).__name__}: {exc}); {_AGAIN}"
        ) from None
    return summary, (survival, breakdown, power, table, beliefs, curves)


def _scenario_of(manifest: dict, summary: Any) -> Any:
    """The scenario re-read from the manifest's text and overrides; None if it fails."""
    text = manifest.get("scenario_text")
    if not text:
        return None
    from sim.scenario import ScenarioError, parse_scenario_text

    if not isinstance(text, str):
        return None
    try:
        overrides = [tuple(kv) for kv in manifest.get("overrides") or []]
        file = manifest.get("scenario_file")
        return parse_scenario_text(
            text,
            file if isinstance(file, str) and file else "<saved>",
            overrides or None,
            default_name=summary.get("scenario"),
        )
    except (ScenarioError, TypeError, ValueError):  # overrides that are not pairs
        return None


def read_draws(
    result: Any, columns: Sequence[str] | None = None, *, rows: int | None = None
) -> pd.DataFrame:
    """The draws table of ``result``: in memory, or read (only ``columns``) from its folder.

    Columns that the table does not have are left out; a result with neither a draws
    table in memory nor a ``draws.parquet`` gives an empty frame. ``rows`` keeps the first
    draws only; from a file, only those are read (a million-draw result is not loaded to
    look at its first thousands).
    """
    draws = getattr(result, "draws", None)
    if draws is not None and len(draws.columns):
        out = draws if columns is None else draws[[c for c in columns if c in draws.columns]]
        return out if rows is None else out.iloc[:rows]
    path = getattr(result, "path", None)
    if path is None or not (Path(path) / "draws.parquet").is_file():
        return pd.DataFrame()
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = Path(path) / "draws.parquet"
    names = pq.read_schema(file).names
    wanted = names if columns is None else [c for c in columns if c in names]
    if rows is None:
        return pq.read_table(file, columns=wanted).to_pandas()
    parquet = pq.ParquetFile(file)
    rows = min(rows, parquet.metadata.num_rows)
    if not wanted:  # no columns: the batches would not count rows
        return pd.DataFrame(index=pd.RangeIndex(rows))
    batches, got = [], 0
    for batch in parquet.iter_batches(batch_size=max(1, min(rows, 65_536)), columns=wanted):
        batches.append(batch)
        got += batch.num_rows
        if got >= rows:
            break
    schema = parquet.schema_arrow
    schema = pa.schema([schema.field(c) for c in wanted], metadata=schema.metadata)
    return pa.Table.from_batches(batches, schema=schema).slice(0, rows).to_pandas()


def draw_columns(result: Any) -> list[str]:
    """The columns of ``result``'s draws table (in memory, else in its folder), or []."""
    draws = getattr(result, "draws", None)
    if draws is not None and len(draws.columns):
        return list(draws.columns)
    path = getattr(result, "path", None)
    if path is None or not (Path(path) / "draws.parquet").is_file():
        return []
    import pyarrow.parquet as pq

    return list(pq.read_schema(Path(path) / "draws.parquet").names)
