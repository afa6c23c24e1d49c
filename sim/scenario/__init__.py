"""The scenario: the YAML format, its safe loading, ``--set`` overrides and checks.

``load_scenario(path)`` returns a frozen, validated :class:`Scenario` or raises
:class:`ScenarioError` listing every problem as ``file:line: key.path: message``.
"""

from sim.scenario.format import (
    CHANGEABLE,
    MAX_DEPTH,
    MAX_EVENTS,
    MAX_FILE_BYTES,
    PERIODS_PER_YEAR,
    Problem,
    Scenario,
    ScenarioError,
    apply_overrides,
    json_schema,
    load_scenario,
    parse_scenario_text,
    parse_set_option,
    split_path,
    validate_data,
)

__all__ = [
    "CHANGEABLE",
    "MAX_DEPTH",
    "MAX_EVENTS",
    "MAX_FILE_BYTES",
    "PERIODS_PER_YEAR",
    "Problem",
    "Scenario",
    "ScenarioError",
    "apply_overrides",
    "json_schema",
    "load_scenario",
    "parse_scenario_text",
    "parse_set_option",
    "split_path",
    "validate_data",
]
