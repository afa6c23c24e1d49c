"""A belief about a name: ``choice([peaceful, qre], [3, 1])`` (sim.beliefs.categorical)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.beliefs import Categorical, DistributionError, parse_categorical


@pytest.mark.parametrize(
    "written, values, weights",
    [
        ("choice([peaceful, qre])", ("peaceful", "qre"), None),
        ("choice([peaceful, qre], [3, 1])", ("peaceful", "qre"), (3.0, 1.0)),
        (" choice ( [ a ,b ] , [ 0.5 , 1e-1 ] ) ", ("a", "b"), (0.5, 0.1)),
        ("choice(values=[a, b], weights=[1, 0])", ("a", "b"), (1.0, 0.0)),
        ("choice(weights=[1, 2], values=[a, b])", ("a", "b"), (1.0, 2.0)),
        ({"dist": "choice", "values": ["a", "b"]}, ("a", "b"), None),
        ({"dist": "choice", "values": ["a", "b"], "weights": [2, "1e-3"]}, ("a", "b"), (2, 1e-3)),
    ],
)
def test_the_written_forms_and_their_round_trip(written, values, weights):
    c = parse_categorical(written)
    assert c == Categorical(values, weights)
    assert parse_categorical(c.to_shorthand()) == c
    assert parse_categorical(c.to_dict()) == c
    assert str(c) == c.to_shorthand()


@pytest.mark.parametrize(
    "written, message",
    [
        ("choice(peaceful, qre)", r"outside a list: write the names as a \[list\]"),
        ("choice([a, a])", "a given more than once"),
        ("choice([a, b], [1])", "2 names but 1 weights"),
        ("choice([a, b], [1, -1])", "weights must be >= 0"),
        ("choice([a, b], [0, 0])", "positive finite total"),
        ("choice([1, 2])", "expected a name in the list"),
        ("choice([])", "expected a name in the list"),
        ("choice()", "missing the"),
        ("choice([a], [1], [2])", "a list of names and a list of weights"),
        ("choice([a]) extra", "after the closing"),
        ("uniform([a])", r"expected choice\(\.\.\.\)"),
        ("choice([a], values=[b])", "'values' given twice"),
        ("choice([__import__])", None),  # a name like any other: never evaluated
        ({"dist": "uniform", "values": ["a"]}, "dist: choice"),
        ({"dist": "choice", "values": ["a"], "p": [1]}, "unknown key 'p'"),
        ({"dist": "choice"}, "missing values"),
        (3, "expected choice"),
        ("x" * 2000, "too long"),
    ],
)
def test_what_is_refused_says_why(written, message):
    if message is None:
        assert parse_categorical(written).values == ("__import__",)
        return
    with pytest.raises(DistributionError, match=message):
        parse_categorical(written)


def test_pick_inverts_the_cumulative_weights_in_the_order_written():
    c = Categorical(("qre", "peaceful", "never"), (1.0, 3.0, 0.0))
    u = np.array([0.0, 0.2499, 0.25, 0.9999, 1.0])
    assert c.pick(u).tolist() == [0, 0, 1, 1, 1]  # weight 0 is never picked, even at u = 1
    assert c.shares() == {"qre": 0.25, "peaceful": 0.75, "never": 0.0}
    rng = np.random.default_rng(1)
    share = np.bincount(c.pick(rng.random(40_000)), minlength=3) / 40_000
    assert share == pytest.approx([0.25, 0.75, 0.0], abs=0.01)
    with pytest.raises(ValueError, match="u must lie in"):
        c.pick(np.array([1.5]))
