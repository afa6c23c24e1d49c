"""``solver.selection: choice([...])``: the selection rule as a sampled assumption, checked
like every key (file, key path, what is allowed; exit code 1 and no traceback)."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from sim.beliefs import Categorical
from sim.cli import main
from sim.names import SELECTION_RULES
from sim.scenario import ScenarioError, parse_scenario_text
from sim.scenario.keys import key
from sim.scenario.readme import type_text
from tests.helpers import ROOT, one_region

BASE = yaml.safe_load(one_region(cost_b="uniform(0.5, 4)", draws=20))
TYPES = ROOT / "scenarios" / "annexation_lines.yaml"


def _parse(solver: dict, data: dict | None = None):
    data = dict(data or BASE)
    data["solver"] = solver
    return parse_scenario_text(yaml.safe_dump(data, sort_keys=False), "f.yaml", default_name="t")


@pytest.mark.parametrize(
    "selection",
    [
        "choice([peaceful, risk_dominant])",
        "choice([risk_dominant, peaceful], [3, 1])",
        {"dist": "choice", "values": ["peaceful", "payoff_dominant"], "weights": [1, 1]},
    ],
)
def test_a_choice_of_rules_is_a_belief(selection):
    scn = _parse({"selection": selection})
    assert isinstance(scn.solver.selection, Categorical)
    assert scn.sampled_selection is scn.solver.selection
    assert set(scn.selection_rules) <= set(SELECTION_RULES)
    # the dump reads back to the same scenario (JSON: the text; Python: the mapping)
    assert _parse(scn.solver.model_dump(mode="json")).solver == scn.solver
    assert _parse(scn.solver.model_dump()).solver == scn.solver
    assert "solver.selection" not in scn.uncertain()  # not a number


def test_a_plain_rule_stays_a_name():
    scn = _parse({"selection": "risk_dominant"})
    assert scn.solver.selection == "risk_dominant" and scn.sampled_selection is None
    assert scn.selection_rules == ("risk_dominant",)


@pytest.mark.parametrize(
    "solver, message",
    [
        ({"selection": "choice([peaceful, best])"}, "unknown 'best'; the names are 'peaceful'"),
        ({"selection": "choice([peaceful, mixed])"}, "'mixed' rule was removed.*use 'qre'"),
        ({"selection": "choice([peaceful, peaceful])"}, "peaceful given more than once"),
        ({"selection": "choice(peaceful, qre)"}, r"write the names as a \[list\]"),
        ({"selection": "choice([peaceful, qre])"}, "qre needs solver.qre_precision"),
        (
            {"selection": "choice([peaceful, qre])", "qre_precision": 5, "method": "nashpy"},
            "nashpy computes Nash",
        ),
        (
            {"selection": "choice([peaceful, risk_dominant])", "qre_precision": 5},
            r"used only with selection: qre \(the selection is choice\(\[peaceful",
        ),
        ({"selection": "best"}, "'payoff_dominant' or 'qre', or choice"),
        ({"selection": {"dist": "choice", "values": ["a"]}}, "unknown 'a'"),
    ],
)
def test_a_bad_choice_says_what_is_allowed(solver, message):
    with pytest.raises(ScenarioError, match=message) as info:
        _parse(solver)
    assert any(p.path.startswith("solver") for p in info.value.problems)


def test_types_are_not_solved_with_a_choice_that_holds_qre():
    data = yaml.safe_load(TYPES.read_text())
    data["solver"] = {"selection": "choice([peaceful, qre])", "qre_precision": 5}
    with pytest.raises(ScenarioError, match="quantal response with types is not implemented"):
        _parse(data["solver"], data)
    data["solver"] = {"selection": "choice([peaceful, risk_dominant])"}
    assert _parse(data["solver"], data).sampled_selection is not None


def test_the_command_line_reports_it_with_exit_code_1(tmp_path):
    data = dict(BASE, solver={"selection": "choice([peaceful, mixed])"})
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    line = next(ln for ln in result.output.splitlines() if "solver.selection" in ln)
    assert line.startswith(f"{path}:") and "'mixed' rule was removed" in line
    data["solver"] = {"selection": "choice([peaceful, risk_dominant], [3, 1])"}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    assert "the selection rule sampled: choice([peaceful, risk_dominant], [3, 1])" in result.output


def test_the_key_table_the_readme_and_the_schema_say_it(tmp_path):
    k = key("solver.selection")
    assert k.sampled and "choice([peaceful, qre], [3, 1])" in k.meaning
    assert "`choice([...], [weights])` of them" in type_text(k)
    readme = (ROOT / "scenarios" / "README.md").read_text()
    row = next(ln for ln in readme.splitlines() if ln.startswith("| `solver.selection`"))
    assert "`choice([...], [weights])` of them" in row and "uncertain choice" in row
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.output)
    sel = schema["$defs"]["Solver"]["properties"]["selection"]
    forms = sel["anyOf"]
    assert forms[0] == {"enum": list(SELECTION_RULES)}
    assert "choice" in forms[1]["pattern"] and forms[2]["properties"]["dist"] == {"const": "choice"}
    assert "uncertain choice" in sel["description"]
