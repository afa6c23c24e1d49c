"""Tests for sim.scenario.loading: files, the JSON Schema, the public API, fuzzing."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import os
import subprocess
import sys

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sim.scenario import (
    CHANGEABLE,
    MAX_FILE_BYTES,
    Problem,
    Scenario,
    ScenarioError,
    json_schema,
    load_scenario,
    parse_scenario_text,
    validate_data,
)
from tests.helpers import ROOT  # noqa: E402
from tests.unit.scenario.helpers import (
    FILE,
    FREEZE,
    FUZZ,
    JUNK,
    assert_loads_or_scenario_error,
    base_for_mutation,
    dump,
    minimal,
    paths_of,
    with_,
)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_is_valid(path):
    scn = load_scenario(path)
    assert scn.name and len(scn.actor_ids) == 2
    jsonschema.Draft202012Validator(json_schema()).validate(yaml.safe_load(path.read_text()))


def test_json_schema_is_valid_and_accepts_the_scenarios():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(yaml.safe_load(FREEZE.read_text()))
    validator.validate(minimal())
    validator.validate(json.loads(load_scenario(FREEZE).model_dump_json()))
    assert not validator.is_valid({**minimal(), "colour": "red"})  # unknown keys
    assert not validator.is_valid(with_("actors.a.discount", 1.5))
    assert not validator.is_valid(with_("solver.method", "scipy"))
    assert not validator.is_valid(with_("horizon", 0))


def test_public_api():
    assert list(inspect.signature(load_scenario).parameters) == ["path", "overrides", "without"]
    assert list(inspect.signature(parse_scenario_text).parameters) == [
        "text",
        "file",
        "overrides",
        "default_name",
        "without",
    ]
    assert [f.name for f in dataclasses.fields(Problem)] == [
        "file",
        "line",
        "path",
        "message",
        "value",
        "has_value",
    ]
    assert issubclass(ScenarioError, ValueError)
    for name in ("numbers", "uncertain"):
        assert callable(getattr(Scenario, name))
    assert "regions.<id>.value.<actor>" in CHANGEABLE
    err = ScenarioError(
        [Problem("f", 3, "a.b", "must be x", 1.5, True), Problem("f", None, "", "bad")]
    )
    assert str(err) == "f:3: a.b: must be x (got 1.5)\nf: bad"


def test_directory(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    [p] = info.value.problems
    assert p.file == str(tmp_path) and "is a folder" in p.message


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope.yaml")
    [p] = info.value.problems
    assert p.file == str(tmp_path / "nope.yaml") and p.message == "no such file"


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(dump(minimal()).encode() + "note: café\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [p] = info.value.problems
    assert (
        "not UTF-8" in p.message
        and "0xe9" in p.message
        and p.line == len(dump(minimal()).splitlines()) + 1
    )


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + dump(minimal()).encode())
    assert load_scenario(path).title == "Minimal test scenario"


def test_file_over_1_mb(tmp_path):
    path = tmp_path / "big.yaml"
    text = dump(minimal()) + "description: " + "x" * MAX_FILE_BYTES + "\n"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [p] = info.value.problems
    assert f"larger than {MAX_FILE_BYTES} bytes" in p.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(fifo)


@FUZZ
@given(data=st.data())
def test_fuzz_mutations_of_a_valid_scenario(data):
    scenario = base_for_mutation()
    paths = paths_of(scenario)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        node = scenario
        try:
            for part in path[:-1]:
                node = node[part]
            if action == "replace":
                node[path[-1]] = data.draw(JUNK)
            elif action == "delete" and isinstance(node, dict):
                node.pop(path[-1], None)
            elif isinstance(node, dict):
                node[data.draw(st.text(max_size=8))] = data.draw(JUNK)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation changed the shape
    assert_loads_or_scenario_error(parse_scenario_text, dump(scenario), FILE)
    assert_loads_or_scenario_error(validate_data, copy.deepcopy(scenario), FILE)


def test_checking_a_scenario_never_imports_scipy_stats():
    """``sim validate`` and ``sim schema`` start fast: scipy.stats (over half a second) is
    imported only where a truncated normal's quantiles or a Sobol' sequence need it."""
    code = (
        "import sys\n"
        "from sim.cli import main\n"
        "for args in (['validate', *sys.argv[1:]], ['schema']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
        "print('scipy.stats' in sys.modules, 'matplotlib' in sys.modules)\n"
    )
    files = [str(p) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code, *files], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.splitlines()[-1] == "False False", out.stdout[-500:] + out.stderr
