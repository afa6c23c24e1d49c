"""Results on disk: the :class:`Result`, the atomic result folder, writer, checks and loader.

* :mod:`sim.io.result`: the :class:`Result` of one run and what its folder holds;
* :mod:`sim.io.atomic`: the atomic folder every result and sweep is written through;
* :mod:`sim.io.checks`: nothing that is not a finite probability is written as one;
* :mod:`sim.io.manifest`: ``manifest.json`` and the sha256 of every file;
* :mod:`sim.io.writer`: :class:`ResultWriter`, the draws streamed chunk by chunk;
* :mod:`sim.io.loader`: :func:`load_result`, and the draws table of a result on demand.

This layer never imports plotting: figures are drawn by a function the layer above
supplies (:data:`FigureFunction`, see :mod:`sim.io.result`).
"""

from sim.errors import ResultError
from sim.io.checks import check_result
from sim.io.loader import draw_columns, load_result, read_draws
from sim.io.result import REQUIRED_FILES, FigureFunction, Result, TableFunction, require_figures
from sim.io.writer import ResultWriter

__all__ = [
    "REQUIRED_FILES",
    "FigureFunction",
    "Result",
    "ResultError",
    "ResultWriter",
    "TableFunction",
    "check_result",
    "draw_columns",
    "load_result",
    "read_draws",
    "require_figures",
]
