"""Small scenario builders shared by the tests."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FREEZE = ROOT / "scenarios" / "freeze_lines.yaml"
DATA = ROOT / "tests" / "data"


def one_region(
    *,
    p_now: float = 0.5,
    p_next: float | None = None,
    delta: float = 0.9,
    cost_a: float = 0.5,
    cost_b: float = 0.5,
    share_a: float = 0.5,
    incident="0.0",
    horizon: int = 6,
    draws: int = 1,
    sampler: str = "random",
    selection: str = "peaceful",
    first_strike: float = 0.0,
) -> str:
    """The one-dimensional Fearon/Powell case as scenario text.

    A's win probability is ``p_now`` at t = 0 and ``p_next`` from t = 1 on (B's capacity
    is 1 and fixed; A's jumps to its ceiling with rebuild rate 1; decisiveness 1).
    """
    p_next = p_now if p_next is None else p_next
    data = {
        "title": "one region",
        "period": "year",
        "horizon": horizon,
        "actors": {
            "a": {
                "discount": delta,
                "war_cost": cost_a,
                "capacity": p_now / (1 - p_now),
                "ceiling": p_next / (1 - p_next),
                "rebuild_rate": 1.0,
            },
            "b": {
                "discount": delta,
                "war_cost": cost_b,
                "capacity": 1.0,
                "ceiling": 1.0,
                "rebuild_rate": 0.0,
            },
        },
        "regions": {"stake": {"value": {"a": 1.0, "b": 1.0}}},
        "terms": {"stake": {"a": share_a, "b": round(1.0 - share_a, 15)}},
        "war": {"decisiveness": 1.0, "first_strike": first_strike, "incident_hazard": incident},
        "solver": {"selection": selection},
        "montecarlo": {"draws": draws, "seed": 0, "sampler": sampler},
    }
    return yaml.safe_dump(data, sort_keys=False)


def write(tmp_path: Path, text: str, name: str = "scn.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def hawk_or_dove_at_the_table(draws: int = 400) -> str:
    """Private types that decide acceptance alone, as scenario text.

    A's share of the stake is 0.2 against even odds in a war (no power shift, discount
    0.9). A hawkish A (war cost 1) is better off at war (5 - 1 > 2) and rejects; a dovish
    one (cost 5) signs and never attacks. B signs (0.8 of the stake; its war cost sampled,
    which changes nothing). So ``accepted`` is the true type's alone, while ``p_holds_5y``
    is 0.5 in every draw (the prior mixture).
    """
    a_types = {
        "hawk": {"label": "Hawkish", "prior": 0.5, "changes": {"actors.a.war_cost": 1.0}},
        "dove": {"label": "Dovish", "changes": {"actors.a.war_cost": 5.0}},
    }
    data = {
        "title": "hawk or dove at the table",
        "period": "year",
        "horizon": 6,
        "actors": {
            "a": {"label": "Arcadia", "discount": 0.9, "war_cost": 3.0, "capacity": 1.0,
                  "rebuild_rate": 0.0, "types": a_types},
            "b": {"discount": 0.9, "war_cost": "uniform(1.0, 2.0)", "capacity": 1.0,
                  "rebuild_rate": 0.0},
        },
        "regions": {"stake": {"value": {"a": 1.0, "b": 1.0}}},
        "terms": {"stake": {"a": 0.2}},
        "montecarlo": {"draws": draws, "seed": 0, "sampler": "random"},
    }  # fmt: skip
    return yaml.safe_dump(data, sort_keys=False)
