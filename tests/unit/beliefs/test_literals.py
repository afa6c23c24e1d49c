"""Tests for sim.beliefs.literals: finite numbers and the shorthand's number syntax."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.beliefs import MAX_LIST_LENGTH, DistributionError
from sim.beliefs.literals import NUMBER_RE, finite_number, format_number, number_list


@pytest.mark.parametrize(
    "value, expected",
    [
        (1, 1.0),
        (-2.5, -2.5),
        ("1e-3", 0.001),
        (" .5 ", 0.5),
        (np.float32(0.5), 0.5),
        (np.int64(3), 3.0),
    ],
)
def test_finite_number(value, expected):
    got = finite_number(value, "x")
    assert got == expected and type(got) is float


@pytest.mark.parametrize(
    "value, fragment",
    [
        (True, "boolean"),
        (np.bool_(False), "boolean"),
        (math.nan, "must be finite"),
        (math.inf, "must be finite"),
        (10**400, "too large"),
        ("nan", "got the text 'nan'"),
        ("1_000", "got the text"),
        ("0x10", "got the text"),
        (None, "got NoneType"),
        ([1], "got list"),
    ],
)
def test_finite_number_refuses(value, fragment):
    with pytest.raises(DistributionError, match=fragment) as info:
        finite_number(value, "uniform: low")
    assert str(info.value).startswith("uniform: low must be")


def test_number_list():
    assert number_list([1, "2", 3.5], "v") == (1.0, 2.0, 3.5)
    assert number_list(np.array([1.0, 2.0]), "v") == (1.0, 2.0)
    with pytest.raises(DistributionError, match=r"v\[1\] must be a number"):
        number_list([1, "x"], "v")
    for bad in ("12", {"a": 1}, 3):
        with pytest.raises(DistributionError, match="list of numbers"):
            number_list(bad, "v")
    with pytest.raises(DistributionError, match=f"at most {MAX_LIST_LENGTH}"):
        number_list([0.0] * (MAX_LIST_LENGTH + 1), "v")


def test_format_number_reads_back_exactly():
    assert format_number(1.0) == "1" and format_number(-0.25) == "-0.25"
    for x in (0.1, 1e-20, 123456.789, 2.0**-30, -7.0):
        assert float(format_number(x)) == x


@pytest.mark.parametrize("text", ["3", "-0.25", ".5", "+1.", "1.5e-3", "2E+10"])
def test_number_syntax_accepts(text):
    assert NUMBER_RE.fullmatch(text)


@pytest.mark.parametrize("text", ["1_000", "0x10", "nan", "inf", "1e", "- 1", "", "1.2.3"])
def test_number_syntax_refuses(text):
    assert not NUMBER_RE.fullmatch(text)
