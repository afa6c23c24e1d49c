"""The result folder writer: draws streamed chunk by chunk, then the rest, then the swap.

::

    writer = ResultWriter("results/run1")
    try:
        result = sim.montecarlo.run(scn, draws_sink=writer.write_draws)
        writer.finish(result, plots=False)
    except BaseException:
        writer.abort()
        raise

The folder is an :class:`sim.io.atomic.AtomicFolder`: complete or not at all, an earlier
result replaced only when the new one is complete, a folder of other files never
replaced. Derived tables (``sensitivity.csv``) come from the Result's table function,
before the figures. Nothing with a NaN or out-of-range probability is written
(:mod:`sim.io.checks`), and ``manifest.json`` is written last.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.errors import ResultError
from sim.io.atomic import AtomicFolder, explain
from sim.io.checks import check_draws, check_result
from sim.io.manifest import build_manifest, write_json
from sim.io.result import require_figures

if TYPE_CHECKING:
    from sim.io.result import FigureFunction, Result

__all__ = ["ROW_GROUP", "ResultWriter"]

#: Rows per parquet row group in draws.parquet (fixed, so chunking never changes the file).
ROW_GROUP = 65536


class ResultWriter:
    """Writes one result folder through a temporary folder beside the target.

    ``write_draws`` may be called once per chunk (the draws table is streamed to
    ``draws.parquet``); ``finish`` writes the rest and swaps the folder into place;
    ``abort`` removes the temporary folder after an error or an interrupt.

    Safety rules (see :mod:`sim.io.atomic`):

    * an existing ``out`` is replaced only if it is a result folder (it holds a
      ``manifest.json``) or empty: a folder of other files is never deleted;
    * the swap is atomic where the OS allows (Linux ``renameat2(RENAME_EXCHANGE)``), so
      readers and concurrent runs into the same ``out`` see the old result or the new
      one, never a mix and never nothing; elsewhere the old folder is renamed aside
      first and put back if the new one cannot be renamed in;
    * every file is fsync'ed before the swap, so a crash after it cannot leave a
      folder that looks complete but holds truncated files;
    * nothing with a NaN or out-of-range probability is written (:func:`check_result`).

    Parameters
    ----------
    out
        The result folder to write.
    """

    def __init__(self, out: str | os.PathLike):
        self.folder = AtomicFolder(out)
        self.target, self.tmp = self.folder.target, self.folder.tmp
        self._draws = _ParquetStream(self.tmp / "draws.parquet")
        self._curves = _ParquetStream(self.tmp / "curves.parquet")
        self.started = datetime.now(timezone.utc)

    def write_draws(self, frame: pd.DataFrame) -> None:
        """Append one chunk of the draws table to ``draws.parquet``."""
        check_draws(frame)
        self._append(self._draws, frame)

    def write_curves(self, frame: pd.DataFrame) -> None:
        """Append one chunk of the survival curves to ``curves.parquet`` (``--save-curves``)."""
        check_draws(frame)
        self._append(self._curves, frame)

    def _append(self, stream: _ParquetStream, frame: pd.DataFrame) -> None:
        try:
            stream.append(frame)
        except OSError as exc:
            raise ResultError(
                f"{self.target}: cannot write {stream.path.name} ({explain(exc)}); nothing "
                "was replaced"
            ) from None

    def finish(
        self,
        result: Result,
        *,
        plots: bool = True,
        fmt: str = "png",
        command: str | None = None,
        figures: FigureFunction | None = None,
    ) -> Path:
        """Write the rest of the folder, then swap it into place; returns the target.

        Parameters
        ----------
        result
            The run (its draws already written with :meth:`write_draws`, or held in
            memory and written now).
        plots
            Draw the figures with ``figures`` (default: ``result.figures``); raises
            :class:`ResultError` if there is no figure function.
        fmt
            Figure format: ``png``, ``svg`` or ``pdf``.
        command
            The command recorded in the manifest (default: the process's command line).
        figures
            The figure function to use instead of ``result.figures``.
        """
        check_result(result)
        draw = require_figures(result, figures) if plots else None
        try:
            manifest = self._write_contents(result, draw, fmt, command)
        except OSError as exc:
            self.abort()
            raise ResultError(
                f"{self.target}: cannot write the result ({explain(exc)}); nothing was replaced"
            ) from None
        except ResultError:
            self.abort()
            raise
        except ValueError as exc:  # e.g. a NaN json refuses (check_result should have caught it)
            self.abort()
            raise ResultError(
                f"{self.target}: refusing to write an invalid result ({exc}); nothing was replaced"
            ) from None
        try:
            self.folder.swap()  # removes the temporary folder if it fails
        except OSError as exc:
            raise ResultError(
                f"{self.target}: cannot move the finished result into place ({explain(exc)}); "
                "nothing was replaced"
            ) from None
        result.manifest = manifest
        result.path = self.target
        return self.target

    def _write_contents(
        self, result: Result, draw: FigureFunction | None, fmt: str, command: str | None
    ) -> dict:
        """Everything but the swap: draws, tables, figures, then the manifest; fsync."""
        if not self._draws.started:
            self.write_draws(
                result.draws if len(result.draws.columns) else pd.DataFrame({"draw": []})
            )
        if not self._curves.started and result.curves is not None:
            self.write_curves(result.curves)
        self._draws.close()
        self._curves.close()
        n = (result.summary or {}).get("draws")
        for stream, table, sink in (
            (self._draws, "draws table", "draws_sink"),
            (self._curves, "survival curves", "curves_sink"),
        ):
            if n is not None and stream.started and stream.rows != n:
                raise ResultError(
                    f"{self.target}: the {table} has {stream.rows} rows for {n} draws, so the "
                    "folder would not be a complete result; nothing was written (a Result "
                    f"whose {table} was streamed to another folder cannot be saved again: run "
                    f"it again without {sink})"
                )
        write_json(self.tmp / "summary.json", result.summary)
        result.survival.to_csv(self.tmp / "survival.csv", index=False)
        result.breakdown.to_csv(self.tmp / "breakdown.csv", index=False)
        result.power.to_csv(self.tmp / "power.csv", index=False)
        if result.beliefs is not None:
            result.beliefs.to_csv(self.tmp / "beliefs.csv", index=False)
        result.path = self.tmp  # tables and figures may read draws.parquet from here
        if result.tables is not None:
            for name, table in result.tables(result).items():
                table.to_csv(self.tmp / f"{name}.csv", index=False)
        if draw is not None:
            draw(result, self.tmp, fmt)
        manifest = build_manifest(result, self.tmp, self.started, command)
        write_json(self.tmp / "manifest.json", manifest)
        self.folder.sync()
        return manifest

    def abort(self) -> None:
        """Remove the temporary folder (after an error or an interrupt)."""
        for stream in (self._draws, self._curves):
            try:
                stream.close(flush=False)
            except Exception:  # noqa: BLE001 - best effort while cleaning up
                pass
        self.folder.abort()


class _ParquetStream:
    """A parquet file written chunk by chunk in row groups of :data:`ROW_GROUP` rows, so
    that its bytes do not depend on the chunks (``--chunk-size``, ``--workers``)."""

    def __init__(self, path: Path):
        self.path = path
        self._writer = None
        self._schema = None
        self._pending: list = []
        self._pending_rows = 0
        self.rows = 0

    @property
    def started(self) -> bool:
        """Something was appended (the file exists)."""
        return self._schema is not None

    def append(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._writer is None:
            self._schema = table.schema
            self._writer = pq.ParquetWriter(self.path, table.schema, compression="zstd")
        else:
            table = table.cast(self._schema)
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self.rows += table.num_rows
        if self._pending_rows >= ROW_GROUP:
            self._flush(final=False)

    def _flush(self, *, final: bool) -> None:
        import pyarrow as pa

        if not self._pending:
            return
        table = pa.concat_tables(self._pending).combine_chunks()
        full = (table.num_rows // ROW_GROUP) * ROW_GROUP
        cut = table.num_rows if final else full
        if cut:
            self._writer.write_table(table.slice(0, cut), row_group_size=ROW_GROUP)
        rest = table.slice(cut)
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows

    def close(self, *, flush: bool = True) -> None:
        """Write what is pending (unless ``flush`` is False) and close the file."""
        if self._writer is None:
            return
        if flush:
            self._flush(final=True)
        self._writer.close()
        self._writer = None
