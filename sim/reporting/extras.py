"""What a run may have beyond its result folder's core: discovery, sensitivity, calibration.

Each is optional and read only when present, so a brief of any run can be written:

* **discovery** (``sim explain``): ``discovery.json`` (``base_rate`` and ``boxes``, each
  with ``coverage``, ``density``, ``mass``, ``restrictions`` key path -> [low, high] and
  a ``finding`` sentence), else ``findings.md``, with ``discovery.png`` when there is one.
  They are looked for in the folder given, else in the result folder itself, else in a
  folder beside it whose name starts with the result folder's name (``results/run`` ->
  ``results/run_explain``, ``results/run-explain``, ...), the newest first;
* **sensitivity** (``sensitivity.csv`` in the result folder: columns ``key``,
  ``method``, ``index``, ``ci_low``, ``ci_high``, ...): the indices of each method,
  largest first;
* **calibration**: the manifest's ``posterior`` entry, when a run was calibrated.

A file that is there but cannot be read is reported on the page (``problems``) rather
than failing the brief: the judgement is that a brief with a note is more useful than no
brief; the alternative, refusing, would stop the core result from reaching its reader.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from sim.scenario import readable_key

__all__ = [
    "DISCOVERY_FILES",
    "SENSITIVITY_TOP",
    "calibration_lines",
    "discovery",
    "find_discovery",
    "sensitivity",
]

#: Files a ``sim explain`` folder holds that a brief reads.
DISCOVERY_FILES = ("discovery.json", "findings.md", "discovery.png")
#: Indices shown per method (the rest are counted, and are in ``sensitivity.csv``).
SENSITIVITY_TOP = 15


def find_discovery(result_dir: Path | None, given: Path | None = None) -> Path | None:
    """The folder of a run's scenario discovery, or None.

    ``given`` (``sim report --discovery``) wins; then the result folder itself; then
    the newest folder beside it named after it (``NAME_*``, ``NAME-*``, ``NAME.*``).
    """
    if given is not None:
        return Path(given)
    if result_dir is None:
        return None
    result_dir = Path(result_dir)
    if _has_discovery(result_dir):
        return result_dir
    parent, name = result_dir.parent, result_dir.name
    try:
        siblings = [
            p
            for p in parent.iterdir()
            if p.is_dir()
            and p != result_dir
            and not p.name.startswith(".")
            and any(p.name.startswith(name + sep) for sep in "_-.")
            and _has_discovery(p)
        ]
    except OSError:
        return None
    return max(siblings, key=lambda p: (p.stat().st_mtime, p.name)) if siblings else None


def _has_discovery(folder: Path) -> bool:
    return any((folder / f).is_file() for f in DISCOVERY_FILES[:2])


def _fraction(x: Any) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    return f"{v:.0%}" if math.isfinite(v) else "–"


def _bound(x: Any) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    return f"{v:.3g}" if math.isfinite(v) else "–"


def discovery(folder: Path | None) -> dict[str, Any] | None:
    """The discovery section of a brief: findings, boxes and the figure, or None.

    Returns ``{"folder", "base_rate", "boxes": [{finding, coverage, density, mass,
    restrictions: [{key, label, low, high}]}], "markdown", "figure", "problems"}``.
    """
    if folder is None:
        return None
    folder = Path(folder)
    out: dict[str, Any] = {"folder": str(folder), "boxes": [], "base_rate": None}
    out.update(markdown="", figure=None, problems=[])
    data = _read_json(folder / "discovery.json", out["problems"])
    if isinstance(data, dict):
        out["base_rate"] = _fraction(data["base_rate"]) if "base_rate" in data else None
        out["outcome"] = str(data.get("outcome", "") or "")
        for box in data.get("boxes") or []:
            if isinstance(box, dict):
                out["boxes"].append(_box(box))
    md = folder / "findings.md"
    if not out["boxes"] and md.is_file():
        try:
            out["markdown"] = md.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            out["problems"].append(f"{md}: cannot be read ({exc.strerror or exc})")
    png = folder / "discovery.png"
    if png.is_file():
        out["figure"] = png
    if not (out["boxes"] or out["markdown"] or out["figure"] or out["problems"]):
        return None
    return out


def _box(box: dict[str, Any]) -> dict[str, Any]:
    restrictions = box.get("restrictions") or {}
    rows = []
    if isinstance(restrictions, dict):
        for key, bounds in restrictions.items():
            lo, hi = (list(bounds) + [None, None])[:2] if isinstance(bounds, list) else (None, None)
            rows.append({"key": str(key), "label": readable_key(str(key))})
            rows[-1].update(low=_bound(lo), high=_bound(hi))
    return {
        "finding": str(box.get("finding", "") or ""),
        "coverage": _fraction(box.get("coverage")),
        "density": _fraction(box.get("density")),
        "mass": _fraction(box.get("mass")),
        "target": str(box.get("target", "") or ""),
        "restrictions": rows,
    }


def _read_json(path: Path, problems: list[str]) -> Any:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"{path.name}: cannot be read ({exc})")
        return None


def sensitivity(result_dir: Path | None) -> dict[str, Any] | None:
    """The global sensitivity indices of ``result_dir/sensitivity.csv``, or None.

    Returns ``{"methods": [{"method", "rows": [{key, label, index, ci}], "more"}],
    "problems"}``: per method (in the file's order) the :data:`SENSITIVITY_TOP` largest
    indices, and how many more the file holds.
    """
    if result_dir is None or not (Path(result_dir) / "sensitivity.csv").is_file():
        return None
    import pandas as pd

    path = Path(result_dir) / "sensitivity.csv"
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        return {"methods": [], "problems": [f"sensitivity.csv: cannot be read ({exc})"]}
    missing = [c for c in ("key", "index") if c not in table.columns]
    if missing:
        return {
            "methods": [],
            "problems": [f"sensitivity.csv: no column {', '.join(missing)}"],
        }
    if "method" not in table.columns:
        table["method"] = "index"
    methods = []
    for method, group in table.groupby("method", sort=False):
        group = group.sort_values("index", ascending=False, kind="stable")
        rows = [_index_row(r) for _, r in group.head(SENSITIVITY_TOP).iterrows()]
        methods.append(
            {"method": str(method), "rows": rows, "more": max(0, len(group) - len(rows))}
        )
    return {"methods": methods, "problems": []}


def _index_row(r: Any) -> dict[str, str]:
    def num(v: Any) -> str:
        try:
            f = float(v)
        except (TypeError, ValueError):
            return "–"
        return f"{f:.3f}" if math.isfinite(f) else "–"

    ci = ""
    if "ci_low" in r and "ci_high" in r:
        ci = f"{num(r['ci_low'])} – {num(r['ci_high'])}"
    key = str(r["key"])
    return {"key": key, "label": readable_key(key), "index": num(r["index"]), "ci": ci}


def calibration_lines(manifest: dict[str, Any]) -> list[str]:
    """What a calibrated run says of its calibration (its manifest's ``posterior``).

    A text is shown as it is; a mapping as ``key: value`` for its plain entries (a
    nested entry by its key and size); an empty list when the run was not calibrated.
    """
    post = manifest.get("posterior")
    if post is None:
        return []
    if not isinstance(post, dict):
        return [str(post)]
    lines = []
    for k, v in post.items():
        if isinstance(v, (str, int, float, bool)) or v is None:
            lines.append(f"{k}: {v}")
        elif isinstance(v, (list, dict)):
            lines.append(f"{k}: {len(v)} entr{'y' if len(v) == 1 else 'ies'}")
    return lines or ["calibrated (the manifest's posterior entry is empty)"]
