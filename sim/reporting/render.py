"""The page itself: the Jinja2 templates, escaping, and writing the file atomically.

:func:`render_run` and :func:`render_comparison` fill the templates of
``sim/reporting/templates/`` with :mod:`sim.reporting.context`; :func:`write_report` is
what ``sim report`` and ``sim.report`` call: it loads the runs, renders the page and
writes it beside its target and renames it, so a reader never sees half a page.

Escaping. Every value is escaped for HTML by Jinja2's autoescape (``<``, ``>``, ``&``,
quotes), and first made safe by :func:`clean_text`: control characters and lone
surrogates, which HTML does not allow and which would stop the page from being written
as UTF-8, become U+FFFD. Nothing a scenario or a result holds is ever marked safe.

The page loads nothing: its style sheet is inline, its figures are ``data:`` URIs
(:mod:`sim.reporting.figures`) and it has no script, so it can be sent by e-mail and
opened offline.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.errors import ResultError

__all__ = [
    "clean_text",
    "default_out",
    "environment",
    "load_runs",
    "render_comparison",
    "render_run",
    "write_html",
    "write_report",
]

#: Characters HTML does not allow in text (C0 and C1 controls but tab, newline and
#: carriage return; DEL) and lone surrogates (not encodable as UTF-8).
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ENV: Any = None


def clean_text(value: Any) -> Any:
    """``value`` as it goes into the page: text without characters HTML does not allow.

    Jinja2 calls it on every ``{{ ... }}`` before escaping (its ``finalize``). ``None``
    becomes ``""``; a non-text value is left for Jinja2 to convert.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        from markupsafe import Markup

        cleaned = _BAD.sub("\ufffd", value)
        # the output of a macro is already escaped: keep it marked safe
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def environment() -> Any:
    """The Jinja2 environment of the templates (autoescaped; an unknown name is an error)."""
    global _ENV
    if _ENV is None:
        import jinja2

        _ENV = jinja2.Environment(
            loader=jinja2.PackageLoader("sim.reporting", "templates"),
            autoescape=True,
            finalize=clean_text,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _ENV


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("ceasefire-sim")
    except metadata.PackageNotFoundError:  # run from a source tree
        import sim

        return sim.__version__


def render_run(result: Any, *, fmt: str = "svg", discovery: Sequence[Path] = ()) -> str:
    """The brief of one run as an HTML page (see :func:`sim.reporting.run_context`).

    ``discovery``: the folders of the run's ``sim explain`` outputs (default: those beside
    the run, see :func:`sim.reporting.extras.find_discoveries`).
    """
    from sim.reporting.context import run_context

    ctx = run_context(result, fmt=fmt, discovery_dirs=discovery)
    return environment().get_template("run.html.j2").render(**ctx, version=_version())


def render_comparison(
    results: Sequence[Any], labels: Sequence[str] | None = None, *, fmt: str = "svg"
) -> str:
    """The comparison page of several runs (see :func:`sim.reporting.compare_context`)."""
    from sim.analysis import run_labels
    from sim.reporting.context import compare_context

    labels = list(labels) if labels is not None else run_labels(results)
    if len(labels) != len(results):
        raise ValueError(f"{len(labels)} labels for {len(results)} runs")
    ctx = compare_context(results, labels, fmt=fmt)
    return environment().get_template("compare.html.j2").render(**ctx, version=_version())


def default_out(results: Sequence[Any]) -> Path:
    """Where a brief goes by default: beside its run, never into the current folder.

    One run: ``results/NAME.html`` beside ``results/NAME/``. Several: beside the first,
    ``A_vs_B.html`` (``compare_N_runs.html`` when the names are long). A run that has
    not been saved has no place of its own: give ``out``.
    """
    folders = [getattr(r, "path", None) for r in results]
    if folders[0] is None:
        raise ResultError(
            "this run has not been saved, so the brief has no default place: give out="
        )
    first = Path(folders[0])
    if len(results) == 1:
        return first.parent / f"{first.name}.html"
    names = [
        Path(f).name if f is not None else r.name for f, r in zip(folders, results, strict=True)
    ]
    stem = "_vs_".join(names)
    if len(stem) > 120:
        stem = f"compare_{len(results)}_runs"
    return first.parent / f"{stem}.html"


def _check_out(out: Path) -> Path:
    """Refuse an ``out`` that is not a ``.html`` file, is a folder or lies in a result folder."""
    from sim.io.atomic import is_result_folder

    out = Path(os.path.abspath(os.fspath(out)))
    if out.suffix.lower() not in (".html", ".htm"):
        raise ResultError(f"--out {out}: the brief is an HTML page; give a .html file")
    if out.is_dir():
        raise ResultError(f"--out {out}: is a folder; give the HTML file to write, e.g. brief.html")
    if out.parent.is_dir() and is_result_folder(out.parent):
        raise ResultError(
            f"--out {out}: inside a result folder, which the next run into it replaces whole; "
            f"write the brief beside it instead, e.g. {out.parent}.html"
        )
    return out


def write_html(text: str, out: str | os.PathLike) -> Path:
    """Write ``text`` to ``out`` through a temporary file beside it, fsync'ed and renamed.

    An interrupted write leaves the earlier file (or none), never half a page; errors
    are :class:`~sim.errors.ResultError` naming the file and what to do.
    """
    from sim.io.atomic import explain, fsync_dir

    out = _check_out(Path(out))
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
        fsync_dir(out.parent)
    except OSError as exc:
        raise ResultError(f"{out}: cannot write the brief ({explain(exc)})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return out


def load_runs(results_or_dirs: Any) -> list[Any]:
    """Results as given, result folders loaded (checked against their manifests)."""
    from sim.analysis import load

    return load(results_or_dirs)


def write_report(
    results_or_dirs: Any,
    out: str | os.PathLike | None = None,
    *,
    figures: str = "svg",
    discovery: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
    labels: Sequence[str] | None = None,
) -> Path:
    """Write the brief of one run, or the comparison page of several; returns its path.

    Parameters
    ----------
    results_or_dirs
        A result folder or :class:`~sim.io.Result`, or several (a comparison page).
    out
        The HTML file (default: :func:`default_out`). Refused when it is a folder or
        lies inside a result folder.
    figures
        ``svg`` (default) or ``png``: how the figures are inlined.
    discovery
        The folder (or folders) of the run's ``sim explain`` output, when it is not beside
        the run (one run only; default: every one beside the run).
    labels
        Labels of the runs on a comparison page (default: :func:`sim.analysis.run_labels`).
    """
    from sim.reporting.figures import FIGURE_FORMATS

    if figures not in FIGURE_FORMATS:
        raise ResultError(f"--figures must be one of {', '.join(FIGURE_FORMATS)} (got {figures!r})")
    results = load_runs(results_or_dirs)
    target = _check_out(Path(out) if out is not None else default_out(results))
    if len(results) == 1:
        if labels is not None:
            raise ValueError("labels name the runs of a comparison page; give several runs")
        if discovery is None:
            dirs: list[Path] = []
        elif isinstance(discovery, (str, os.PathLike)):
            dirs = [Path(discovery)]
        else:
            dirs = [Path(d) for d in discovery]
        for d in dirs:
            if not d.is_dir():
                raise ResultError(
                    f"--discovery {d}: not a folder (give the folder `sim explain` wrote)"
                )
        text = render_run(results[0], fmt=figures, discovery=dirs)
    else:
        if discovery:
            raise ResultError("--discovery is for the brief of one run, not a comparison page")
        text = render_comparison(results, labels, fmt=figures)
    return write_html(text, target)
