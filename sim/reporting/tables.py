"""The tables of a brief that come from the scenario: the terms, and the assumptions.

* :func:`terms_rows`: each region of the proposal, who holds it under the terms, its area
  and population (for the reader; the model does not use them) and note;
* :func:`area_sentence`: how much of the listed area each side holds under the terms;
* :func:`assumption_rows`: every uncertain belief of the run (after ``--set``), with its
  key path, readable label, distribution, the range that holds 90% of its draws, its unit,
  and what the scenario file's comment says of it (:mod:`sim.reporting.comments`).

Rows are plain dicts of text (numbers already formatted), so the template only lays
them out; the template escapes every value.
"""

from __future__ import annotations

import re
from typing import Any

from sim.beliefs import Distribution
from sim.reporting.comments import key_comments
from sim.scenario import KEYS, readable_key

__all__ = [
    "area_sentence",
    "assumption_rows",
    "holder_text",
    "key_unit",
    "number_text",
    "terms_rows",
]


def number_text(x: Any) -> str:
    """A number for a table: at most 4 significant digits, thousands separated."""
    if isinstance(x, Distribution):
        return x.to_shorthand()
    x = float(x)
    if x == int(x) and abs(x) >= 1000:
        return f"{int(x):,}"
    return f"{x:.4g}"


def holder_text(holder: Any, actor_name: Any) -> str:
    """Who holds a region: the actor's name, or each named actor's share.

    ``holder`` is an actor id or ``{actor: share}`` (a share may be a belief); an actor
    left out of the mapping gets the rest.
    """
    if isinstance(holder, str):
        return actor_name(holder)
    parts = []
    for aid, share in holder.items():
        text = share.to_shorthand() if isinstance(share, Distribution) else f"{float(share):.0%}"
        parts.append(f"{actor_name(aid)} {text}")
    if len(holder) == 1:
        parts.append("the other side the rest")
    return ", ".join(parts)


def terms_rows(scn: Any) -> list[dict[str, str]]:
    """One row per region: ``region``, ``holder``, ``area``, ``population``, ``note``."""
    rows = []
    for rid in scn.region_ids:
        region = scn.regions[rid]
        holder = scn.terms.get(rid)
        rows.append(
            {
                "id": rid,
                "region": region.label or rid,
                "holder": "" if holder is None else holder_text(holder, scn.display_name),
                "area": "" if region.area_km2 is None else f"{region.area_km2:,.0f} km²",
                "population": "" if region.population is None else f"{region.population:,.0f}",
                "note": region.note or "",
            }
        )
    return rows


def area_sentence(scn: Any) -> str:
    """``Under the terms Russia holds 107,945 km² (17.9%) and Ukraine ... of the ... listed.``

    Empty when no region has an area, or when a share of a region with an area is a
    belief (the split of the area is then uncertain).
    """
    held = {aid: 0.0 for aid in scn.actor_ids}
    total = 0.0
    for rid in scn.region_ids:
        area = scn.regions[rid].area_km2
        holder = scn.terms.get(rid)
        if area is None or holder is None:
            continue
        shares = _shares(holder, scn.actor_ids)
        if shares is None:
            return ""
        total += area
        for aid, share in shares.items():
            held[aid] += share * area
    if total <= 0:
        return ""
    parts = [
        f"{scn.display_name(aid)} {km2:,.0f} km² ({km2 / total:.1%})" for aid, km2 in held.items()
    ]
    return f"Under the terms {' and '.join(parts)} of the {total:,.0f} km² listed."


def _shares(holder: Any, actors: tuple[str, str]) -> dict[str, float] | None:
    """Each actor's share of a region (None when a share is a belief)."""
    if isinstance(holder, str):
        return {aid: float(aid == holder) for aid in actors}
    if any(isinstance(v, Distribution) for v in holder.values()):
        return None
    given = {aid: float(v) for aid, v in holder.items()}
    rest = 1.0 - sum(given.values())
    return {aid: given.get(aid, rest) for aid in actors}


def key_unit(path: str) -> str:
    """The unit the key table gives for a concrete key path (``""`` if none).

    An event change has the unit of the key it changes; a per-holder effect
    (``regions.x.effects.power.russia``) that of its effect.
    """
    parts = path.split(".")
    if len(parts) > 3 and parts[0] == "events" and parts[2] == "changes":
        return key_unit(".".join(parts[3:]))
    for candidate in (parts, parts[:-1]):
        for k in KEYS:
            pattern = k.path.split(".")
            if len(pattern) == len(candidate) and all(
                p == q or (p.startswith("<") and p.endswith(">"))
                for p, q in zip(pattern, candidate, strict=True)
            ):
                return k.unit
    return ""


def _range_text(dist: Distribution) -> str:
    """The 5% and 95% quantiles, ``0.03 – 0.1``."""
    import numpy as np

    lo, hi = (float(v) for v in dist.ppf(np.array([0.05, 0.95])))
    return f"{lo:.3g} – {hi:.3g}"


def _after_kind(text: str, kind: str) -> str:
    """The comment without the kind it starts with (shown as a tag beside it)."""
    if kind in ("public figure", "judgement"):
        head = re.match(r"\s*(public figure|judge?ment)\b[\s:;,.-]*", text, re.IGNORECASE)
        if head:
            return text[head.end() :]
    return text


def assumption_rows(scn: Any, text: str | None = None) -> list[dict[str, Any]]:
    """One row per uncertain belief of ``scn`` (after its ``--set`` overrides), in file order.

    Parameters
    ----------
    scn
        The run's :class:`~sim.scenario.Scenario`.
    text
        The scenario file's text (default: the scenario's own ``source_text``; a saved
        run's is ``manifest["scenario_text"]``).

    Returns
    -------
    list of dict
        ``key``, ``label`` (:func:`sim.scenario.readable_key`), ``distribution``
        (shorthand), ``range`` (where 90% of the draws fall), ``unit`` (the key table's,
        up to its first comma or semicolon: ``relative``, ``per period``), ``comment`` (the
        file's comment on the key's line), ``detail`` (that comment without the kind it
        starts with), ``above`` (the comment block above it, when
        the line's comment points there or is missing), ``kind`` (``public figure``,
        ``judgement``, ``--set`` or ``""``) and ``line``.
    """
    uncertain = scn.uncertain()
    source = scn.source_text if text is None else text
    comments = key_comments(source, uncertain, scn.overrides, scn.source_path or "scenario")
    rows = []
    for path, dist in uncertain.items():
        c = comments[path]
        rows.append(
            {
                "key": path,
                "label": readable_key(path),
                "distribution": dist.to_shorthand(),
                "range": _range_text(dist),
                "unit": re.split("[;,]", key_unit(path))[0].strip(),
                "comment": c.text,
                "detail": _after_kind(c.text, c.kind),
                "above": c.above,
                "kind": c.kind,
                "line": c.line,
            }
        )
    return rows
