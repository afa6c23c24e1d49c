"""Findings in words (sim.analysis.findings, sim.analysis.outcomes)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.findings import (
    Categories,
    box_sentence,
    key_unit,
    number_text,
    pct_text,
    range_text,
    restriction_text,
    unit_text,
)
from sim.analysis.outcomes import (
    default_outcome,
    outcome_choices,
    outcome_phrase,
    outcome_short,
    target_word,
)

COST = np.linspace(0.4, 100.0, 500)


@pytest.mark.parametrize(
    "v, text",
    [(5.913, "5.9"), (0.05617, "0.056"), (1453.2, "1500"), (-0.0987, "-0.099"), (0.0, "0")],
)
def test_numbers_to_two_figures(v, text):
    assert number_text(v) == text


def test_percentages_and_ranges():
    assert pct_text(0.746) == "75%" and pct_text(0.004) == "0.4%" and pct_text(0.0) == "0%"
    assert range_text(1.37e-05, 0.3) == "0 to 0.300"
    assert range_text(0.373, 101.2) == "0.373 to 101"


@pytest.mark.parametrize(
    "path, unit",
    [
        ("actors.russia.war_cost", "periods of the whole stake"),
        ("events.support_fades.hazard", "per period"),
        ("events.support_fades.changes.actors.ukraine.ceiling", "force, as capacity"),
        ("regions.land_bridge.effects.power.russia", "fraction, scaled by the share held"),
        ("war.decisiveness", ""),
        ("not.a.key", ""),
    ],
)
def test_units_come_from_the_key_table(path, unit):
    assert key_unit(path) == unit


def test_units_in_a_sentence_use_the_period():
    assert unit_text("per period", "quarter") == "per quarter"
    assert unit_text("periods of the whole stake", "quarter") == "quarters of the whole stake"
    assert unit_text("stake per period", "year") == "of the stake per year"
    assert unit_text("fraction of strength", "year") == "(fraction of strength)"
    assert unit_text("relative; each actor's values are normalised to sum to 1", "year") == ""


def test_restrictions_say_which_side_of_the_range():
    key = "actors.russia.war_cost"
    assert restriction_text(key, 5.913, 100.0, COST, "quarter") == (
        "russia war_cost exceeds 5.9 quarters of the whole stake"
    )
    assert restriction_text(key, 0.4, 8.13, COST, "quarter") == (
        "russia war_cost is below 8.1 quarters of the whole stake"
    )
    assert restriction_text(key, 2.0, 8.0, COST, "year") == (
        "russia war_cost is between 2.0 and 8.0 years of the whole stake"
    )
    # two ends that round alike get a third figure
    assert "between 5.91 and 5.94" in restriction_text(key, 5.913, 5.944, COST)
    two = np.array([0.5, 4.0] * 50)
    assert restriction_text("regions.independence.value.russia", 2.25, 4.0, two) == (
        "independence value to russia is 4"
    )


def test_a_box_as_one_sentence():
    text = box_sentence(
        {"actors.russia.war_cost": (5.913, 100.0), "war.decisiveness": (1.0, 2.2)},
        {"actors.russia.war_cost": COST, "war.decisiveness": np.linspace(1, 3, 50)},
        density=0.746,
        mass=0.513,
        coverage=0.639,
        phrase=outcome_phrase("holds_5y", "holds"),
        short=outcome_short("holds_5y", "holds"),
        period="quarter",
    )
    assert text == (
        "In 75% of the draws where russia war_cost exceeds 5.9 quarters of the whole stake "
        "and war decisiveness is below 2.2, the ceasefire still holds after 5 years; those "
        "draws are 51% of all (and 64% of those in which it holds)."
    )
    second = box_sentence(
        {"war.decisiveness": (1.0, 2.2)},
        {"war.decisiveness": np.linspace(1, 3, 50)},
        density=0.6, mass=0.2, coverage=0.3, phrase="the proposal is rejected",
        short="it is rejected", rank=2,
    )  # fmt: skip
    assert second.startswith("Outside the first box, in 60% of the draws where war decisiveness")


def test_a_true_type_reads_in_words_never_as_a_number():
    cat = Categories(
        "true type of Russia", (0.0, 1.0), ("maximalist aims", "limited aims"),
        ("Russia is of the maximalist aims type", "Russia is of the limited aims type"),
    )  # fmt: skip
    coded = np.array([0.0, 1.0, 1.0, 0.0])
    assert restriction_text("type.russia", 0.5, 1.0, coded, categories=cat) == (
        "Russia is of the limited aims type"
    )
    assert cat.kept_text(0.0, 0.5) == "maximalist aims" and cat.kept(0.0, 1.0) == [0, 1]
    text = box_sentence(
        {"type.russia": (1.0, 1.0), "war.decisiveness": (1.0, 2.2)},
        {"type.russia": coded, "war.decisiveness": np.linspace(1, 3, 50)},
        density=0.9, mass=0.3, coverage=0.4, phrase="the proposal is accepted",
        short="it is accepted", categories={"type.russia": cat},
    )  # fmt: skip
    assert text.startswith(
        "In 90% of the draws where Russia is of the limited aims type and war decisiveness "
        "is below 2.2, the proposal is accepted;"
    )


def test_outcomes_and_their_words():
    cols = ["p_holds_10y", "p_holds_1y", "p_holds_2y", "p_holds_5y", "p_holds_end", "accepted"]
    assert outcome_choices(cols) == [
        "holds_1y", "holds_2y", "holds_5y", "holds_10y", "holds_end", "accepted",
    ]  # fmt: skip
    assert default_outcome(cols) == "holds_5y"
    assert default_outcome(["p_holds_1y", "p_holds_2y", "p_holds_end"]) == "holds_2y"
    assert default_outcome(["draw"]) is None
    assert outcome_phrase("holds_1y", "holds") == "the ceasefire still holds after 1 year"
    assert outcome_phrase("holds_5y", "breaks") == (
        "the ceasefire does not last 5 years (rejected or broken)"
    )
    assert outcome_phrase("holds_end", "holds", {"horizon_periods": 80, "period": "quarter"}) == (
        "the ceasefire still holds at the end of the 20-year horizon"
    )
    assert outcome_phrase("accepted", "breaks") == "the proposal is rejected"
    assert (
        target_word("accepted", "breaks") == "rejected"
        and target_word("holds_5y", "holds") == "holds"
    )
    with pytest.raises(ValueError, match="holds, breaks"):
        outcome_phrase("holds_5y", "wins")
