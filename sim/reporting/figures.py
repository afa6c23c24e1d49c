"""The figures of a brief, drawn by :mod:`sim.plots` and inlined as ``data:`` URIs.

:func:`run_figures` draws a run's standard figures (:func:`sim.plots.save_all`, the same
code that writes a result folder's figures) into a temporary folder and reads them back
as :class:`InlineFigure` objects; :func:`compare_figure` does the same for the overlay of
several runs (:func:`sim.plots.save_compare`). SVG by default: it stays sharp when
printed and is about the size of the PNG; its text is drawn as paths, so it needs no
font on the reader's machine.

A judgement: each figure is an ``<img>`` with a ``data:image/svg+xml;base64,...``
source rather than SVG markup pasted into the page. Pasted SVGs share one document, so
the element ids matplotlib gives glyphs and clip paths could collide between figures;
an image keeps each figure its own document, and prints and scales the same way.
:func:`sim.plots.save_figure` salts SVG ids with a fixed string, so the same run gives the
same page, byte for byte.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CAPTIONS",
    "FIGURE_FORMATS",
    "InlineFigure",
    "compare_figure",
    "file_figure",
    "run_figures",
]

#: Formats a brief may inline its figures in.
FIGURE_FORMATS = ("svg", "png")
_MIME = {"svg": "image/svg+xml", "png": "image/png"}
#: What each standard figure shows, for its caption and its alternative text.
CAPTIONS = {
    "survival": "How likely the ceasefire is to hold over time: the share of draws in which "
    "the terms are accepted and still hold, with the 95% band of the estimate, and the "
    "curve given acceptance.",
    "breakdown": "When and why it breaks: the probability of a breakdown in each period, "
    "by who breaks it and by cause.",
    "sensitivity": "Which beliefs move the answer most: the five-year figure over the draws "
    "in the lowest and the highest quarter of each belief.",
    "power": "How the balance of power moves during the ceasefire: the first side's chance "
    "of winning a war, over time, in each state of the events.",
    "compare": "The runs side by side: the share of draws in which the terms are accepted "
    "and still hold, with the 95% band of each estimate.",
    "discovery": "Scenario discovery (sim explain): the peeling trajectory of the boxes of "
    "beliefs, coverage against density, with the chosen box marked.",
}


@dataclass(frozen=True)
class InlineFigure:
    """One figure of the page: its name, caption and ``data:`` URI."""

    name: str
    caption: str
    uri: str
    fmt: str

    @property
    def nbytes(self) -> int:
        """Size of the encoded figure in the page."""
        return len(self.uri)


def _uri(data: bytes, fmt: str) -> str:
    return f"data:{_MIME[fmt]};base64,{base64.b64encode(data).decode('ascii')}"


def file_figure(path: Path, name: str, caption: str | None = None) -> InlineFigure:
    """A figure file already on disk (e.g. ``discovery.png``), inlined."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in _MIME:
        raise ValueError(f"{path}: a figure must be one of {', '.join(FIGURE_FORMATS)}")
    text = caption if caption is not None else CAPTIONS.get(name, name)
    return InlineFigure(name, text, _uri(path.read_bytes(), fmt), fmt)


def _check(fmt: str) -> None:
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"--figures must be one of {', '.join(FIGURE_FORMATS)} (got {fmt!r})")


def _drawn(draw: Any, fmt: str) -> list[InlineFigure]:
    """Run ``draw(folder)`` (it writes figure files) and read what it wrote back."""
    with tempfile.TemporaryDirectory(prefix="sim-report-") as tmp:
        paths = draw(Path(tmp))
        return [
            InlineFigure(p.stem, CAPTIONS.get(p.stem, p.stem), _uri(p.read_bytes(), fmt), fmt)
            for p in paths
        ]


def run_figures(result: Any, fmt: str = "svg") -> list[InlineFigure]:
    """The standard figures of one run (:func:`sim.plots.save_all`), in its order."""
    from sim import plots

    _check(fmt)
    return _drawn(lambda folder: plots.save_all(result, folder, fmt=fmt), fmt)


def compare_figure(results: Sequence[Any], labels: Sequence[str], fmt: str = "svg") -> InlineFigure:
    """The overlay of several runs' survival curves (:func:`sim.plots.save_compare`)."""
    from sim import plots

    _check(fmt)

    def draw(folder: Path) -> list[Path]:
        return [plots.save_compare(results, folder / f"compare.{fmt}", fmt, labels=list(labels))]

    return _drawn(draw, fmt)[0]
