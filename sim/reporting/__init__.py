"""Briefs: one self-contained HTML page of a run (``sim report``), or of several side by side.

::

    sim report results/freeze_lines                 # -> results/freeze_lines.html
    sim report results/a results/b --out ab.html    # a comparison page
    sim run scenarios/freeze_lines.yaml --report    # the run, then its brief

The page is for a reader who will not run Python: the scenario's title and description,
the headline table with its intervals and ``sim show``'s figures, who breaks the
ceasefire and why in words, the figures, the scenario discovery and sensitivity indices
when the run has them, the calibration used, the terms, every uncertain belief with what
the scenario file says of it, and the provenance from the manifest. It loads nothing (no
script, no font, no image from elsewhere: figures are ``data:`` URIs), and its print
style sheet makes "Print to PDF" a brief of a few pages.

Modules:

* :mod:`~sim.reporting.comments`: what the scenario file's comments say of each number;
* :mod:`~sim.reporting.tables`: the terms and assumptions tables;
* :mod:`~sim.reporting.words`: the headline table and the story in words;
* :mod:`~sim.reporting.extras`: discovery, sensitivity indices and calibration, when present;
* :mod:`~sim.reporting.figures`: the figures of :mod:`sim.plots`, inlined;
* :mod:`~sim.reporting.context`: what a page shows, as plain data;
* :mod:`~sim.reporting.render`: the Jinja2 templates (``templates/``), escaping, writing.

The layer sits above :mod:`sim.plots` and :mod:`sim.analysis` and below :mod:`sim.api`
(``sim.report``) and the command line. It is named ``reporting``, not ``report``, so
that importing it never shadows the function ``sim.report`` (a subpackage ``sim.report``
would become the attribute ``sim.report`` once imported).
"""

from sim.reporting.comments import (
    Comment,
    comment_above,
    comment_kind,
    key_comments,
    trailing_comment,
)
from sim.reporting.context import compare_context, run_context
from sim.reporting.figures import FIGURE_FORMATS
from sim.reporting.render import (
    clean_text,
    default_out,
    render_comparison,
    render_run,
    write_html,
    write_report,
)

__all__ = [
    "FIGURE_FORMATS",
    "Comment",
    "clean_text",
    "comment_above",
    "comment_kind",
    "compare_context",
    "default_out",
    "key_comments",
    "render_comparison",
    "render_run",
    "run_context",
    "trailing_comment",
    "write_html",
    "write_report",
]
