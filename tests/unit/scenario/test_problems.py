"""Tests for sim.scenario.problems: how a problem reads, and where it is placed."""

from __future__ import annotations

import pytest

from sim.scenario import KeyLines, Problem, ScenarioError
from sim.scenario.problems import dedupe, one_line, problem_at, short


def test_problem_reads_as_one_line():
    assert str(Problem("f.yaml", 3, "a.b", "must be x", 1.5, True)) == (
        "f.yaml:3: a.b: must be x (got 1.5)"
    )
    assert str(Problem("f.yaml", None, "a.b", "must be x")) == "f.yaml: a.b: must be x"
    assert str(Problem("f.yaml", None, "", "bad\n  text")) == "f.yaml: bad text"
    assert str(Problem("--set", None, "a\nb", "m")) == "--set: 'a\\nb': m"
    long = str(Problem("f", 1, "k", "m", "x" * 100, True))
    assert long.endswith("...)") and "\n" not in long and len(long) < 90


def test_scenario_error_lists_every_problem():
    problems = [Problem("f", 1, "a", "one"), Problem("f", 2, "b", "two")]
    err = ScenarioError(problems)
    assert isinstance(err, ValueError) and err.problems == problems
    assert str(err) == "f:1: a: one\nf:2: b: two"


def test_short_and_one_line():
    assert short("abc") == "'abc'" and short(1.5) == "1.5"
    assert len(short(list(range(100)))) == 60
    assert one_line(" a \n\t b ") == "a b"

    class Unprintable:
        def __repr__(self) -> str:
            raise RuntimeError

    assert short(Unprintable()) == "<Unprintable>"


def test_key_lines_place_a_path_at_its_nearest_line():
    lines = KeyLines()
    lines.lines.update({(): 1, ("actors",): 3, ("actors", "a"): 4})
    assert lines.line_for(("actors", "a", "discount")) == 4
    assert lines.line_for(("regions", "r")) == 1
    assert KeyLines().line_for(("x",)) is None


@pytest.mark.parametrize(
    "path, overridden",
    [
        (("war", "first_strike"), True),  # set by --set
        (("war", "first_strike", "x"), True),  # under a key set by --set
        (("war",), False),  # in the file
        (("actors", "a", "discount"), False),
        (("solver", "method"), True),  # solver was created by --set solver.method=...
    ],
)
def test_key_lines_know_what_set_changed(path, overridden):
    lines = KeyLines()
    lines.lines.update({("war",): 5, ("actors",): 2, ("actors", "a"): 3})
    lines.overridden |= {("war", "first_strike"), ("solver", "method")}
    assert lines.is_override(path) is overridden
    p = problem_at("f.yaml", lines, path, "m", 1, True)
    assert (p.file, p.line is None) == (("--set", True) if overridden else ("f.yaml", False))
    assert p.path == ".".join(path) and p.has_value


def test_dedupe_keeps_the_first_of_each_message_at_a_path():
    a, b = Problem("f", 1, "k", "m"), Problem("f", 2, "k", "m")
    c = Problem("f", 2, "k", "other")
    assert dedupe([a, b, c, a]) == [a, c]
