"""Tests for sim.scenario.yaml_load: YAML-level problems, refused constructs, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given

from sim.beliefs import Uniform
from sim.scenario import (
    MAX_DEPTH,
    Problem,
    ScenarioError,
    load_scenario,
    parse_scenario_text,
)
from tests.helpers import DATA  # noqa: E402
from tests.unit.scenario.helpers import (
    FILE,
    FUZZ,
    YAMLISH,
    assert_loads_or_scenario_error,
    check,
    dump,
    line_of,
    minimal,
    problems_of,
)


def yaml_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].file == FILE
    return problems[0]


def test_duplicate_keys():
    text = dump(minimal()) + "horizon: 5\n"
    p = check(text, "horizon", "duplicate key (first given on line 2)", line=len(text.splitlines()))
    assert not p.has_value
    nested = dump(minimal()).replace(
        "    discount: 0.9\n", "    discount: 0.9\n    discount: 0.8\n", 1
    )
    check(nested, "actors.a.discount", "duplicate key (first given on line 5)", line=6)
    flow = dump(minimal()).replace("r: a", "{r: a, r: b}").replace("terms:\n  {", "terms: {")
    check(flow, "terms.r", "duplicate key", line=line_of(flow, "terms:"))


@pytest.mark.parametrize(
    "key, kind",
    [
        ("1", "a number"),
        ("1.5", "a number"),
        ("yes", "a boolean"),
        ("off", "a boolean"),
        ("null", "empty"),
        ("~", "empty"),
        ("2022-11-11", "a date"),
    ],
)
def test_non_string_keys(key, kind):
    text = dump(minimal()) + f"{key}: x\n"
    p = check(
        text,
        "",
        f"keys must be text; YAML reads this key as {kind}",
        f'quote it, e.g. "{key}":',
        line=len(text.splitlines()),
    )
    assert str(p).startswith(f"{FILE}:{p.line}: keys must be text")
    nested = dump(minimal()).replace("  a:\n    discount", f"  {key}: x\n  a:\n    discount", 1)
    check(nested, "actors", f"YAML reads this key as {kind}", line=line_of(nested, f"{key}: x"))


def test_complex_and_merge_keys():
    p = yaml_problem(dump(minimal()) + "? [a, b]\n: 1\n")
    assert "keys must be plain text, not a list or mapping" in p.message
    p = yaml_problem(dump(minimal()) + "war:\n  <<: {first_strike: 0.1}\n")
    assert p.path == "war" and "merge keys (<<) are not allowed" in p.message


def test_yaml_syntax_error_has_line_and_no_newline():
    text = dump(minimal()).replace("horizon: 4", "horizon: [4")
    p = yaml_problem(text)
    assert p.message.startswith("YAML syntax error") and p.line is not None and p.path == ""
    text = "title: x\nhorizon: 4\n  bad indent: 1\n"
    p = yaml_problem(text)
    assert p.message.startswith("YAML syntax error") and p.line == 3


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n"])
def test_empty_file(text):
    p = yaml_problem(text)
    assert (
        "the file is empty" in p.message
        and "title, horizon, actors, regions and terms" in p.message
    )


@pytest.mark.parametrize(
    "text, line", [("- 1\n- 2\n", 1), ("just text\n", 1), ("# c\n42\n", 2), ("[1, 2]", 1)]
)
def test_non_mapping_document(text, line):
    p = yaml_problem(text)
    assert "must be a YAML mapping" in p.message and p.line == line


def test_several_documents():
    p = yaml_problem(dump(minimal()) + "---\ntitle: again\n")
    assert "expected a single document" in p.message


@pytest.mark.parametrize(
    "value, shown",
    [
        ("!!python/object/apply:os.system ['touch MARKER']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!!timestamp 2020-01-01", "!!timestamp"),
        ("!custom x", "!custom"),
    ],
)
def test_custom_tags_refused(value, shown, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = dump(minimal()).replace("title: Minimal test scenario", f"title: {value}")
    p = yaml_problem(text)
    assert f"YAML tag {shown} is not allowed" in p.message and p.line == line_of(text, "title:")
    assert not (tmp_path / "MARKER").exists()


def test_python_tag_file_is_refused_and_nothing_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "python_tag.yaml")
    [p] = info.value.problems
    assert p.line == 2 and "YAML tag !!python/object/apply:os.system is not allowed" in p.message
    assert not (tmp_path / "MARKER").exists()


def test_alias_bomb_refused_before_expanding():
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "billion_laughs.yaml")
    [p] = info.value.problems
    assert p.line == 2 and "YAML anchors (&a) are not allowed" in p.message
    p = yaml_problem(dump(minimal()) + "war: *w\n")
    assert "YAML aliases (*w) are not allowed" in p.message


def test_deep_nesting_refused():
    p = yaml_problem("title: " + "[" * 5000 + "]" * 5000)
    assert f"nested more than {MAX_DEPTH} deep" in p.message
    p = yaml_problem("title: " + "{a: " * 3000 + "1" + "}" * 3000)
    assert "nested more than" in p.message


def test_overlong_number_refused():
    text = dump(minimal()).replace("horizon: 4", "horizon: " + "9" * 5000)
    check(text, "horizon", "too long", line=2)
    text = dump(minimal()).replace("capacity: 1.0", "capacity: 1" + "0" * 400, 1)
    check(text, "actors.a.capacity", "too long")


def test_invalid_date_is_reported_at_its_key():
    text = dump(minimal()) + "description: 2022-13-45\n"
    p = check(
        text,
        "description",
        "not a valid one (month must be in 1..12)",
        "quote it",
        line=len(text.splitlines()),
    )
    assert p.value == "2022-13-45"


def test_control_characters_refused():
    p = yaml_problem("title: x\nhorizon: \x00\n")
    assert p.line == 2 and "#x0000 is not allowed" in p.message


def test_unquoted_distribution_in_flow_mapping_is_one_clear_problem():
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "flow_split.yaml")
    [p] = info.value.problems
    assert p.path == "regions.r.value.b" and p.line == 8
    assert (
        "'uniform(0.3, 1.0)'" in p.message and 'quote it, e.g. b: "uniform(0.3, 1.0)"' in p.message
    )
    assert "one key per line" in p.message and "[key]" not in str(p) and "1.0)" not in p.path
    # split in the middle of a mapping, with several commas
    text = dump(minimal()).replace(
        "    value:\n      a: 1.0\n      b: 1.0", "    value: {b: normal(1, 0.1, low=0), a: 2}"
    )
    [p] = problems_of(text)
    assert p.path == "regions.r.value.b" and '"normal(1, 0.1, low=0)"' in p.message
    # in a flow list (sources)
    text = dump(minimal()) + "sources: [Kagan (2022, AEI), Powell (2006)]\n"
    [p] = problems_of(text)
    assert p.path == "sources.0" and '"Kagan (2022, AEI)"' in p.message
    # a choice in a flow mapping is a YAML syntax error: say how to fix it
    text = dump(minimal()).replace(
        "    value:\n      a: 1.0\n      b: 1.0",
        "    value: {a: choice([4.0, 0.5], [0.6, 0.4]), b: 1}",
    )
    [p] = problems_of(text)
    assert p.message.startswith("YAML syntax error") and "quote distributions" in p.message


def test_quoted_distribution_in_flow_mapping_is_fine():
    text = dump(minimal()).replace(
        "    value:\n      a: 1.0\n      b: 1.0", '    value: {a: 1.0, b: "uniform(0.3, 1.0)"}'
    )
    assert parse_scenario_text(text, FILE).numbers()["regions.r.value.b"] == Uniform(0.3, 1.0)


@FUZZ
@given(text=YAMLISH)
def test_fuzz_yamlish_text(text):
    assert_loads_or_scenario_error(parse_scenario_text, text, FILE)


@FUZZ
@given(text=YAMLISH)
def test_fuzz_text_appended_to_a_valid_scenario(text):
    assert_loads_or_scenario_error(parse_scenario_text, dump(minimal()) + text, FILE)
