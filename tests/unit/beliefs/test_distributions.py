"""Tests for sim.distributions: shorthand grammar, distributions, samplers."""

from __future__ import annotations

import ast
import inspect
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats import qmc

from sim.beliefs import distributions as dmod
from sim.beliefs.distributions import (
    ALLOWED_FORMS,
    MAX_LIST_LENGTH,
    MAX_TEXT_LENGTH,
    METHODS,
    STREAM_EVENTS,
    STREAM_PARAMS,
    STREAM_SOBOL,
    U_CLIP,
    Beta,
    Choice,
    Distribution,
    DistributionError,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
    block_generator,
    from_mapping,
    looks_like_distribution,
    parse,
    parse_shorthand,
    uniform_points,
)

FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
USAGES = {
    "uniform": "uniform(low, high)",
    "triangular": "triangular(low, mode, high)",
    "normal": "normal(mu, sd[, low=, high=])",
    "lognormal": "lognormal(mu, sigma)",
    "beta": "beta(a, b[, low=, high=])",
    "choice": "choice([values], [weights])",
}
U_GRID = np.array([0.0, 1e-9, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-9, 1.0])


def names_what_is_allowed(message: str) -> bool:
    """An error message must name what is allowed: the full list or the one usage."""
    return ALLOWED_FORMS in message or any(f"usage: {u}" in message for u in USAGES.values())


# ----------------------------------------------------------------------- strategies

finite = st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)
positive = st.floats(1e-3, 1e3)
beta_shape = st.floats(1e-8, 1e4) | st.floats(0.1, 10)


@st.composite
def distributions(draw: st.DrawFn) -> Distribution:
    kind = draw(st.sampled_from(sorted(USAGES)))
    try:
        if kind == "uniform":
            lo, hi = sorted(draw(st.lists(finite, min_size=2, max_size=2, unique=True)))
            return Uniform(lo, hi)
        if kind == "triangular":
            lo, mode, hi = sorted(draw(st.lists(finite, min_size=3, max_size=3)))
            assume(lo < hi)
            return Triangular(lo, mode, hi)
        if kind == "normal":
            mu, sd = draw(st.floats(-100, 100)), draw(positive)
            bounds = draw(st.sampled_from(["none", "low", "high", "both"]))
            low = mu - draw(st.floats(-1, 5)) * sd if bounds in ("low", "both") else None
            high = mu + draw(st.floats(-1, 5)) * sd if bounds in ("high", "both") else None
            return Normal(mu, sd, low=low, high=high)
        if kind == "lognormal":
            return LogNormal(draw(st.floats(-10, 10)), draw(st.floats(1e-3, 5)))
        if kind == "beta":
            a, b = draw(beta_shape), draw(beta_shape)
            if draw(st.booleans()):
                lo, hi = sorted(draw(st.lists(finite, min_size=2, max_size=2, unique=True)))
                return Beta(a, b, low=lo, high=hi)
            return Beta(a, b)
        values = draw(st.lists(finite, min_size=1, max_size=8))
        if draw(st.booleans()):
            weights = draw(st.lists(st.floats(0, 10), min_size=len(values), max_size=len(values)))
            assume(sum(weights) > 0)
            return Choice(values, weights)
        return Choice(values)
    except DistributionError:
        assume(False)
        raise  # unreachable


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


def test_module_never_calls_eval() -> None:
    tree = ast.parse(inspect.getsource(dmod))
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


def test_canonical_text() -> None:
    assert Uniform(0, 1).to_shorthand() == "uniform(0, 1)"
    assert Normal(0, 1, high=2.5).to_shorthand() == "normal(0, 1, high=2.5)"
    assert Beta(2, 3, low=1e-20).to_shorthand() == "beta(2, 3, low=1e-20)"
    assert Beta(2, 3).to_dict() == {"dist": "beta", "a": 2.0, "b": 3.0}
    assert Choice([1, 2]).to_shorthand() == "choice([1, 2])"
    assert Choice([1, 2], [1, 3]).to_dict() == {
        "dist": "choice",
        "values": [1.0, 2.0],
        "weights": [1.0, 3.0],
    }


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


def test_direct_construction_validates() -> None:
    with pytest.raises(DistributionError, match="low .* must be < high"):
        Uniform(1, 0)
    with pytest.raises(DistributionError, match="boolean"):
        Uniform(False, 1)
    with pytest.raises(DistributionError, match="must be finite"):
        Normal(0, math.inf)
    with pytest.raises(AttributeError):
        Uniform(0, 1).low = 3  # type: ignore[misc]


# ------------------------------------------------------------------------------- ppf

SCIPY_CASES = [
    (Uniform(-1, 3), stats.uniform(loc=-1, scale=4)),
    (Triangular(0, 0.3, 2), stats.triang(0.15, loc=0, scale=2)),
    (Triangular(0, 0, 1), stats.triang(0.0, loc=0, scale=1)),
    (Triangular(0, 1, 1), stats.triang(1.0, loc=0, scale=1)),
    (Normal(2, 0.5), stats.norm(2, 0.5)),
    (Normal(2, 0.5, low=1.5, high=3), stats.truncnorm(-1, 2, loc=2, scale=0.5)),
    (Normal(0, 1, low=0), stats.truncnorm(0, np.inf, loc=0, scale=1)),
    (Normal(0, 1, high=-1), stats.truncnorm(-np.inf, -1, loc=0, scale=1)),
    (Normal(0, 1, low=4), stats.truncnorm(4, np.inf, loc=0, scale=1)),
    (LogNormal(-1, 0.5), stats.lognorm(s=0.5, scale=math.exp(-1))),
    (Beta(2, 3), stats.beta(2, 3)),
    (Beta(0.5, 0.5, low=10, high=20), stats.beta(0.5, 0.5, loc=10, scale=10)),
]


@pytest.mark.parametrize(("dist", "ref"), SCIPY_CASES, ids=lambda x: str(x)[:40])
def test_ppf_matches_scipy(dist: Distribution, ref) -> None:
    u = U_GRID[1:-1]
    np.testing.assert_allclose(dist.ppf(u), ref.ppf(u), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dist.mean(), ref.mean(), rtol=1e-9)
    lo, hi = dist.bounds()
    ref_lo, ref_hi = ref.support()
    assert (lo, hi) == (ref_lo, ref_hi)


def test_choice_ppf_matches_scipy() -> None:
    d = Choice([3.0, 0.5, 1.5], [0.5, 0.2, 0.3])
    ref = stats.rv_discrete(values=([0.5, 1.5, 3.0], [0.2, 0.3, 0.5]))
    u = np.array([0.01, 0.1, 0.19, 0.21, 0.4, 0.49, 0.51, 0.9, 0.999])
    np.testing.assert_array_equal(d.ppf(u), ref.ppf(u))
    assert d.mean() == pytest.approx(ref.mean())
    assert d.bounds() == (0.5, 3.0)


def test_ppf_at_boundaries() -> None:
    assert Uniform(1, 2).ppf(np.array([0.0, 1.0])).tolist() == [1.0, 2.0]
    assert Beta(2, 2, low=1, high=2).ppf(np.array([0.0, 1.0])).tolist() == [1.0, 2.0]
    assert Normal(0, 1, low=-1, high=1).ppf(np.array([0.0, 1.0])).tolist() == [-1.0, 1.0]
    z = stats.norm.ppf(1 - U_CLIP)
    np.testing.assert_allclose(Normal(0, 1).ppf(np.array([0.0, 1.0])), [-z, z], rtol=1e-6)
    np.testing.assert_allclose(Normal(0, 1, low=0).ppf(np.array([0.0])), [0.0])


@FAST
@given(distributions(), st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_ppf_monotone_finite_and_inside_bounds(d: Distribution, us: list[float]) -> None:
    u = np.sort(np.concatenate([np.asarray(us), U_GRID]))
    x = d.ppf(u)
    assert x.dtype == np.float64 and x.shape == u.shape
    assert np.all(np.isfinite(x))
    assert np.all(x[1:] >= x[:-1])
    lo, hi = d.bounds()
    assert np.all((x >= lo) & (x <= hi))
    assert math.isfinite(d.mean())


@pytest.mark.parametrize(
    "dist",
    [
        Beta(2, 4),  # scipy's betaincinv gives nan at u = 1e-300
        Beta(0.019, 6.6),  # betaincinv underflow is not monotone
        Beta(2.2250738585e-313, 1.1e-308),
        Beta(1e4, 1e4),
        Normal(
            4.936378801564253e16,
            4.936378801564245e16,
            low=4.793373099328027e16,
            high=4.627553475744887e17,
        ),  # scipy's truncnorm.ppf gives nan at 1 - 1e-16
        Normal(9876822514186252.0, 2751594917664238.0, low=-1.0),  # loc + scale * a cancels
        Normal(0, 5.6e-216, low=0, high=1),  # standardised high overflows
        Triangular(-1.3407807929942597e154, 0, 0),  # u * width * (mode - low) overflows
        Choice([6.7e305, -1.79e308], [1, 1]),
    ],
    ids=str,
)
def test_ppf_edge_cases_found_by_fuzzing(dist: Distribution) -> None:
    rng = np.random.default_rng(0)
    u = np.sort(
        np.concatenate(
            [
                U_GRID,
                [1e-300, 1e-16, 1 - 1e-16],
                rng.random(2000),
                10 ** -rng.uniform(0, 15, 200),
                1 - 10 ** -rng.uniform(0, 15, 200),
            ]
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = dist.ppf(u)
    lo, hi = dist.bounds()
    assert np.all(np.isfinite(x)) and np.all(x[1:] >= x[:-1])
    assert np.all((x >= lo) & (x <= hi))
    assert lo <= dist.mean() <= hi


def test_ppf_keeps_shape_and_rejects_bad_u() -> None:
    d = Normal(0, 1)
    assert d.ppf(np.full((3, 4), 0.5)).shape == (3, 4)
    assert d.ppf(0.5).shape == ()
    for bad in ([-0.1], [1.1], [np.nan]):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            d.ppf(np.array(bad))


def test_truncated_normal_stays_inside() -> None:
    rng = np.random.default_rng(0)
    u = np.concatenate([rng.random(10_000), U_GRID])
    for d in (Normal(0, 1, low=-0.5, high=0.5), Normal(0, 1, low=4.5), Normal(5, 2, high=-3)):
        x = d.ppf(u)
        lo, hi = d.bounds()
        assert np.all((x >= lo) & (x <= hi)) and np.all(np.isfinite(x))


def test_truncation_mass_threshold() -> None:
    Normal(0, 1, low=4.7)  # ~1.3e-6 of the mass: allowed
    with pytest.raises(DistributionError, match="holds only"):
        Normal(0, 1, low=4.8)
    with pytest.raises(DistributionError, match="holds only"):
        Normal(0, 1, low=0.1, high=0.1 + 1e-7)


@pytest.mark.parametrize(
    ("values", "weights"),
    [
        ([1, 2, 3], None),
        ([1, 2, 3], [1, 2, 7]),
        ([5, 1, 9, 2], [0, 0.5, 0.25, 0.25]),
        ([1, 2, 3], [1, 1, 0]),
        ([0.3, 0.3, 0.9], [1, 1, 2]),
    ],
)
def test_choice_frequencies_match_weights(values: list, weights: list | None) -> None:
    d = Choice(values, weights)
    n = 100_000
    x = d.ppf((np.arange(n) + 0.5) / n)
    w = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=float)
    p = w / w.sum()
    for v in set(values):
        expected = p[np.asarray(values) == v].sum()
        assert abs(np.mean(x == v) - expected) <= 2 / n
    x = d.ppf(np.random.default_rng(1).random(n))
    for v in set(values):
        expected = p[np.asarray(values) == v].sum()
        assert abs(np.mean(x == v) - expected) < 0.01


def test_choice_never_returns_zero_weight_values() -> None:
    d = Choice([1, 2, 3], [1, 1, 0])
    assert d.ppf(np.array([0.0, 0.4999, 0.5, 0.9999, 1.0])).tolist() == [1, 1, 2, 2, 2]
    assert d.bounds() == (1.0, 2.0)
    d = Choice([9, 1], [0, 1])
    assert d.ppf(np.array([0.0, 1.0])).tolist() == [1, 1]


def test_means() -> None:
    assert Uniform(0, 2).mean() == 1
    assert Triangular(0, 1, 2).mean() == pytest.approx(1)
    assert LogNormal(0, 1).mean() == pytest.approx(math.exp(0.5))
    assert Beta(2, 2, low=10, high=20).mean() == pytest.approx(15)
    assert Choice([0, 10], [3, 1]).mean() == pytest.approx(2.5)
    assert Normal(1, 2).mean() == 1


# -------------------------------------------------------------------------- samplers


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n_dims", [0, 1, 5])
def test_sampler_shape_and_range(method: str, n_dims: int) -> None:
    u = uniform_points(method, n_dims, 3, 203, seed=1, total=300, block_size=64)
    assert u.shape == (200, n_dims) and u.dtype == np.float64
    assert np.all((u > 0) & (u < 1))
    assert uniform_points(method, n_dims, 5, 5, seed=1, total=10).shape == (0, n_dims)


def chunked(method: str, cuts: list[int], total: int, n_dims: int, seed: int, bs: int) -> bytes:
    edges = [0, *sorted(set(cuts)), total]
    parts = [
        uniform_points(method, n_dims, a, b, seed=seed, total=total, block_size=bs)
        for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]
    return np.concatenate(parts).tobytes()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", range(6))
def test_chunk_invariance(method: str, case: int) -> None:
    rng = np.random.default_rng(case)
    total, bs = int(rng.integers(1, 700)), int(rng.choice([16, 50, 64, 1000]))
    whole = uniform_points(method, 3, 0, total, seed=11, total=total, block_size=bs).tobytes()
    cuts = rng.integers(0, total + 1, size=int(rng.integers(0, 12))).tolist()
    assert chunked(method, cuts, total, 3, 11, bs) == whole
    assert chunked(method, list(range(total)), total, 3, 11, bs) == whole  # one draw at a time


@FAST
@given(
    method=st.sampled_from(METHODS),
    total=st.integers(1, 400),
    bs=st.integers(1, 100),
    cuts=st.lists(st.integers(0, 400), max_size=10),
    seed=st.integers(0, 2**64),
)
def test_chunk_invariance_property(method: str, total: int, bs: int, cuts: list, seed: int) -> None:
    cuts = [c for c in cuts if c <= total]
    whole = uniform_points(method, 2, 0, total, seed=seed, total=total, block_size=bs).tobytes()
    assert chunked(method, cuts, total, 2, seed, bs) == whole


def strata(u: np.ndarray, m: int) -> np.ndarray:
    edges = np.arange(m + 1) / m
    return np.searchsorted(edges, u, side="right") - 1


def test_lhs_is_exact_latin_hypercube_within_a_block() -> None:
    m = 500
    u = uniform_points("lhs", 4, 0, m, seed=3, total=m, block_size=1024)
    for j in range(4):
        assert sorted(strata(u[:, j], m)) == list(range(m))
        assert sorted(np.floor(u[:, j] * m).astype(int)) == list(range(m))


def test_lhs_is_a_union_of_latin_hypercubes() -> None:
    total, bs = 1000, 128  # 7 full blocks and a last block of 104
    u = uniform_points("lhs", 3, 0, total, seed=5, total=total, block_size=bs)
    for b0 in range(0, total, bs):
        block = u[b0 : b0 + bs]
        m = len(block)
        for j in range(3):
            assert sorted(strata(block[:, j], m)) == list(range(m))


def test_sobol_equals_scipy_sequence() -> None:
    seed, n = 42, 256
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM_SOBOL,)))
    try:
        engine = qmc.Sobol(4, scramble=True, rng=rng)
    except TypeError:  # scipy < 1.15
        engine = qmc.Sobol(4, scramble=True, seed=rng)
    ref = engine.random(n)
    ours = uniform_points("sobol", 4, 0, n, seed=seed, total=n)
    np.testing.assert_array_equal(ours, np.clip(ref, U_CLIP, 1 - U_CLIP))
    part = uniform_points("sobol", 4, 100, 200, seed=seed, total=n)
    np.testing.assert_array_equal(part, ours[100:200])


def test_sobol_does_not_warn_for_other_sizes() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        uniform_points("sobol", 2, 3, 100, seed=0, total=100)


def test_sobol_balance_for_powers_of_two() -> None:
    n = 1024
    u = uniform_points("sobol", 2, 0, n, seed=9, total=n)
    for j in range(2):  # a (t, m, s)-net: every 1/n interval of each axis holds one point
        assert sorted(np.floor(u[:, j] * n).astype(int)) == list(range(n))


@pytest.mark.parametrize("method", METHODS)
def test_seeds(method: str) -> None:
    a = uniform_points(method, 3, 0, 100, seed=1, total=100, block_size=32)
    b = uniform_points(method, 3, 0, 100, seed=1, total=100, block_size=32)
    c = uniform_points(method, 3, 0, 100, seed=2, total=100, block_size=32)
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a, c)
    assert np.unique(a).size == a.size  # no repeated values: streams do not overlap


def test_methods_and_blocks_differ() -> None:
    r = uniform_points("random", 2, 0, 64, seed=0, total=64, block_size=32)
    h = uniform_points("lhs", 2, 0, 64, seed=0, total=64, block_size=32)
    s = uniform_points("sobol", 2, 0, 64, seed=0, total=64, block_size=32)
    assert not np.array_equal(r, h) and not np.array_equal(r, s)
    assert not np.array_equal(r[:32], r[32:])


def test_random_draws_do_not_depend_on_total_or_later_columns() -> None:
    a = uniform_points("random", 2, 0, 100, seed=4, total=100, block_size=64)
    b = uniform_points("random", 5, 0, 300, seed=4, total=300, block_size=64)
    np.testing.assert_array_equal(a, b[:100, :2])
    c = uniform_points("lhs", 2, 0, 100, seed=4, total=100, block_size=64)
    d = uniform_points("lhs", 5, 0, 100, seed=4, total=100, block_size=64)
    np.testing.assert_array_equal(c, d[:, :2])


def test_block_generator() -> None:
    g = block_generator(7, STREAM_EVENTS, 3)
    ref = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(STREAM_EVENTS, 3)))
    np.testing.assert_array_equal(g.random(5), ref.random(5))
    draws = {
        (s, b): block_generator(7, s, b).random()
        for s in (STREAM_PARAMS, STREAM_EVENTS, 2)
        for b in (0, 1)
    }
    assert len(set(draws.values())) == len(draws)
    u = uniform_points("random", 1, 0, 8, seed=7, total=8, block_size=8)
    np.testing.assert_array_equal(u[:, 0], block_generator(7, STREAM_PARAMS, 0).random(8))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"method": "latin"}, "allowed: random, lhs, sobol"),
        ({"n_dims": -1}, "n_dims must be >= 0"),
        ({"start": 5, "stop": 4}, "0 <= start <= stop <= total"),
        ({"stop": 11}, "0 <= start <= stop <= total"),
        ({"start": -1}, "start must be >= 0"),
        ({"seed": -1}, "seed must be >= 0"),
        ({"seed": None}, "seed must be an integer"),
        ({"seed": True}, "seed must be an integer"),
        ({"n_dims": 2.0}, "n_dims must be an integer"),
        ({"block_size": 0}, "block_size must be >= 1"),
        ({"method": "sobol", "total": 2**30 + 1, "stop": 1}, "at most 2**30"),
    ],
)
def test_sampler_validation(kwargs: dict, fragment: str) -> None:
    args = {"method": "lhs", "n_dims": 2, "start": 0, "stop": 10, "seed": 0, "total": 10}
    args.update(kwargs)
    with pytest.raises(ValueError) as info:
        uniform_points(**args)
    assert fragment in str(info.value)


def test_ppf_maps_sampler_points() -> None:
    """The intended use: points through each column's ppf give the distribution."""
    dists = [Uniform(0.1, 0.3), Normal(2, 0.5, low=1), Choice([0.2, 0.8], [3, 1])]
    n = 4096
    u = uniform_points("sobol", len(dists), 0, n, seed=0, total=n)
    x = np.column_stack([d.ppf(u[:, j]) for j, d in enumerate(dists)])
    assert np.all(np.isfinite(x))
    for j, d in enumerate(dists):
        assert x[:, j].mean() == pytest.approx(d.mean(), rel=2e-3)
