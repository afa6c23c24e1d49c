"""What a run may have beyond its result folder's core: discovery, sensitivity, calibration.

Each is optional and read only when present, so a brief of any run can be written:

* **discovery** (``sim explain``): ``discovery.json`` (``outcome``, ``target``,
  ``base_rate`` and ``boxes``, each with ``coverage``, ``density``, ``mass``,
  ``restrictions`` key path -> [low, high] and a ``finding`` sentence), else
  ``findings.md``, with the figure ``discovery.svg`` or ``discovery.png``. Every
  discovery of the run is shown: the folders given, else the result folder itself and
  every folder beside it named after it (``results/run`` -> ``results/run_explain_holds_5y``,
  ``results/run_explain_breaks_5y``, ...). One that records another run (its scenario,
  seed or draws differ) is shown with a warning;
* **sensitivity** (``sensitivity.csv`` in the result folder: columns ``key``,
  ``method``, ``index``, ``ci_low``, ``ci_high`` and, when there, ``measure``, ``name``):
  the indices of each method and measure, largest first;
* **calibration**: the manifest's ``posterior`` entry, when a run was calibrated.

A file that is there but cannot be read is reported on the page (``problems``) rather
than failing the brief: the judgement is that a brief with a note is more useful than no
brief; the alternative, refusing, would stop the core result from reaching its reader.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.scenario import readable_key

__all__ = [
    "DISCOVERY_FILES",
    "SENSITIVITY_TOP",
    "calibration_lines",
    "discovery",
    "find_discoveries",
    "sensitivity",
]

#: Files a ``sim explain`` folder holds that a brief reads (the figure in either format).
DISCOVERY_FILES = ("discovery.json", "findings.md", "discovery.svg", "discovery.png")
#: What a discovery and its run must agree on, when the discovery records it.
_SAME_RUN = ("scenario", "seed", "draws")
#: Indices shown per method (the rest are counted, and are in ``sensitivity.csv``).
SENSITIVITY_TOP = 15


def find_discoveries(
    result_dir: Path | None, given: Sequence[str | os.PathLike] = ()
) -> list[Path]:
    """The folders of a run's scenario discoveries (``sim explain``), in name order.

    ``given`` (``sim report --discovery``) wins; else the result folder itself if it holds
    one, and every folder beside it named after it (``NAME_*``, ``NAME-*``, ``NAME.*``:
    ``sim explain`` writes ``NAME_explain_holds_5y`` and the like) that holds one.
    """
    if given:
        return [Path(g) for g in given]
    if result_dir is None:
        return []
    result_dir = Path(result_dir)
    found = [result_dir] if _has_discovery(result_dir) else []
    parent, name = result_dir.parent, result_dir.name
    try:
        found += sorted(
            p
            for p in parent.iterdir()
            if p.is_dir()
            and p != result_dir
            and not p.name.startswith(".")
            and any(p.name.startswith(name + sep) for sep in "_-.")
            and _has_discovery(p)
        )
    except OSError:
        pass
    return found


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


def discovery(folder: Path, summary: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """One discovery section of a brief: its findings, boxes and figure, or None.

    Returns ``{"folder", "title", "base_rate", "boxes": [{finding, target, coverage,
    density, mass, restrictions: [{key, label, low, high}]}], "markdown", "figure",
    "problems"}``. A discovery that records another run than ``summary``'s (its scenario,
    seed or draws differ) says so in ``problems``.
    """
    folder = Path(folder)
    out: dict[str, Any] = {"folder": str(folder), "title": folder.name, "boxes": []}
    out.update(base_rate=None, markdown="", figure=None, problems=[])
    data = _read_json(folder / "discovery.json", out["problems"])
    if isinstance(data, dict):
        _from_json(data, out, summary or {})
    md = folder / "findings.md"
    if not out["boxes"] and md.is_file():
        try:
            out["markdown"] = md.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            out["problems"].append(f"{md}: cannot be read ({exc.strerror or exc})")
    for name in DISCOVERY_FILES[2:]:
        if out["figure"] is None and (folder / name).is_file():
            out["figure"] = folder / name
    if not (out["boxes"] or out["markdown"] or out["figure"] or out["problems"]):
        return None
    return out


def _from_json(data: dict[str, Any], out: dict[str, Any], summary: Mapping[str, Any]) -> None:
    """Fill a discovery section from ``discovery.json``."""
    if "base_rate" in data:
        out["base_rate"] = _fraction(data["base_rate"])
    if data.get("outcome"):
        verbs = {"holds": "hold", "breaks": "break"}
        target = data.get("target")
        out["title"] = (
            f"{data['outcome']}: what makes it {verbs[target]}"
            if target in verbs
            else f"outcome {data['outcome']}" + (f", target {target}" if target else "")
        )
    dims = data.get("dimensions") if isinstance(data.get("dimensions"), dict) else {}
    for box in data.get("boxes") or []:
        if isinstance(box, dict):
            out["boxes"].append(_box(box, dims))
    differ = [
        f"{k} {data[k]} (this run: {summary[k]})"
        for k in _SAME_RUN
        if data.get(k) is not None and summary.get(k) is not None and data[k] != summary[k]
    ]
    if differ:
        out["problems"].append(
            f"{out['folder']} was made on another run ({', '.join(differ)}): run "
            "`sim explain` on this one again"
        )


def _box(box: dict[str, Any], dims: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A box for a brief; a true type (``dimensions`` of the discovery) by its name, its
    limits by the labels of the types they keep."""
    restrictions = box.get("restrictions") or {}
    rows = []
    if isinstance(restrictions, dict):
        for key, bounds in restrictions.items():
            lo, hi = (list(bounds) + [None, None])[:2] if isinstance(bounds, list) else (None, None)
            dim = (dims or {}).get(key)
            dim = dim if isinstance(dim, dict) else {}
            name = dim.get("name")
            rows.append({"key": str(key), "label": str(name or readable_key(str(key)))})
            rows[-1].update(low=_type_bound(lo, dim), high=_type_bound(hi, dim))
    return {
        "finding": str(box.get("finding", "") or ""),
        "coverage": _fraction(box.get("coverage")),
        "density": _fraction(box.get("density")),
        "mass": _fraction(box.get("mass")),
        "target": str(box.get("target", "") or ""),
        "rank": str(box.get("rank", "") or ""),
        "restrictions": rows,
    }


def _type_bound(v: Any, dim: Mapping[str, Any]) -> str:
    """A limit as text; on a true type, the label of the type at it (``limited aims``)."""
    values, labels = dim.get("values"), dim.get("labels")
    if isinstance(values, list) and isinstance(labels, list) and v in values:
        i = values.index(v)
        if i < len(labels):
            return str(labels[i])
    return _bound(v)


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
    "problems"}``: per method and measure (``rbd_fast S1``; in the file's order) the
    :data:`SENSITIVITY_TOP` largest indices, and how many more the file holds.
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
    if "measure" in table.columns:
        table["method"] = (
            table["method"].astype(str) + " " + table["measure"].fillna("").astype(str)
        )
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
    name = r["name"] if "name" in r and isinstance(r["name"], str) and r["name"] else None
    return {"key": key, "label": name or readable_key(key), "index": num(r["index"]), "ci": ci}


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
