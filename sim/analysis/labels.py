"""Readable names for scenario key paths, for tables and figures.

Here (not in :mod:`sim.plots`) because :func:`sim.analysis.sensitivity_table` names its
rows with it, and analysis may not import plotting; :mod:`sim.plots` re-exports it. It
is a stand-in for the readable names of the scenario key table, which will replace it.
"""

from __future__ import annotations

__all__ = ["readable_key"]


def readable_key(key: str) -> str:
    """A short human name for a scenario key path (for axis labels and bars).

    ``actors.russia.rebuild_rate`` -> ``russia rebuild_rate``;
    ``regions.independence.value.russia`` -> ``independence value to russia``;
    ``events.support_fades.hazard`` -> ``support_fades hazard``.
    """
    parts = key.split(".")
    match parts:
        case ["actors", actor, param]:
            return f"{actor} {param}"
        case ["regions", region, "value", actor]:
            return f"{region} value to {actor}"
        case ["regions", region, "effects", effect]:
            return f"{region} {effect} effect"
        case ["terms", region, actor]:
            return f"terms: {region} share to {actor}"
        case ["war", "outcomes", winner, region, actor]:
            return f"{region} share to {actor} if {winner} wins"
        case ["war", param]:
            return f"war {param}"
        case ["events", event, "hazard"]:
            return f"{event} hazard"
        case ["events", event, "changes", *rest] if rest:
            return f"{readable_key('.'.join(rest))} after {event}"
        case _:
            return key
