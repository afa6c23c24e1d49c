"""Scenario discovery on a run: which combinations of beliefs make the ceasefire hold.

::

    found = discover(result, outcome="holds_5y", target="holds")
    found.boxes[0]["finding"]     # "In 75% of the draws where russia war_cost exceeds ..."
    write_discovery(found, "results/freeze_lines_explain_holds_5y", figure=...)

PRIM (:mod:`sim.analysis.prim`) runs on the draws table: the inputs are the run's sampled
beliefs, the outcome per draw is its probability of the outcome (:mod:`sim.analysis.outcomes`;
``target="breaks"`` explains one minus it). Up to three boxes are found for the target,
one after another (box 2 among the draws outside box 1), and one box for the complement
("what makes it break" beside "what makes it hold"). Each box becomes one sentence
(:mod:`sim.analysis.findings`).

**The true type.** A run with private information (an actor with ``types``) samples each
draw's true type (the draws column ``type``). It is not a belief, so it is not among the
sampled key paths, but PRIM restricts it like one: it is added as a dimension of its own,
``type.<actor>`` (the type's index in ``summary["types"]["ids"]``, 0 or 1, for two types;
with three or more, one 0/1 indicator per type, ``type.<actor>.<type>``, so that a box can
keep any one type, not only neighbours in an arbitrary order). No key path of the scenario
format starts with ``type``. PRIM peels it as any column (:mod:`sim.analysis.prim`), so
one peel takes off a whole type, however many draws it has. A restriction on it keeps
whole types (its limits in ``discovery.json`` are the kept values, ``[1, 1]``; ``kept``
lists their labels, ``dimensions`` says what each value means) and reads in words: "where
Russia is of the limited aims type". The judgement: the true type is not a belief about
the world but the unknown the beliefs are about, and it is what a reader asks first ("does
it hold if Russia's aims are limited?"), so leaving it out would hide the answer behind the
beliefs it happens to move. The alternative, one discovery within each type separately,
answers "what else matters, given the type", but halves the draws and cannot say that the
type itself matters. Note that the ``p_`` outcome columns of a run with types are mixtures over the
types with the prior (:mod:`sim.montecarlo.chunk`), the same whatever the true type, so
PRIM finds the type only for the outcomes that follow the true type (``accepted``); the
sensitivity indices (:mod:`sim.analysis.gsa`) stay over the beliefs only. A run without
types is explained exactly as before (the same dimensions, the same ``discovery.json``).
A sampled selection rule (``solver.selection: choice([...])``) is a dimension the same way
(:func:`rule_dimensions`): ``solver.selection`` for two rules, one indicator
``solver.selection.<rule>`` per rule for more; "where the stage games are played under
the qre rule".

:func:`write_discovery` writes ``discovery.json`` (``base_rate``, ``boxes`` each with
``coverage``, ``density``, ``mass``, ``restrictions`` mapping key path -> [low, high],
``finding``; the peeling trajectories; the settings), ``findings.md`` and the figure
``discovery.png`` through the atomic folder of every output (:mod:`sim.io.atomic`);
``discovery.json`` is written last and marks the folder complete. The figure is drawn by a
function the caller supplies (this layer never imports plotting).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.findings import Categories, box_sentence, number_text, range_text
from sim.analysis.gsa import sensitivity_indices
from sim.analysis.outcomes import (
    DEFAULT_OUTCOME,
    TARGETS,
    outcome_phrase,
    outcome_short,
    outcome_values,
)
from sim.analysis.prim import Box, find_boxes, wracc
from sim.analysis.sensitivity import category_codes, parameter_columns, rule_levels
from sim.io import ResultError, draw_columns, read_draws
from sim.io.atomic import AtomicFolder
from sim.names import SELECTION_KEY
from sim.scenario import readable_key

__all__ = [
    "SETTINGS",
    "TYPE_PREFIX",
    "Discovery",
    "DiscoveryFigure",
    "default_out",
    "discover",
    "restriction_rows",
    "rule_dimensions",
    "type_dimensions",
    "write_discovery",
]

#: PRIM's settings (ema-workbench's defaults for the first three; see sim.analysis.prim).
SETTINGS = {
    "peel_alpha": 0.05,
    "paste_alpha": 0.05,
    "mass_min": 0.05,
    "max_restricted": 3,
    "min_lift": 0.1,
}
#: The start of the key of a true-type dimension (``type.russia``): no key path starts so.
TYPE_PREFIX = "type."
#: Boxes found for the target, and for its complement.
TARGET_BOXES, COMPLEMENT_BOXES = 3, 1

#: Draws the figure of a discovery to a path in a format: ``figure(discovery, path, fmt)``.
DiscoveryFigure = Callable[["Discovery", Path, str], Path]


@dataclass
class Discovery:
    """The boxes found on a run, their findings in words, and how they were found.

    Attributes
    ----------
    outcome, target
        What was explained (``holds_5y``, ...; ``holds`` or ``breaks``).
    base_rate
        The share of all draws with the target (expected: the mean of the per-draw
        probability), and ``complement_rate`` that of the complement.
    boxes
        One record per box, the target's first, then the complement's: ``target``,
        ``rank``, ``coverage``, ``density``, ``mass``, ``draws``, ``restrictions`` (key path
        -> [low, high]), ``quantiles`` (key path -> the share of all draws below ``low`` and
        at most ``high``), ``finding``, ``step`` (its place on the trajectory).
    trajectories
        Per target (``holds``/``breaks``), the first box's peeling trajectory: one row per
        step with ``coverage``, ``density``, ``mass``, ``restricted``.
        A box that restricts the true type also has ``kept`` (key -> the labels of the
        types it keeps).
    ranges
        Key path -> [min, max] sampled, for every restricted belief (and true type).
    sensitivity
        The run's sensitivity indices for the same outcome (:mod:`sim.analysis.gsa`).
    meta
        Scenario name and title, result folder, draws, seed, period, and the settings.
    categories
        Key -> the words of each true-type dimension (empty for a run without types).
    """

    outcome: str
    target: str
    base_rate: float
    complement_rate: float
    boxes: list[dict]
    trajectories: dict[str, pd.DataFrame]
    ranges: dict[str, list[float]]
    sensitivity: pd.DataFrame
    meta: dict = field(default_factory=dict)
    categories: dict[str, Categories] = field(default_factory=dict)

    @property
    def complement(self) -> str:
        """The other target."""
        return TARGETS[1 - TARGETS.index(self.target)]

    def table(self) -> pd.DataFrame:
        """One row per box: target, rank, coverage, density, mass, draws, restricted, finding."""
        cols = ["target", "rank", "coverage", "density", "mass", "draws", "restricted"]
        rows = [{**{c: b[c] for c in cols}, "finding": b["finding"]} for b in self.boxes]
        table = pd.DataFrame(rows, columns=[*cols, "finding"])
        table["restrictions"] = [b["restrictions"] for b in self.boxes]
        table.attrs.update(outcome=self.outcome, target=self.target, base_rate=self.base_rate)
        return table

    def to_json(self) -> dict:
        """Everything, as ``discovery.json`` holds it."""
        top = self.sensitivity.head(5)
        dims = {"dimensions": self.dimensions()} if self.categories else {}
        return {
            **self.meta,
            "outcome": self.outcome,
            "target": self.target,
            "base_rate": self.base_rate,
            "complement_rate": self.complement_rate,
            "boxes": self.boxes,
            "ranges": self.ranges,
            "trajectories": {k: v.to_dict(orient="records") for k, v in self.trajectories.items()},
            "sensitivity": top.reindex(
                columns=["key", "method", "measure", "index", "ci_low", "ci_high"]
            ).to_dict(orient="records"),
            **dims,
        }

    def dimensions(self) -> dict[str, dict]:
        """Per dimension of categories (true type, rule), what its values mean
        (``discovery.json``'s ``dimensions``)."""
        return {
            k: {
                "kind": c.kind,
                "name": c.name,
                "values": list(c.values),
                "labels": list(c.short),
                "words": list(c.words),
            }
            for k, c in self.categories.items()
        }

    def markdown(self) -> str:
        """``findings.md``: the findings, the boxes, the beliefs that matter, how to read it."""
        from sim.analysis.report import findings_markdown

        return findings_markdown(self)


def discover(
    result: Any,
    outcome: str = DEFAULT_OUTCOME,
    target: str = "holds",
    *,
    sensitivity: bool = True,
) -> Discovery:
    """PRIM boxes of a run's beliefs for ``outcome`` (``target``) and its complement.

    Parameters
    ----------
    result
        A run (in memory or loaded from its folder).
    outcome
        ``holds_5y`` (default), ``holds_1y``, ``holds_2y``, ``holds_10y``, ``holds_end``
        or ``accepted``: those the result has (:func:`sim.analysis.outcomes.outcome_choices`).
    target
        ``holds`` (explain the outcome) or ``breaks`` (its complement).
    sensitivity
        Also compute the sensitivity indices for the outcome (about a second).

    Raises
    ------
    ValueError
        Naming what is allowed, for an unknown outcome or target, or a run without
        sampled beliefs (nor types).
    """
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)} (got {target!r})")
    y = outcome_values(result, outcome)
    columns = draw_columns(result)
    keys = parameter_columns(result, columns)
    summary = getattr(result, "summary", None) or {}
    typed = {**type_dimensions(result, summary, columns), **rule_dimensions(result, columns)}
    if not keys and not typed:
        raise ValueError("the run has no sampled beliefs to explain (every number is fixed)")
    x = read_draws(result, keys)[keys].to_numpy(dtype=float) if keys else np.empty((len(y), 0))
    if typed:  # the true type, after the beliefs (a run without types: x as it always was)
        x = np.column_stack([x, *(col for col, _ in typed.values())])
        keys = [*keys, *typed]
    categories = {k: cat for k, (_, cat) in typed.items()}
    period = summary.get("period")
    complement = TARGETS[1 - TARGETS.index(target)]
    phrases = {t: outcome_phrase(outcome, t, summary) for t in TARGETS}
    boxes, trajectories = [], {}
    for tgt, limit in ((target, TARGET_BOXES), (complement, COMPLEMENT_BOXES)):
        yt = y if tgt == "holds" else 1.0 - y
        found = _boxes(x, yt, limit)
        trajectories[tgt] = _trajectory(found[0]) if found else pd.DataFrame()
        for rank, box in enumerate(found, start=1):
            boxes.append(
                _record(box, rank, tgt, keys, x, outcome, phrases[tgt], period, categories)
            )
    restricted = {k for b in boxes for k in b["restrictions"]}
    ranges = {
        k: [float(x[:, j].min()), float(x[:, j].max())]
        for j, k in enumerate(keys)
        if k in restricted
    }
    base = float(np.mean(y)) if target == "holds" else float(1 - np.mean(y))
    return Discovery(
        outcome=outcome,
        target=target,
        base_rate=base,
        complement_rate=1.0 - base,
        boxes=boxes,
        trajectories=trajectories,
        ranges=ranges,
        sensitivity=sensitivity_indices(result, outcome) if sensitivity else pd.DataFrame(),
        meta={**_meta(result, summary, len(y)), "phrases": phrases},
        categories=categories,
    )


def type_dimensions(
    result: Any, summary: dict, columns: list[str]
) -> dict[str, tuple[np.ndarray, Categories]]:
    """The true type as PRIM's dimensions: key -> (value per draw, its words).

    Empty for a run without types (no ``type`` column, or fewer than two types in
    ``summary["types"]``). Two types give one dimension ``type.<actor>``, the index of the
    draw's type in ``ids``; more give one 0/1 indicator per type, ``type.<actor>.<type>``.
    Types read by their labels (``summary["types"]["labels"]``, "Limited aims" as "limited
    aims"), the actor by its label (``summary["actor_labels"]``).
    """
    types = summary.get("types") or {}
    ids = [str(t) for t in types.get("ids") or []]
    if "type" not in columns or len(ids) < 2:
        return {}
    told = read_draws(result, ["type"])["type"].astype(str).to_numpy()
    codes = pd.Categorical(told, categories=ids).codes
    if (codes < 0).any():
        raise ResultError(
            f"the draws table has true types that the summary does not list "
            f"({', '.join(sorted(set(told[codes < 0])))}; it lists {', '.join(ids)})"
        )
    aid = str(types.get("actor") or "informed")
    actor = str((summary.get("actor_labels") or {}).get(aid) or aid)
    labels = types.get("labels") or {}
    short = [_type_label(str(labels.get(t) or t)) for t in ids]
    if len(ids) == 2:
        words = tuple(f"{actor} is of the {s} type" for s in short)
        cat = Categories(f"true type of {actor}", (0.0, 1.0), tuple(short), words)
        return {f"{TYPE_PREFIX}{aid}": (codes.astype(float), cat)}
    out = {}
    for j, (t, s) in enumerate(zip(ids, short, strict=True)):
        cat = Categories(
            f"{actor} of the {s} type (true type)",
            (0.0, 1.0),
            (f"not {s}", s),
            (f"{actor} is not of the {s} type", f"{actor} is of the {s} type"),
        )
        out[f"{TYPE_PREFIX}{aid}.{t}"] = ((codes == j).astype(float), cat)
    return out


def rule_dimensions(result: Any, columns: list[str]) -> dict[str, tuple[np.ndarray, Categories]]:
    """A sampled selection rule as PRIM's dimensions: key -> (value per draw, its words).

    Empty unless the draws have the column ``solver.selection``. Two rules give one
    dimension ``solver.selection`` (the rule's index in :func:`rule_levels`), more give
    one 0/1 indicator per rule, ``solver.selection.<rule>``.
    """
    if SELECTION_KEY not in columns:
        return {}
    codes = category_codes(result, read_draws(result, [SELECTION_KEY])[SELECTION_KEY])
    levels = rule_levels(result)
    if len(levels) < 2:
        return {}
    if len(levels) == 2:
        words = tuple(f"the stage games are played under the {r} rule" for r in levels)
        cat = Categories("selection rule", (0.0, 1.0), tuple(levels), words, kind="rule")
        return {SELECTION_KEY: (codes, cat)}
    return {
        f"{SELECTION_KEY}.{r}": (
            (codes == j).astype(float),
            Categories(
                f"selection rule {r}",
                (0.0, 1.0),
                (f"not {r}", r),
                (
                    f"the stage games are not played under the {r} rule",
                    f"the stage games are played under the {r} rule",
                ),
                kind="rule",
            ),
        )  # fmt: skip
        for j, r in enumerate(levels)
    }


def _type_label(label: str) -> str:
    """A type's label inside a sentence: "Limited aims" -> "limited aims" ("US-backed" stays)."""
    label = label.strip()
    if label.lower().endswith(" type"):
        label = label[:-5].rstrip()
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        label = label[0].lower() + label[1:]
    return label


def _boxes(x: np.ndarray, y: np.ndarray, limit: int) -> list[Box]:
    s = SETTINGS
    return find_boxes(
        x,
        y,
        max_boxes=limit,
        peel_alpha=s["peel_alpha"],
        paste_alpha=s["paste_alpha"],
        mass_min=s["mass_min"],
        max_restricted=s["max_restricted"],
        min_lift=s["min_lift"],
    )


def _trajectory(box: Box) -> pd.DataFrame:
    base = box.trajectory[0].density
    rows = [
        {
            "coverage": st.coverage,
            "density": st.density,
            "mass": st.mass,
            "restricted": st.restricted,
            "wracc": wracc(st, base),
            "chosen": i == box.chosen,
        }
        for i, st in enumerate(box.trajectory)
    ]
    return pd.DataFrame(rows)


def _record(
    box: Box,
    rank: int,
    target: str,
    keys,
    x,
    outcome: str,
    phrase: str,
    period,
    categories: dict[str, Categories] | None = None,
) -> dict:
    """A box as ``discovery.json`` holds it, with its finding."""
    categories = categories or {}
    lo0, hi0 = x.min(axis=0), x.max(axis=0)
    restrictions = {
        k: [float(box.low[j]), float(box.high[j])]
        for j, k in enumerate(keys)
        if box.low[j] != lo0[j] or box.high[j] != hi0[j]
    }
    kept = {}
    for k in restrictions:  # a true type keeps whole types: its limits are the values kept
        if k in categories:
            cat = categories[k]
            idx = cat.kept(*restrictions[k])
            restrictions[k] = [cat.values[idx[0]], cat.values[idx[-1]]]
            kept[k] = [cat.short[i] for i in idx]
    samples = {k: x[:, keys.index(k)] for k in restrictions}
    quantiles = {
        k: [float(np.mean(samples[k] < lo)), float(np.mean(samples[k] <= hi))]
        for k, (lo, hi) in restrictions.items()
    }
    finding = box_sentence(
        restrictions,
        samples,
        density=box.density,
        mass=box.mass,
        coverage=box.coverage,
        phrase=phrase,
        short=outcome_short(outcome, target),
        rank=rank,
        period=period,
        categories=categories,
    )
    chosen = box.trajectory[box.chosen]
    record = {
        "target": target,
        "rank": rank,
        "coverage": box.coverage,
        "density": box.density,
        "mass": box.mass,
        "draws": box.n,
        "restricted": box.restricted,
        "restrictions": restrictions,
        "quantiles": quantiles,
        "finding": finding,
        "step": box.chosen,
        "step_stats": {"coverage": chosen.coverage, "density": chosen.density, "mass": chosen.mass},
    }
    if kept:
        record["kept"] = kept
    return record


def _meta(result: Any, summary: dict, draws: int) -> dict:
    path = getattr(result, "path", None)
    return {
        "scenario": summary.get("scenario"),
        "title": summary.get("title"),
        "result": str(path) if path is not None else None,
        "draws": draws,
        "seed": summary.get("seed"),
        "sampler": summary.get("sampler"),
        "period": summary.get("period"),
        "settings": dict(SETTINGS),
    }


def default_out(folder: str | os.PathLike, outcome: str, target: str) -> Path:
    """Where ``sim explain`` writes by default: beside the run, named after the question.

    ``results/freeze_lines`` -> ``results/freeze_lines_explain_holds_5y`` (``breaks_5y``
    for the complement; ``accepted``/``rejected``; ``holds_end``/``breaks_end``).
    """
    folder = Path(os.path.abspath(os.fspath(folder)))
    if outcome == "accepted":
        what = "accepted" if target == "holds" else "rejected"
    else:
        what = outcome if target == "holds" else outcome.replace("holds_", "breaks_")
    return folder.parent / f"{folder.name}_explain_{what}"


def write_discovery(
    discovery: Discovery,
    out: str | os.PathLike,
    *,
    plots: bool = True,
    fmt: str = "png",
    figure: DiscoveryFigure | None = None,
    command: str | None = None,
) -> Path:
    """Write ``findings.md``, ``discovery.<fmt>`` and ``discovery.json`` into ``out``.

    The folder is written like a run's result (:class:`sim.io.atomic.AtomicFolder`): into a
    hidden temporary folder beside ``out``, renamed into place when complete, replacing an
    earlier discovery only then and never a folder of other files. A run's own result
    folder is refused (it would be replaced). ``plots=True`` needs ``figure`` (this layer
    does not import plotting); without it nothing is written.
    """
    if plots and figure is None:
        raise ResultError(
            "write_discovery needs figure= (e.g. sim.plots.save_discovery) to draw the figure, "
            "and nothing was written: pass it, or plots=False to write the files only"
        )
    target = Path(os.path.abspath(os.fspath(out)))
    if (target / "manifest.json").is_file():
        raise ResultError(
            f"{target}: is a run's result folder, which explain would replace; choose another "
            "--out (the default is a folder beside the run)"
        )

    def fill(tmp: Path) -> None:
        (tmp / "findings.md").write_text(discovery.markdown(), encoding="utf-8")
        if plots and figure is not None:
            figure(discovery, tmp / f"discovery.{fmt}", fmt)
        meta = discovery.to_json()
        meta["command"] = command if command is not None else " ".join(sys.argv)
        # every file of the folder, so that replacing it later deletes only what was written
        meta["files"] = {p.name: p.stat().st_size for p in sorted(tmp.iterdir())}
        with open(tmp / "discovery.json", "w", encoding="utf-8") as fh:  # last
            json.dump(meta, fh, indent=2, allow_nan=False)
            fh.write("\n")

    return AtomicFolder(target).write("findings", fill)


#: The columns of :func:`restriction_rows`.
ROW_COLUMNS = (
    "target", "rank", "key", "name", "low", "high", "min", "max", "q_low", "q_high", "kept",
    "sampled",
)  # fmt: skip


def restriction_rows(discovery: Discovery) -> pd.DataFrame:
    """One row per (box, restricted belief): the limits kept and the range sampled.

    Columns ``target``, ``rank``, ``key``, ``name``, ``low``, ``high``, ``min``, ``max``,
    ``q_low``, ``q_high`` (the shares of all draws below ``low`` and up to ``high``),
    ``kept`` (the limits as text, ``>= 5.91``) and ``sampled`` (the range sampled as text,
    ``0.40 to 100``). A true type is named "true type of Russia", and ``kept`` and
    ``sampled`` give its types' labels (``limited aims``; ``maximalist aims, limited aims``).
    """
    rows = []
    for b in discovery.boxes:
        for k, (lo, hi) in b["restrictions"].items():
            r_lo, r_hi = discovery.ranges[k]
            q_lo, q_hi = b["quantiles"][k]
            cat = discovery.categories.get(k)
            rows.append(
                {
                    "target": b["target"],
                    "rank": b["rank"],
                    "key": k,
                    "name": cat.name if cat else readable_key(k),
                    "low": lo,
                    "high": hi,
                    "min": r_lo,
                    "max": r_hi,
                    "q_low": q_lo,
                    "q_high": q_hi,
                    "kept": cat.kept_text(lo, hi) if cat else _kept_text(lo, hi, r_lo, r_hi),
                    "sampled": cat.kept_text(r_lo, r_hi) if cat else range_text(r_lo, r_hi),
                }
            )
    return pd.DataFrame(rows, columns=list(ROW_COLUMNS))


def _kept_text(lo: float, hi: float, r_lo: float, r_hi: float) -> str:
    if lo > r_lo and hi < r_hi:
        return f"{number_text(lo, 3)} to {number_text(hi, 3)}"
    return f">= {number_text(lo, 3)}" if lo > r_lo else f"<= {number_text(hi, 3)}"
