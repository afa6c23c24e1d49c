"""Tests for sim.scenario.keys: the one table of keys and what is derived from it."""

from __future__ import annotations

import math

import pytest

from sim.scenario import (
    CHANGEABLE,
    KEYS,
    ScenarioError,
    load_scenario,
    readable_key,
    validate_data,
)
from sim.scenario.keys import (
    CHANGE,
    GROUP,
    HOLDER,
    MECHANISM_KEYS,
    NUMBER,
    REAL,
    WHOLE,
    Range,
    changeable_keys,
    key,
    number_names,
)
from sim.scenario.schema import Actor, Effects, Event, MonteCarlo, Region, Scenario, Solver, War
from tests.unit.scenario.helpers import FREEZE, minimal, set_in
from tests.unit.scenario.schema_paths import all_properties, limits, properties_reached

# The order of Scenario.numbers() decides which sampler column each uncertain number gets:
# any change of this order changes every result. Pinned for the flagship (update the list
# only together with freeze_lines.yaml, and expect new fingerprints).
FREEZE_LINES_NUMBERS = [
    *(f"actors.{a}.{k}" for a in ("russia", "ukraine") for k in (
        "discount", "war_cost", "capacity", "ceiling", "rebuild_rate", "flow", "war_flow"
    )),
    *(f"regions.{r}.{k}" for r in (
        "crimea", "donbas_2014", "donbas_2022", "land_bridge", "nuclear_plant", "claimed_rest",
        "free_ukraine", "independence",
    ) for k in (
        "value.russia", "value.ukraine", "effects.ceiling", "effects.growth", "effects.power"
    )),
    "war.decisiveness",
    "war.first_strike",
    "war.incident_hazard",
    "war.outcomes.russia.free_ukraine.russia",
    "war.outcomes.russia.independence.russia",
    "war.outcomes.ukraine.crimea.ukraine",
    "war.outcomes.ukraine.donbas_2014.ukraine",
    "events.support_fades.hazard",
    "events.sanctions_lifted.hazard",
    "events.sanctions_lifted.changes.actors.russia.flow",
    "events.sanctions_lifted.changes.actors.russia.war_flow",
    "events.leadership_change.hazard",
    "events.leadership_change.changes.regions.independence.value.russia",
    # types and mechanisms come last, so that a file without them keeps its columns
    "actors.russia.types.maximalist.prior",
    *(f"actors.russia.types.{t}.changes.{k}" for t in ("maximalist", "limited") for k in (
        "regions.independence.value.russia", "actors.russia.war_cost"
    )),
    "mechanisms.western_buildup.capacity",
    "mechanisms.western_buildup.ceiling",
    "mechanisms.security_guarantee.cost",
    "mechanisms.security_guarantee.credibility",
]  # fmt: skip


def test_numbers_order_is_pinned_for_freeze_lines():
    scn = load_scenario(FREEZE)
    assert list(scn.numbers()) == FREEZE_LINES_NUMBERS
    assert list(scn.uncertain()) == [k for k in FREEZE_LINES_NUMBERS if k in scn.uncertain()]


def test_numbers_order_of_every_kind_of_key():
    data = minimal()
    set_in(data, "actors.b.ceiling", 2.0)
    data["regions"]["r"]["effects"] = {"power": {"b": 0.1}, "ceiling": 0.2}
    data["regions"]["s"] = {"value": {"b": 1.0}}
    data["terms"] = {"r": "a", "s": {"b": 0.4}}
    data["war"] = {"outcomes": {"b": {"s": {"a": 0.25}}}, "first_strike": -0.5}
    data["events"] = {
        "f": {"hazard": 0.1, "changes": {"war.first_strike": 0.1, "actors.a.flow": 1.0}},
        "e": {"hazard": 0.2},
    }
    got = list(validate_data(data).numbers())
    actor = ["discount", "war_cost", "capacity", "rebuild_rate", "flow", "war_flow"]
    assert got == [
        *(f"actors.a.{k}" for k in actor),
        *(f"actors.b.{k}" for k in [*actor[:3], "ceiling", *actor[3:]]),
        "regions.r.value.a",
        "regions.r.value.b",
        "regions.r.effects.ceiling",
        "regions.r.effects.growth",
        "regions.r.effects.power.a",
        "regions.r.effects.power.b",
        "regions.s.value.a",
        "regions.s.value.b",
        "regions.s.effects.ceiling",
        "regions.s.effects.growth",
        "regions.s.effects.power",
        "terms.s.b",
        "war.decisiveness",
        "war.first_strike",
        "war.incident_hazard",
        "war.outcomes.b.s.a",
        "events.f.hazard",
        "events.f.changes.war.first_strike",
        "events.f.changes.actors.a.flow",
        "events.e.hazard",
    ]


def test_number_names_come_from_the_table():
    assert number_names("actors.<id>") == (
        "discount",
        "war_cost",
        "capacity",
        "ceiling",
        "rebuild_rate",
        "flow",
        "war_flow",
    )
    assert number_names("regions.<id>.effects") == ("ceiling", "growth", "power")
    assert number_names("war") == ("decisiveness", "first_strike", "incident_hazard")


def test_changeable_text_and_keys():
    assert CHANGEABLE == (
        "actors.<id>.{discount, war_cost, capacity, ceiling, rebuild_rate, flow, war_flow}, "
        "regions.<id>.value.<actor>, regions.<id>.effects.{ceiling, growth, power}[.<actor>], "
        "terms.<region>.<actor>, war.{decisiveness, first_strike, incident_hazard}, "
        "mechanisms.<id>.{cost, credibility, first_strike_cut, incident_cut, reveal, capacity, "
        "ceiling}"
    )
    got = changeable_keys(["a", "b"], ["r"], ["m"])
    actor = ["discount", "war_cost", "capacity", "ceiling", "rebuild_rate", "flow", "war_flow"]
    mech = [
        "cost",
        "credibility",
        "first_strike_cut",
        "incident_cut",
        "reveal",
        "capacity",
        "ceiling",
    ]
    assert list(got) == [
        *(f"actors.{a}.{k}" for a in "ab" for k in actor),
        "regions.r.value.a",
        "regions.r.value.b",
        *(f"regions.r.effects.{e}{h}" for e in ("ceiling", "growth", "power")
          for h in ("", ".a", ".b")),
        "terms.r.a",
        "terms.r.b",
        "war.decisiveness",
        "war.first_strike",
        "war.incident_hazard",
        *(f"mechanisms.m.{k}" for k in mech),
    ]  # fmt: skip
    assert got["regions.r.effects.power.b"] is key("regions.<id>.effects.power")
    assert {k.path for k in got.values()} == {k.path for k in KEYS if k.changeable}
    assert "mechanisms.m.cost" not in changeable_keys(["a", "b"], ["r"])  # no such mechanism


def test_model_fields_are_the_table_keys_in_table_order():
    models = {
        "": Scenario,
        "actors.<id>": Actor,
        "regions.<id>": Region,
        "regions.<id>.effects": Effects,
        "war": War,
        "events.<id>": Event,
        "solver": Solver,
        "montecarlo": MonteCarlo,
    }
    for prefix, model in models.items():
        start = f"{prefix}." if prefix else ""
        children = []
        for k in KEYS:
            if k.path.startswith(start):
                child = k.path[len(start) :].split(".")[0]
                if child not in children:
                    children.append(child)
        assert list(model.model_fields) == children, prefix
        for name, field in model.model_fields.items():
            if f"{start}{name}" in {k.path for k in KEYS}:
                k = key(f"{start}{name}")
                assert field.is_required() == k.required, k.path
                if not k.required:
                    assert field.default == k.default, k.path


def test_every_property_of_the_json_schema_is_a_key_of_the_table():
    assert all_properties() == properties_reached([k.path for k in KEYS])


@pytest.mark.parametrize(
    "k", [k for k in KEYS if k.kind in (NUMBER, WHOLE, REAL)], ids=lambda k: k.path
)
def test_json_schema_states_the_table_limits(k):
    r = k.range or Range()
    assert limits(k.path) == (r.lo, r.hi, r.lo_open, r.hi_open)


def _concrete(pattern: str) -> str:
    ids = {"<id>": "r", "<region>": "r", "<actor>": "a", "<winner>": "b", "<type>": "t",
           "<years>": "1"}  # fmt: skip
    parts = pattern.split(".")
    if parts[0] in ("actors", "events"):
        ids["<id>"] = "a" if parts[0] == "actors" else "e"
    return ".".join(ids.get(p, p) for p in parts)


def _scenario_with(path: str, value: float) -> dict:
    data = minimal()
    data["events"] = {"e": {"hazard": 0.1}}
    data["regions"]["s"] = {"value": {"a": 1.0, "b": 1.0}}  # r may then be worth 0
    data["terms"]["s"] = "b"
    if path.startswith(("terms.", "war.outcomes.")):
        value = {"a": value}  # a share: the other actor gets the rest
        path = path.rpartition(".")[0]
    if path == "solver.qre_precision":
        data["solver"] = {"selection": "qre"}  # the precision goes with the quantal response
    if path.startswith("actors.a.types."):
        data["actors"]["a"]["types"] = {"u": {}}  # another type, which gets the rest
    if path == "observed.broke_before_years":
        data["observed"] = {"broke_after_years": 0.0}  # the window it closes
    if path == "observed.cases":
        data["observed"] = {"survival": {1: 0.5}}  # the table it counts
    if path.startswith("mechanisms."):  # a mechanism of a kind that takes the key
        name = path.rpartition(".")[2]
        kind = next(k for k, names in MECHANISM_KEYS.items() if name in names)
        mech = {"kind": kind, **({"side": "a"} if "side" in MECHANISM_KEYS[kind] else {})}
        if kind in ("guarantee", "restraint") and name != "cost":
            mech["cost"] = 1.0
        data["mechanisms"] = {"r": mech}
        if name == "reveal":
            data["actors"]["a"]["types"] = {"u": {}, "v": {"prior": 0.5}}
    return set_in(data, path, value)


def _accepts(path: str, value: float) -> bool:
    try:
        validate_data(_scenario_with(path, value))
    except ScenarioError:
        return False
    return True


@pytest.mark.parametrize(
    "k", [k for k in KEYS if k.kind in (NUMBER, WHOLE, REAL)], ids=lambda k: k.path
)
def test_stated_limits_are_enforced(k):
    """Every limit the table states is the limit loading enforces, open or closed."""
    path, r = _concrete(k.path), k.range or Range()
    whole = k.kind == WHOLE
    step = 1 if whole else 1e-9
    for end, is_open, outside in ((r.lo, r.lo_open, -step), (r.hi, r.hi_open, step)):
        if end is None:
            continue
        assert _accepts(path, end) != is_open, f"{path} at {end}"
        assert not _accepts(path, end + outside), f"{path} beyond {end}"
        inside = end - outside if not is_open else end - outside * 1e3
        assert _accepts(path, int(inside) if whole else inside), f"{path} inside {end}"
    if r.lo is None and r.hi is None:
        assert _accepts(path, -1e6) and _accepts(path, 1e6)
        assert not _accepts(path, math.inf)


def test_first_strike_may_favour_the_defence():
    assert validate_data(_scenario_with("war.first_strike", -0.5)).war.first_strike == -0.5
    assert key("war.first_strike").range == Range(-1.0, lo_open=True)


def test_group_limits_are_enforced():
    assert key("actors.<id>").range == Range(2, 2)
    assert key("regions.<id>").range == Range(1)
    most = key("events.<id>").range.hi
    data = minimal()
    data["events"] = {f"e{i}": {"hazard": 0.01} for i in range(int(most))}
    validate_data(data)
    data["events"]["one_more"] = {"hazard": 0.01}
    with pytest.raises(ScenarioError, match=f"at most {most:g} events"):
        validate_data(data)


def test_every_key_has_a_meaning_and_numbers_have_units_or_none():
    for k in KEYS:
        assert k.meaning and "\n" not in k.meaning, k.path
        assert k.path.count("<") == k.path.count(">"), k.path
        if k.kind in (GROUP, HOLDER, CHANGE):
            assert not k.changeable
        if k.changeable:
            assert k.kind in (NUMBER, CHANGE), k.path
        if k.label is not None:  # plotted: numbers, changes, and a sampled choice
            assert k.kind in (NUMBER, CHANGE) or k.sampled, k.path
        if k.kind == NUMBER:
            assert k.label is not None, f"{k.path} needs a plot label"
        if k.per_holder:
            assert k.kind == NUMBER


# the expectations of the plots' labels (tests/unit/plots), and the keys they did not handle
@pytest.mark.parametrize(
    "path,name",
    [
        ("actors.russia.rebuild_rate", "russia rebuild_rate"),
        ("regions.independence.value.russia", "independence value to russia"),
        ("regions.land_bridge.effects.power", "land_bridge power effect"),
        ("events.support_fades.hazard", "support_fades hazard"),
        (
            "events.support_fades.changes.actors.ukraine.ceiling",
            "ukraine ceiling after support_fades",
        ),
        ("war.outcomes.ukraine.crimea.ukraine", "crimea share to ukraine if ukraine wins"),
        ("war.first_strike", "war first_strike"),
        ("solver.selection", "selection rule"),  # a sampled rule in the tornado
        ("solver.method", "solver.method"),  # not plotted: the path as it is
        ("terms.crimea.russia", "terms: crimea share to russia"),
        ("actors.russia.label", "russia label"),
        ("war.outcomes", "war outcomes"),
        ("regions.r.effects.speed", "r speed effect"),
        ("regions.donbas.effects.ceiling.ukraine", "donbas ceiling effect for ukraine"),
        (
            "events.e.changes.regions.donbas.effects.growth.russia",
            "donbas growth effect for russia after e",
        ),
        ("events.e.changes", "events.e.changes"),
        ("regions.r.value", "regions.r.value"),
        ("horizon", "horizon"),
        ("", ""),
    ],
)
def test_readable_key(path, name):
    assert readable_key(path) == name


def test_every_number_the_model_reads_has_a_label():
    scn = load_scenario(FREEZE)
    for path in scn.numbers():
        assert readable_key(path) != path, path
