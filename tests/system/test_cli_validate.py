"""`sim validate` and `sim schema`, through click's CliRunner.

Every invalid input exits with code 1 and prints one line per problem
(``file:line: key.path: message (got value)``), never a traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import MAX_FILE_BYTES
from tests.helpers import DATA, ROOT  # noqa: E402

FREEZE = ROOT / "scenarios" / "freeze_lines.yaml"
MINIMAL = DATA / "minimal.yaml"

# file:line: key.path: message   or   file: message   (one problem per line)
PROBLEM_LINE = re.compile(r"^(?P<file>[^\n]+?)(:(?P<line>\d+))?: (?P<rest>.+)$")


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def failing(*args: str) -> list[str]:
    """Run, assert exit code 1, and return the problem lines (summary line dropped)."""
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"\d+ of \d+ files? invalid", lines[-1]), lines
    problems = lines[:-1]
    assert problems
    for line in problems:
        assert PROBLEM_LINE.match(line), line
    return problems


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def minimal_text() -> str:
    return MINIMAL.read_text()


# ----------------------------------------------------------------------------- validate


def test_valid_files_exit_0():
    result = invoke("validate", str(FREEZE), str(MINIMAL))
    assert result.exit_code == 0, result.output
    assert (
        f"{FREEZE}: ok" in result.stdout
        and f"{MINIMAL}: ok (1 regions, 0 events, 0 uncertain numbers)" in result.stdout
    )
    assert result.stderr == ""


def test_every_shipped_scenario_validates():
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    result = invoke("validate", *files)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok (") == len(files)


def test_problem_line_names_file_line_key_value_and_allowed(tmp_path):
    path = write(tmp_path, minimal_text().replace("    discount: 0.9\n", "    discount: 1.5\n", 1))
    assert failing("validate", str(path)) == [
        f"{path}:7: actors.a.discount: must be in (0, 1) (got 1.5)"
    ]


def test_one_bad_file_among_good_ones(tmp_path):
    bad = write(tmp_path, minimal_text().replace("horizon: 4", "horizon: 0"))
    result = invoke("validate", str(MINIMAL), str(bad))
    assert result.exit_code == 1
    assert f"{MINIMAL}: ok" in result.stdout
    assert result.stderr.splitlines() == [
        f"{bad}:4: horizon: must be >= 1 (got 0)",
        "1 of 2 files invalid",
    ]


def test_every_problem_is_listed(tmp_path):
    text = (
        minimal_text()
        .replace("horizon: 4", "horizon: 0")
        .replace("    war_cost: 1.0\n", "    war_cost: -2\n", 1)
    )
    text += "solver:\n  method: scipy\nmontecarlo:\n  sampler: grid\n"
    problems = failing("validate", str(write(tmp_path, text)))
    keys = [PROBLEM_LINE.match(p)["rest"].split(":")[0] for p in problems]
    assert keys == ["horizon", "actors.a.war_cost", "solver.method", "montecarlo.sampler"]
    assert "'batched' or 'nashpy'" in problems[2] and "'random', 'lhs' or 'sobol'" in problems[3]


SEMANTIC = [  # (edit of the minimal text, key path, allowed text)
    (("  r: a\n", "  r: c\n"), "terms.r", "unknown actor; allowed: a, b"),
    (("  r: a\n", "  r: a\n  q: b\n"), "terms.q", "unknown region; allowed: r"),
    (("  r: a\n", "  r: {a: 0.5, b: 0.7}\n"), "terms.r", "shares must sum to 1"),
    (("  r: a\n", "  r: {a: 1.5}\n"), "terms.r.a", "must be in [0, 1]"),
    (("  r: a\n", "  r: a\nwar:\n  outcomes:\n    c: {}\n"), "war.outcomes.c", "unknown actor"),
    (
        ("  r: a\n", "  r: a\nwar:\n  outcomes:\n    a: {q: a}\n"),
        "war.outcomes.a.q",
        "unknown region",
    ),
    (("  r: a\n", "  r: a\nwar:\n  incident_hazard: 1.2\n"), "war.incident_hazard", "[0, 1]"),
    (("  r: a\n", "  r: a\nevents:\n  e: {hazard: -0.5}\n"), "events.e.hazard", "[0, 1]"),
    (
        ("  r: a\n", "  r: a\nevents:\n  e: {hazard: 0.1, changes: {actors.a.speed: 1}}\n"),
        "events.e.changes.actors.a.speed",
        "an event can change only",
    ),
    (("horizon: 4", "horizon: 0"), "horizon", ">= 1"),
    (("horizon: 4", "horizon: 4\nmontecarlo: {draws: 0}"), "montecarlo.draws", ">= 1"),
    (("    discount: 0.9\n", "    discount: .nan\n"), "actors.a.discount", "finite"),
    (("    war_cost: 1.0\n", "    war_cost: .inf\n"), "actors.a.war_cost", "finite"),
    (
        ("    discount: 0.9\n", "    discount: uniform(0.9, 0.5)\n"),
        "actors.a.discount",
        "low (0.9) must be < high (0.5)",
    ),
    (
        ("    war_cost: 1.0\n", "    war_cost: normal(1, 0)\n"),
        "actors.a.war_cost",
        "sd (0) must be > 0",
    ),
    (("    capacity: 1.0\n", "    capacity: yes\n"), "actors.a.capacity", "not a boolean"),
]


@pytest.mark.parametrize("edit, path, allowed", SEMANTIC, ids=[s[1] for s in SEMANTIC])
def test_semantic_checks(edit, path, allowed, tmp_path):
    text = minimal_text().replace(*edit, 1)
    file = write(tmp_path, text)
    [line] = failing("validate", str(file))
    m = PROBLEM_LINE.match(line)
    assert m["file"] == str(file) and m["line"] is not None
    assert m["rest"].startswith(f"{path}: ") and allowed in m["rest"]
    # the line is one of the lines the edit wrote
    first = text[: text.index(edit[1])].count("\n") + 1
    last = first + edit[1].rstrip("\n").count("\n")
    assert first <= int(m["line"]) <= last, (line, first, last)


def test_line_numbers_point_at_the_key(tmp_path):
    text = minimal_text() + "war:\n  first_strike: -1\n"
    file = write(tmp_path, text)
    [line] = failing("validate", str(file))
    assert line == f"{file}:{len(text.splitlines())}: war.first_strike: must be > -1 (got -1)"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("title: [unclosed\n", "YAML syntax error"),
        ("", "the file is empty"),
        ("# nothing but a comment\n", "the file is empty"),
        ("- a\n- b\n", "must be a YAML mapping"),
        ("just words\n", "must be a YAML mapping"),
        ("title: x\ntitle: y\n", "duplicate key (first given on line 1)"),
        ("1: x\n", "keys must be text"),
        ("yes: x\n", "keys must be text"),
        (
            "title: !!python/object/apply:os.system ['echo hi']\n",
            "YAML tag !!python/object/apply:os.system is not allowed",
        ),
        ("a: &x 1\nb: *x\n", "YAML anchors (&x) are not allowed"),
    ],
)
def test_yaml_level_problems(text, expected, tmp_path):
    file = write(tmp_path, text)
    [line] = failing("validate", str(file))
    assert line.startswith(str(file)) and expected in line


def test_custom_tag_is_not_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    [line] = failing("validate", str(DATA / "python_tag.yaml"))
    assert "YAML tag !!python/object/apply:os.system is not allowed" in line
    assert not (tmp_path / "MARKER").exists()


def test_alias_bomb_is_refused_quickly():
    [line] = failing("validate", str(DATA / "billion_laughs.yaml"))
    assert (
        line == f"{DATA / 'billion_laughs.yaml'}:2: YAML anchors (&a) are not allowed; "
        "write the value out"
    )


def test_unquoted_distribution_in_flow_mapping():
    [line] = failing("validate", str(DATA / "flow_split.yaml"))
    assert line.startswith(
        f"{DATA / 'flow_split.yaml'}:8: regions.r.value.b: YAML split 'uniform(0.3, 1.0)'"
    )
    assert 'quote it, e.g. b: "uniform(0.3, 1.0)"' in line


def test_directory_missing_file_non_utf8_and_big_file(tmp_path):
    missing = tmp_path / "missing.yaml"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"title: caf\xe9\n")
    big = write(tmp_path, "description: " + "x" * (MAX_FILE_BYTES + 1) + "\n", "big.yaml")
    result = invoke("validate", str(tmp_path), str(missing), str(latin), str(big), str(MINIMAL))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path}: is a folder; give a scenario .yaml file",
        f"{missing}: no such file",
        f"{latin}:1: not UTF-8 text: byte 10 (0xe9) cannot be decoded; save the file as UTF-8",
        f"{big}: the file is larger than {MAX_FILE_BYTES} bytes, the limit for a scenario",
        "4 of 5 files invalid",
    ]
    assert f"{MINIMAL}: ok" in result.stdout


def test_no_files_is_a_usage_error():
    result = invoke("validate")
    assert result.exit_code != 0 and "Missing argument" in result.output


# ----------------------------------------------------------------------------- --set


@pytest.mark.parametrize(
    "option",
    [
        "actors.russia.discount=0.95",
        "war.first_strike=uniform(0,0.2)",
        "solver.method=nashpy",
        "events.support_fades.changes.actors.ukraine.ceiling=0.7",
    ],
)
def test_set_of_each_kind_on_freeze_lines(option):
    result = invoke("validate", str(FREEZE), "--set", option)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "option, expected",
    [
        ("actors.a.discount=1.5", "--set: actors.a.discount: must be in (0, 1) (got 1.5)"),
        (
            "war.first_strike=uniform(0,-0.2)",
            "--set: war.first_strike: uniform: low (0) must be < high (-0.2)",
        ),
        (
            "solver.method=scipy",
            "--set: solver.method: must be 'batched' or 'nashpy' (got 'scipy')",
        ),
        (
            "actors.a.speed=1",
            "--set: actors.a.speed: unknown key; allowed keys here: label, discount",
        ),
        ("horizon=0", "--set: horizon: must be >= 1 (got 0)"),
        (
            "events.e.changes.actors.b.ceiling=0.7",
            "--set: events.e: give the event a hazard (per period), a date (at_years), or both",
        ),
        ("horizon", "--set: expected KEY=VALUE"),
        (
            "title=!!python/object/apply:os.system [ls]",
            "--set: title: YAML tag !!python/object/apply:os.system",
        ),
    ],
)
def test_set_errors_say_set_instead_of_a_line(option, expected):
    [line] = failing("validate", str(MINIMAL), "--set", option)
    assert line.startswith(expected), line


def test_set_and_file_problems_together(tmp_path):
    file = write(tmp_path, minimal_text().replace("horizon: 4", "horizon: 0"))
    lines = failing("validate", str(file), "--set", "actors.b.capacity=-1")
    assert lines == [
        f"{file}:4: horizon: must be >= 1 (got 0)",
        "--set: actors.b.capacity: must be > 0 (got -1)",
    ]


def test_set_applies_to_every_file(tmp_path):
    other = write(tmp_path, minimal_text(), "other.yaml")
    result = invoke(
        "validate", str(MINIMAL), str(other), "--set", "war.first_strike=uniform(0, 0.2)"
    )
    assert result.exit_code == 0 and result.stdout.count("1 uncertain numbers") == 2


# ----------------------------------------------------------------------------- schema


def test_schema_is_valid_json_schema():
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(yaml.safe_load(FREEZE.read_text()))
    validator.validate(yaml.safe_load(MINIMAL.read_text()))
    assert not validator.is_valid({**yaml.safe_load(MINIMAL.read_text()), "colour": "red"})
    for key in ("title", "horizon", "actors", "regions", "terms"):
        assert key in schema["required"]
