"""Tests for sim.beliefs.grammar: the shorthand, the mapping form and parse()."""

from __future__ import annotations

import ast
import importlib
import inspect
import math
import pkgutil

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim.beliefs
from sim.beliefs import (
    MAX_LIST_LENGTH,
    MAX_TEXT_LENGTH,
    Beta,
    Choice,
    Distribution,
    DistributionError,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
    from_mapping,
    looks_like_distribution,
    parse,
    parse_shorthand,
)
from tests.unit.beliefs.helpers import (
    FAST,
    distributions,
    names_what_is_allowed,
)

# -------------------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("uniform(0.1, 0.3)", Uniform(0.1, 0.3)),
        ("uniform(0,1)", Uniform(0.0, 1.0)),
        ("  uniform ( 0 ,\t1 )\n", Uniform(0.0, 1.0)),
        ("uniform(low=0, high=1)", Uniform(0.0, 1.0)),
        ("uniform(0, high=1)", Uniform(0.0, 1.0)),
        ("triangular(1, 2.5e0, +3)", Triangular(1.0, 2.5, 3.0)),
        ("triangular(0,0,1)", Triangular(0.0, 0.0, 1.0)),
        ("normal(2, 0.5)", Normal(2.0, 0.5)),
        ("normal(0, 1, low=-1, high=2)", Normal(0.0, 1.0, low=-1.0, high=2.0)),
        ("normal(0,1,high=1)", Normal(0.0, 1.0, high=1.0)),
        ("normal( -3 , 2 , low = 0 )", Normal(-3.0, 2.0, low=0.0)),
        ("lognormal(-1, .5)", LogNormal(-1.0, 0.5)),
        ("beta(2,3)", Beta(2.0, 3.0)),
        ("beta(2, 3, low=10, high=20)", Beta(2.0, 3.0, low=10.0, high=20.0)),
        ("beta(2, 3, high=5)", Beta(2.0, 3.0, high=5.0)),
        ("beta(2, 3, low=0, high=1)", Beta(2.0, 3.0)),
        ("choice([1, 2, 3])", Choice((1.0, 2.0, 3.0))),
        ("choice([0.3,0.9],[2,1])", Choice((0.3, 0.9), (2.0, 1.0))),
        ("choice( [ -1 ] )", Choice((-1.0,))),
        ("choice(values=[1, 2], weights=[0, 1])", Choice((1.0, 2.0), (0.0, 1.0))),
        ("choice([1, 2], weights=[1, 1])", Choice((1.0, 2.0), (1.0, 1.0))),
    ],
)
def test_every_distribution_parses(text: str, expected: Distribution) -> None:
    got = parse_shorthand(text)
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize(
    ("number", "value"),
    [
        ("3", 3.0),
        ("-3", -3.0),
        ("+3", 3.0),
        ("0.25", 0.25),
        ("-0.25", -0.25),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e-3", 1e-3),
        ("1E3", 1000.0),
        ("-2.5e+2", -250.0),
        ("007", 7.0),
        ("1" + "0" * 30, 1e30),
    ],
)
def test_number_syntax(number: str, value: float) -> None:
    low = parse_shorthand(f"uniform({number}, 1e40)").low
    assert low == value
    assert isinstance(low, float)


def test_parsed_numbers_are_plain_floats() -> None:
    d = parse_shorthand("choice([1, 2], [3, 4])")
    assert all(type(v) is float for v in d.values + d.weights)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("unifrom(0, 1)", "unknown distribution 'unifrom' (did you mean 'uniform'?)"),
        ("Uniform(0, 1)", "names are lowercase"),
        ("gamma(1, 2)", "unknown distribution 'gamma'"),
        ("uniform", "expected '(' after 'uniform'"),
        ("uniform 0, 1)", "expected '(' after 'uniform'"),
        ("uniform(0, 1", "expected ',' or ')' at position 12, found end of text"),
        ("uniform(0, 1))", "unexpected ')' at position 13 after the closing ')'"),
        ("uniform(0, 1) x", "unexpected name 'x' at position 14 after the closing ')'"),
        ("uniform(0)", "uniform: missing high"),
        ("uniform()", "uniform: missing low, high"),
        ("uniform(0, 1, 2)", "uniform: takes 2 positional arguments (low, high), got 3"),
        ("triangular(0, 1)", "triangular: missing high"),
        ("choice([1], [1], [1])", "choice: takes at most 2 positional arguments"),
        ("uniform(3, 1)", "uniform: low (3) must be < high (1)"),
        ("uniform(1, 1)", "uniform: low (1) must be < high (1)"),
        ("triangular(0, 2, 1)", "triangular: mode (2) must lie in [low, high] = [0, 1]"),
        ("triangular(1, 1, 1)", "triangular: low (1) must be < high (1)"),
        ("normal(0, 0)", "normal: sd (0) must be > 0"),
        ("normal(0, -1)", "normal: sd (-1) must be > 0"),
        ("normal(0, 1, low=2, high=1)", "normal: low (2) must be < high (1)"),
        ("normal(0, 1, low=10)", "normal: the truncation interval [10, inf] holds only"),
        ("normal(0, 1, lo=1)", "normal: unknown keyword 'lo' at position 13"),
        ("uniform(0, 1, low=2)", "uniform: 'low' given both by position and by name"),
        ("uniform(low=0, low=1)", "uniform: 'low' given twice"),
        ("uniform(low=0, 1)", "positional argument at position 15 after a keyword argument"),
        ("lognormal(0, 0)", "lognormal: sigma (0) must be > 0"),
        ("beta(0, 1)", "beta: a (0) must be > 0"),
        ("beta(1, -2)", "beta: b (-2) must be > 0"),
        ("beta(1, 1, low=1, high=0)", "beta: low (1) must be < high (0)"),
        ("beta(1000, 562341)", "beta: b (562341) must be <= 10000"),
        ("choice([])", "choice: needs at least one value"),
        ("choice([1, 2], [1])", "choice: 2 values but 1 weights"),
        ("choice([1, 2], [-1, 2])", "choice: weights must be >= 0, got -1 at index 0"),
        ("choice([1, 2], [0, 0])", "choice: weights must sum to a positive finite total"),
        ("choice(1, 2)", "choice: values must be a [list] of numbers"),
        ("uniform([0], 1)", "uniform: low must be a number, not a list"),
        ("choice([[1]])", "nested list at position 8 is not allowed"),
        ("uniform(nan, 1)", "'nan' at position 8 is not allowed: numbers must be finite"),
        ("uniform(0, inf)", "'inf' at position 11 is not allowed: numbers must be finite"),
        ("uniform(-inf, 0)", "unexpected character '-' at position 8"),
        ("uniform(0, 1e999)", "number 1e999 at position 11 is out of range"),
        ("uniform(1_000, 2000)", "malformed number '1_'"),
        ("uniform(1.2.3, 4)", "malformed number"),
        ("uniform(0x10, 20)", "malformed number '0x'"),
        ("uniform(1e, 2)", "malformed number '1e'"),
        ("uniform(- 1, 2)", "a sign must be directly followed by digits"),
        ("uniform(0,, 1)", "expected a number or a [list] at position 10, found ','"),
        ("uniform(0, 1,)", "expected a number or a [list] at position 13, found ')'"),
        ("uniform(0 1)", "expected ',' or ')' at position 10, found number 1"),
        ("uniform(uniform(0, 1), 2)", "nested call uniform(...) at position 8 is not allowed"),
        ("uniform(a, 1)", "unexpected name 'a' at position 8"),
        ("uniform('0', 1)", 'unexpected character "\'" at position 8'),
        ("uniform(0, 1); import os", "unexpected character ';' at position 13"),
        ("__import__('os').system('x')", "unknown distribution '__import__'"),
        ("lambda: uniform(0, 1)", "unknown distribution 'lambda'"),
        ("(lambda: 0)()", "expected a distribution name at position 0, found '('"),
        ("uniform(*[0, 1])", "unexpected character '*' at position 8"),
        ("uniform(0, 1).__class__", "unexpected character '.' at position 13"),
        ("uniform(0, ½)", "unexpected character '½' at position 11"),
        ("uniform(0, ١)", "unexpected character '١' at position 11"),
        ("", "empty text"),
        ("   ", "empty text"),
        ("0.5", "found number 0.5 (a plain number needs no quotes)"),
        ("x" * (MAX_TEXT_LENGTH + 1), "too long (1001 characters; at most 1000 allowed)"),
        ("normal(0, 1e308)", "normal: parameters too extreme"),
        ("lognormal(0, 200)", "lognormal: parameters too extreme"),
        ("uniform(-1e308, 1e308)", "uniform: parameters too extreme"),
        ("choice([1, 2], [1e308, 1e308])", "weights must sum to a positive finite total, got inf"),
    ],
)
def test_malformed_input_raises_helpful_error(text: str, fragment: str) -> None:
    with pytest.raises(DistributionError) as info:
        parse_shorthand(text)
    message = str(info.value)
    assert fragment in message
    assert names_what_is_allowed(message), message


def test_distribution_error_is_a_value_error_with_position() -> None:
    with pytest.raises(ValueError) as info:
        parse_shorthand("uniform(0, 1) ; x")
    assert isinstance(info.value, DistributionError)
    assert info.value.position == 14
    with pytest.raises(DistributionError) as info:
        parse_shorthand("uniform(3, 1)")
    assert info.value.position is None


def test_long_lists_are_rejected() -> None:
    text = "choice([" + ",".join(["1"] * 495) + "])"
    assert len(text) <= MAX_TEXT_LENGTH  # the text limit binds before the list limit here
    assert len(parse_shorthand(text).values) == 495
    with pytest.raises(DistributionError, match="at most 1000"):
        Choice(tuple(range(MAX_LIST_LENGTH + 1)))
    with pytest.raises(DistributionError, match="at most 1000"):
        from_mapping({"dist": "choice", "values": list(range(MAX_LIST_LENGTH + 1))})
    assert len(Choice(tuple(range(MAX_LIST_LENGTH))).values) == MAX_LIST_LENGTH


def test_non_text_is_rejected() -> None:
    for value in (None, 1.0, b"uniform(0, 1)", ["uniform(0, 1)"]):
        with pytest.raises(DistributionError, match="must be given as text"):
            parse_shorthand(value)  # type: ignore[arg-type]


def test_parsing_never_runs_code(tmp_path) -> None:
    target = tmp_path / "pwned"
    attacks = [
        f"__import__('os').system('touch {target}')",
        f"uniform(0, 1); __import__('os').system('touch {target}')",
        f"uniform(0, __import__('os').system('touch {target}'))",
        f"choice([open('{target}', 'w')])",
    ]
    for text in attacks:
        with pytest.raises(DistributionError):
            parse_shorthand(text)
        with pytest.raises(DistributionError):
            parse(text)
    assert not target.exists()


BELIEF_MODULES = [
    importlib.import_module(f"sim.beliefs.{m.name}")
    for m in pkgutil.iter_modules(sim.beliefs.__path__)
]


@pytest.mark.parametrize("module", BELIEF_MODULES, ids=lambda m: m.__name__)
def test_module_never_calls_eval(module) -> None:
    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                assert func.id not in {"eval", "exec", "compile", "__import__"}, node.lineno
            elif isinstance(func, ast.Attribute):
                assert func.attr not in {"eval", "exec", "literal_eval"}, node.lineno


@FAST
@given(distributions())
def test_round_trip_shorthand_and_mapping(d: Distribution) -> None:
    text = d.to_shorthand()
    assert parse_shorthand(text) == d
    assert parse(text) == d
    assert from_mapping(d.to_dict()) == d
    assert parse(d.to_dict()) == d
    assert str(d) == text
    assert hash(parse_shorthand(text)) == hash(d)


@FAST
@given(st.text(max_size=120))
def test_arbitrary_text_only_raises_distribution_error(text: str) -> None:
    try:
        result = parse_shorthand(text)
    except DistributionError as err:
        assert names_what_is_allowed(str(err))
    else:
        assert isinstance(result, Distribution)


grammar_soup = st.lists(
    st.sampled_from(
        list("()[],=.+-eE_ 0123456789'; ")
        + ["uniform", "triangular", "normal", "lognormal", "beta", "choice", "low", "high"]
        + ["mu", "sd", "sigma", "mode", "a", "b", "values", "weights", "nan", "inf", "1e308"]
    ),
    max_size=40,
).map("".join)


@FAST
@given(grammar_soup)
def test_grammar_soup_only_raises_distribution_error(text: str) -> None:
    try:
        result = parse(text)
    except DistributionError as err:
        assert names_what_is_allowed(str(err)) or "must be" in str(err)
    else:
        assert isinstance(result, (float, Distribution))


@FAST
@given(
    st.dictionaries(
        st.sampled_from(["dist", "low", "high", "mode", "mu", "sd", "sigma", "a", "b", "values"])
        | st.text(max_size=5),
        st.sampled_from(["uniform", "normal", "choice", "beta", "x"])
        | st.floats()
        | st.integers()
        | st.booleans()
        | st.none()
        | st.lists(st.floats(), max_size=3)
        | st.text(max_size=5),
        max_size=5,
    )
)
def test_arbitrary_mappings_only_raise_distribution_error(d: dict) -> None:
    try:
        result = from_mapping(d)
    except DistributionError:
        pass
    else:
        assert isinstance(result, Distribution)


# ---------------------------------------------------------- mapping form and parse()


def test_from_mapping() -> None:
    assert from_mapping({"dist": "uniform", "low": 0.1, "high": 0.3}) == Uniform(0.1, 0.3)
    assert from_mapping({"dist": "normal", "mu": 0, "sd": 1, "low": 0}) == Normal(0, 1, low=0)
    assert from_mapping({"dist": "choice", "values": [1, 2]}) == Choice((1, 2))
    assert from_mapping({"dist": "beta", "a": 2, "b": 2, "high": 9}) == Beta(2, 2, high=9)
    # PyYAML reads 1e-3 as a string; a string holding exactly one number is accepted
    assert from_mapping({"dist": "uniform", "low": "1e-3", "high": 1}) == Uniform(1e-3, 1)
    assert from_mapping({"dist": "uniform", "low": np.float32(0.5), "high": np.int64(2)}).high == 2


@pytest.mark.parametrize(
    ("mapping", "fragment"),
    [
        ({"low": 0, "high": 1}, "needs a 'dist' key"),
        ({"dist": "unifrom", "low": 0, "high": 1}, "unknown distribution 'unifrom'"),
        ({"dist": 3}, "dist must be a name, got int; allowed dist: uniform, triangular"),
        ({"dist": "uniform", "lo": 0, "high": 1}, "unknown key 'lo' (did you mean 'low'?)"),
        ({"dist": "uniform", "low": 0, "high": 1, "sd": 1}, "allowed keys: dist, low, high"),
        ({"dist": "normal", "mu": 0}, "normal: missing sd; required keys: dist, mu, sd"),
        ({"dist": "uniform", "low": True, "high": 2}, "uniform: low must be a number"),
        ({"dist": "uniform", "low": float("nan"), "high": 2}, "uniform: low must be finite"),
        ({"dist": "uniform", "low": 0, "high": float("inf")}, "uniform: high must be finite"),
        ({"dist": "uniform", "low": 0, "high": 10**400}, "this integer is too large"),
        ({"dist": "uniform", "low": "nan", "high": 1}, "must be a number, got the text 'nan'"),
        ({"dist": "uniform", "low": "0.1; x", "high": 1}, "must be a number, got the text"),
        ({"dist": "uniform", "low": None, "high": 1}, "must be a number, got NoneType"),
        ({"dist": "uniform", "low": 3, "high": 1}, "uniform: low (3) must be < high (1)"),
        ({"dist": "choice", "values": 1}, "choice: values must be a list of numbers"),
        ({"dist": "choice", "values": "12"}, "choice: values must be a list of numbers"),
        ({"dist": "choice", "values": [1, True]}, "choice: values[1] must be a number"),
        ({"dist": "choice", "values": [1, 2], "weights": [1]}, "2 values but 1 weights"),
    ],
)
def test_from_mapping_errors(mapping: dict, fragment: str) -> None:
    with pytest.raises(DistributionError) as info:
        from_mapping(mapping)
    assert fragment in str(info.value)
    assert (
        "allowed" in str(info.value)
        or "usage" in str(info.value)
        or "required" in str(info.value)
        or "must be" in str(info.value)
    )


def test_parse() -> None:
    assert parse(3) == 3.0 and type(parse(3)) is float
    assert parse(0.25) == 0.25
    assert parse(np.float64(2.5)) == 2.5
    assert parse(np.int32(4)) == 4.0
    assert parse("1e-3") == 1e-3  # YAML 1.1 loads this as a string
    assert parse(" -2 ") == -2.0
    assert parse("uniform(0, 1)") == Uniform(0, 1)
    assert parse({"dist": "uniform", "low": 0, "high": 1}) == Uniform(0, 1)
    d = Triangular(0, 1, 2)
    assert parse(d) is d


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        np.bool_(True),
        None,
        [0, 1],
        (0, 1),
        float("nan"),
        float("inf"),
        -math.inf,
        "nan",
        "inf",
        "abc",
        b"1",
        object(),
        10**400,
    ],
)
def test_parse_rejects(value: object) -> None:
    with pytest.raises(DistributionError):
        parse(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("uniform(0, 1)", True),
        ("unifrom(0, 1", True),
        ("  normal (", True),
        ("__import__('os')", True),
        ("0.5", False),
        ("uniform", False),
        ("(1, 2)", False),
        ("", False),
        ("[1, 2]", False),
        ("1e-3", False),
    ],
)
def test_looks_like_distribution(text: str, expected: bool) -> None:
    assert looks_like_distribution(text) is expected


def test_looks_like_distribution_non_text() -> None:
    assert looks_like_distribution(None) is False  # type: ignore[arg-type]
    assert looks_like_distribution(1.0) is False  # type: ignore[arg-type]
