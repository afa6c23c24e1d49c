"""Tests for sim.games.rules: the registry of selection rules and each rule's decisions."""

from __future__ import annotations

import pytest

from sim.games import RULES, select_2x2
from sim.games.rules import (
    HOLD_HOLD,
    Resolve,
    Situation,
    check_rule,
    payoff_dominant,
    peaceful,
    risk_dominant,
    rule_named,
    selection_rule,
)
from sim.names import NASH_RULES, SELECTION_RULES

NONE = Situation(pure=(), completely_mixed=True)
ONE_ATTACK = Situation(pure=((1, 1),), completely_mixed=False)
STAG_LIKE = Situation(pure=((0, 0), (1, 1)), completely_mixed=True)
CHICKEN_LIKE = Situation(pure=((0, 1), (1, 0)), completely_mixed=True)
WEAK = Situation(pure=((0, 0), (1, 1)), completely_mixed=False)


def test_every_name_has_exactly_one_function():
    assert RULES == NASH_RULES and SELECTION_RULES == (*NASH_RULES, "qre")
    assert [rule_named(name).__name__ for name in RULES] == list(RULES)


def test_unknown_rules_are_refused():
    with pytest.raises(ValueError, match="unknown selection rule 'nice'; expected one of"):
        check_rule("nice")
    with pytest.raises(ValueError, match="unknown selection rule"):
        rule_named("logit")
    with pytest.raises(ValueError, match="not in sim.names.NASH_RULES"):
        selection_rule("logit")


def test_the_removed_mixed_rule_names_its_replacement():
    with pytest.raises(ValueError, match="'mixed' rule was removed.*use 'qre'"):
        check_rule("mixed")
    with pytest.raises(ValueError, match="use 'qre'"):
        select_2x2([[4, 0], [3, 3]], [[4, 3], [0, 3]], "mixed")


@pytest.mark.parametrize(
    "situation, want",
    [
        (NONE, {"peaceful": Resolve.FIRST_LISTED}),
        (ONE_ATTACK, {"peaceful": (1, 1)}),
        (STAG_LIKE, {"peaceful": HOLD_HOLD}),
        (CHICKEN_LIKE, {"peaceful": Resolve.RISK_DOMINANT}),
        (WEAK, {"peaceful": HOLD_HOLD}),
    ],
    ids=["no_pure", "one_pure", "stag_like", "chicken_like", "no_mixed"],
)
def test_decisions(situation, want):
    assert peaceful(situation) == want["peaceful"]
    base = risk_dominant(situation)
    if len(situation.pure) > 1:
        assert base is Resolve.RISK_DOMINANT
        assert payoff_dominant(situation) is Resolve.PAYOFF_DOMINANT
    else:
        assert payoff_dominant(situation) == base
        assert base == (situation.pure[0] if situation.pure else Resolve.FIRST_LISTED)


def test_rules_reach_the_hot_path_by_name():
    stag = ([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    picks = {rule: tuple(float(v) for v in select_2x2(*stag, rule)) for rule in RULES}
    assert picks == {
        "peaceful": (0.0, 0.0),
        "risk_dominant": (1.0, 1.0),
        "payoff_dominant": (0.0, 0.0),
    }
