"""Helpers of the tests of sim.scenario: the minimal scenario and checks of its problems.

Every failing case starts from ``tests/data/minimal.yaml`` (see :func:`minimal`) and
changes one thing, then checks that :class:`ScenarioError` names the key path, the line
(where the YAML has one) and what is allowed.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sim.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    parse_scenario_text,
    split_path,
)
from tests.helpers import DATA, ROOT  # noqa: E402

FREEZE = ROOT / "scenarios" / "freeze_lines.yaml"
FILE = "s.yaml"


def minimal() -> dict:
    """A fresh copy of the minimal valid scenario as a dict."""
    return yaml.safe_load((DATA / "minimal.yaml").read_text())


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def set_in(data: dict, path: str, value: Any) -> dict:
    """Set a dotted key path (creating mappings); returns ``data``."""
    parts = split_path(path)
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return data


def del_in(data: dict, path: str) -> dict:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node[part]
    del node[parts[-1]]
    return data


def with_(path: str, value: Any) -> dict:
    """The minimal scenario with one key path changed."""
    return set_in(minimal(), path, value)


def problems_of(source: dict | str, overrides=None) -> list[Problem]:
    """The problems ScenarioError reports for a dict (dumped to YAML) or YAML text."""
    text = source if isinstance(source, str) else dump(source)
    with pytest.raises(ScenarioError) as info:
        parse_scenario_text(text, FILE, overrides)
    problems = info.value.problems
    assert problems, "a ScenarioError must list at least one problem"
    for p in problems:
        assert isinstance(p, Problem)
        assert "\n" not in str(p), f"one line per problem: {str(p)!r}"
    return problems


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """1-based line of the first line containing ``needle`` (after the line holding
    ``after``, if given)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    return next(i + 1 for i in range(start, len(lines)) if needle in lines[i])


def line_of_path(text: str, path: str) -> int:
    """1-based line of a key path in block-style YAML: each key searched after the last."""
    lines, start, found = text.splitlines(), 0, None
    for key in split_path(path):
        found = next(i for i in range(start, len(lines)) if lines[i].strip().startswith(f"{key}:"))
        start = found + 1
    return found + 1


def the_problem(problems: list[Problem], path: str) -> Problem:
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, f"expected one problem at {path!r}, got {[str(p) for p in problems]}"
    return found[0]


def check(
    source: dict | str, path: str, *allowed: str, line: int | None | str = "any", only: bool = True
) -> Problem:
    """Assert the source fails with a problem at ``path`` whose message contains every
    ``allowed`` text, on ``line`` (when given). ``only``: no other problem is reported."""
    problems = problems_of(source)
    if only:
        assert len(problems) == 1, [str(p) for p in problems]
    p = the_problem(problems, path)
    for text in allowed:
        assert text in p.message, f"{text!r} not in {p.message!r}"
    if line != "any":
        assert p.line == line, str(p)
    assert p.file == FILE
    where = f"{FILE}:{p.line}:" if p.line is not None else f"{FILE}:"
    assert str(p).startswith(f"{where} {path}: " if path else f"{where} {p.message}")
    return p


# Light fuzzing (the whole file must stay well under 40 s on a shared 2-core machine).
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


YAMLISH = st.lists(
    st.sampled_from(
        list("abtrsx019.-_:,{}[]()'\"!&*#|>?%@<~ \t\n\x00\u00e9")
        + ["uniform(", "!!python/", "actors:", "\n  ", "\n- ", ": ", "yes", ".nan", "1e999"]
    ),
    max_size=60,
).map("".join)


def assert_loads_or_scenario_error(load, *args) -> None:
    """``load(*args)`` returns a Scenario or raises ScenarioError with one-line problems;
    any other exception fails the test."""
    try:
        assert isinstance(load(*args), Scenario)
    except ScenarioError as exc:
        assert exc.problems and all("\n" not in str(p) for p in exc.problems)


def paths_of(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths_of(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths_of(v, (*prefix, i))
    return out


JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**320)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "uniform(0, 1)",
            "uniform(1, 0)",
            "normal(0, 1)",
            "choice([0, 1])",
            "a",
            "b",
            "r",
            "e",
            "beta(2, 2, low=-1)",
            "uniform(0,",
            "actors.a.discount",
            "regions.r.value.a",
        ]
    )
    | st.fixed_dictionaries(
        {"dist": st.sampled_from(["uniform", "normal", "nope"])},
        optional={
            "low": st.floats(),
            "high": st.floats(),
            "mu": st.integers(),
            "sd": st.integers(),
        },
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def base_for_mutation() -> dict:
    data = minimal()
    data["war"] = {"first_strike": "uniform(0, 0.2)", "outcomes": {"b": {"r": {"b": 0.5}}}}
    data["events"] = {"e": {"hazard": 0.1, "changes": {"actors.b.ceiling": 0.5}}}
    data["sources"] = ["s"]
    return data
