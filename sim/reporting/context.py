"""What the templates lay out: the content of a run's brief, and of a comparison page.

:func:`run_context` gathers, for one run, everything :data:`sim.reporting.render` puts on
the page: the scenario's title and description, the headline table and ``sim show``'s
lines, the story in words, the figures, discovery and sensitivity when the run has them,
the calibration, the terms, the assumptions and the provenance. :func:`compare_context`
does the same for several runs side by side. Both return plain dicts of text and
:class:`~sim.reporting.words.Cell` figures; no HTML is made here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.io.labels import selection_text
from sim.reporting import extras, tables, words
from sim.reporting.figures import CAPTIONS, compare_figure, file_figure, run_figures
from sim.scenario import readable_key

__all__ = ["compare_context", "provenance", "run_context", "run_line"]


def run_line(summary: dict[str, Any]) -> str:
    """``20,000 draws · seed 7 · lhs sampler · selection peaceful · solver batched`` (with a
    sampled rule, ``selection sampled: peaceful 50% / qre 50%``)."""
    solver = summary.get("solver") or {}
    parts = [
        f"{summary['draws']:,} draws" if isinstance(summary.get("draws"), int) else "",
        f"seed {summary.get('seed')}",
        f"{summary.get('sampler')} sampler",
        selection_text(solver),
        f"solver {solver.get('method')}",
    ]
    return " · ".join(p for p in parts if p)


def provenance(result: Any) -> dict[str, Any]:
    """What produced the run, from its manifest: ``rows`` (what, value) and ``versions``."""
    m = result.manifest or {}
    s = result.summary
    if not m:
        note = "this run has not been saved: it has no manifest (save it to record one)"
        return {"rows": [("result", note)], "versions": []}
    overrides = ", ".join(f"{k}={v}" for k, v in m.get("overrides") or []) or "none"
    rows = [
        ("result folder", str(result.path) if result.path is not None else ""),
        ("scenario file", m.get("scenario_file") or ""),
        ("scenario sha256", m.get("scenario_sha256") or ""),
        ("--set overrides", overrides),
        ("seed", m.get("seed", s.get("seed"))),
        ("draws", m.get("draws", s.get("draws"))),
        ("sampler", m.get("sampler", s.get("sampler"))),
        ("solver method", m.get("solver_method")),
        ("selection", m.get("selection")),
        ("chunk size, workers", f"{m.get('chunk_size')}, {m.get('workers')}"),
        ("command", m.get("command") or ""),
        ("started", m.get("started") or ""),
        ("wall time", f"{m.get('wall_seconds')} s"),
        ("git commit", m.get("git_commit") or "not recorded"),
        ("result format", m.get("format_version")),
    ]
    versions = sorted((m.get("versions") or {}).items())
    return {"rows": [(k, "" if v is None else str(v)) for k, v in rows], "versions": versions}


def _scenario_part(result: Any) -> dict[str, Any]:
    """Title, description, sources, terms and assumptions (as far as the scenario parses)."""
    scn = result.scenario
    m = result.manifest or {}
    if scn is None:
        return {
            "description": "",
            "sources": [],
            "terms": [],
            "area": "",
            "assumptions": [],
            "scenario_note": "The scenario of this run no longer loads with this version of "
            "ceasefire-sim, so its terms and assumptions are not shown; its text is in "
            "manifest.json.",
        }
    text = m.get("scenario_text")
    return {
        "description": scn.description or "",
        "sources": list(scn.sources or []),
        "terms": tables.terms_rows(scn),
        "area": tables.area_sentence(scn),
        "assumptions": tables.assumption_rows(scn, text if text is not None else None),
        "scenario_note": "",
    }


def _discoveries(result: Any, given: Sequence[Path], start: int) -> list[dict[str, Any]]:
    """The discovery sections, each figure numbered on from ``start``."""
    folder = Path(result.path) if result.path is not None else None
    out = []
    for found in extras.find_discoveries(folder, given):
        d = extras.discovery(found, result.summary)
        if d is None:
            continue
        if d["figure"] is not None:
            name = f"discovery-{len(out) + 1}"
            d["figure"] = file_figure(d["figure"], name, f"{CAPTIONS['discovery']} ({d['title']})")
            d["number"] = start + sum(1 for x in out if x["figure"] is not None)
        out.append(d)
    return out


def run_context(
    result: Any, *, fmt: str = "svg", discovery_dirs: Sequence[Path] = ()
) -> dict[str, Any]:
    """Everything the brief of one run shows (see the module docstring)."""
    s = result.summary
    folder = Path(result.path) if result.path is not None else None
    figures = run_figures(result, fmt)
    scn = result.scenario
    overrides = [f"{k}={v}" for k, v in (scn.overrides if scn is not None else ())]
    return {
        "kind": "run",
        "title": result.title,
        "name": result.name,
        "label": s.get("label") or "",
        "run_line": run_line(s),
        "overrides": overrides,
        "calibration": extras.calibration_lines(result.manifest or {}),
        "headline": words.headline_rows(s),
        "outcomes": words.outcome_lines(s),
        "story": words.story(s),
        "figures": figures,
        "discoveries": _discoveries(result, discovery_dirs, len(figures) + 1),
        "sensitivity": extras.sensitivity(folder),
        "provenance": provenance(result),
        **_scenario_part(result),
    }


def _holders(results: Sequence[Any]) -> list[dict[str, Any]]:
    """The terms of several runs: one row per region (in order of first appearance)."""
    order: dict[str, str] = {}
    for r in results:
        if r.scenario is not None:
            for rid in r.scenario.region_ids:
                order.setdefault(rid, r.scenario.regions[rid].label or rid)
    rows = []
    for rid, label in order.items():
        cells = []
        for r in results:
            scn = r.scenario
            holder = scn.terms.get(rid) if scn is not None and rid in scn.regions else None
            cells.append("–" if holder is None else tables.holder_text(holder, scn.display_name))
        rows.append({"region": label, "cells": cells, "differs": len(set(cells)) > 1})
    return rows


def _beliefs_that_differ(results: Sequence[Any]) -> list[dict[str, Any]]:
    """Every number (fixed or a belief) whose value differs between the runs."""
    numbers = [r.scenario.numbers() if r.scenario is not None else {} for r in results]
    keys = list(dict.fromkeys(k for n in numbers for k in n))
    rows = []
    for key in keys:
        cells = [tables.number_text(n[key]) if key in n else "–" for n in numbers]
        if len(set(cells)) > 1:
            rows.append({"key": key, "label": readable_key(key), "cells": cells})
    return rows


def _headline_columns(results: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows of the side-by-side headline table: per row, one cell triple per run."""
    horizons = list(dict.fromkeys(k for r in results for k in r.summary["p_holds"]))
    bases = [("accepted", "p_accepted")] + [(f"holds {k}", f"p_holds.{k}") for k in horizons]
    bases += [(f"holds {k} if accepted", f"p_holds_if_accepted.{k}") for k in horizons]
    rows = []
    for label, base in bases:
        cells = []
        for r in results:
            cells.append(_triple(r.summary, base))
        if any(c["estimate"] is not None for c in cells):
            rows.append({"label": label, "cells": cells})
    return rows


def _triple(summary: dict[str, Any], base: str) -> dict[str, Any]:
    """Estimate and interval of ``base`` (a conditional figure has no interval)."""
    est = words.summary_cell(summary, f"{base}.estimate") or words.summary_cell(summary, base)
    return {
        "estimate": est,
        "ci_low": words.summary_cell(summary, f"{base}.ci_low"),
        "ci_high": words.summary_cell(summary, f"{base}.ci_high"),
    }


def compare_context(
    results: Sequence[Any], labels: Sequence[str], *, fmt: str = "svg"
) -> dict[str, Any]:
    """Everything the comparison page of several runs shows."""
    runs = []
    for r, label in zip(results, labels, strict=True):
        scn = r.scenario
        runs.append(
            {
                "label": label,
                "title": r.title,
                "run_line": run_line(r.summary),
                "overrides": [f"{k}={v}" for k, v in (scn.overrides if scn is not None else ())],
                "calibration": extras.calibration_lines(r.manifest or {}),
                "story": words.story(r.summary),
            }
        )
    titles = list(dict.fromkeys(r.title for r in results))
    return {
        "kind": "compare",
        "title": titles[0] if len(titles) == 1 else f"Comparing {len(results)} runs",
        "labels": list(labels),
        "runs": runs,
        "headline": _headline_columns(results),
        "figures": [compare_figure(results, labels, fmt)],
        "terms": _holders(results),
        "differences": _beliefs_that_differ(results),
        "provenance": _provenance_columns(results),
    }


def _provenance_columns(results: Sequence[Any]) -> list[tuple[str, list[str]]]:
    """The provenance of several runs as one table: (what, one value per run)."""
    each = []
    for r in results:
        p = provenance(r)
        versions = " · ".join(f"{k} {v}" for k, v in p["versions"])
        each.append(dict(p["rows"]) | ({"versions": versions} if versions else {}))
    whats = list(dict.fromkeys(k for e in each for k in e))
    return [(what, [e.get(what, "") for e in each]) for what in whats]
