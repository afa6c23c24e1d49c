"""The scenario: the YAML format, its safe loading, ``--set`` overrides and checks.

``load_scenario(path)`` returns a frozen, validated :class:`Scenario` or raises
:class:`ScenarioError` listing every problem as ``file:line: key.path: message``.

Modules, in the order a scenario file meets them:

* :mod:`~sim.scenario.keys`: the one table of keys (type, range, unit, meaning, whether an
  event may change it, plot label) and what is derived from it without pydantic;
* :mod:`~sim.scenario.numbers`: the field types built from the table (numbers that may
  be distributions);
* :mod:`~sim.scenario.schema`: the frozen pydantic models and :class:`Scenario`;
* :mod:`~sim.scenario.problems`: :class:`Problem`, :class:`ScenarioError`, line numbers;
* :mod:`~sim.scenario.yaml_load`: safe YAML, refusing anchors, aliases, tags, duplicates;
* :mod:`~sim.scenario.overrides`: ``--set KEY=VALUE``;
* :mod:`~sim.scenario.pydantic_errors`: pydantic's errors in the words of the format;
* :mod:`~sim.scenario.checks`: cross-references, sums, event changes;
* :mod:`~sim.scenario.loading`: :func:`load_scenario` and the rest of the entry points;
* :mod:`~sim.scenario.readme`: the format table of ``scenarios/README.md``
  (``python -m sim.scenario --write scenarios/README.md`` regenerates it).
"""

from sim.names import PERIODS_PER_YEAR
from sim.scenario.keys import CHANGEABLE, KEYS, MAX_EVENTS, Key, readable_key
from sim.scenario.loading import (
    MAX_FILE_BYTES,
    json_schema,
    load_scenario,
    parse_scenario_text,
    validate_data,
)
from sim.scenario.overrides import apply_overrides, parse_set_option, split_path
from sim.scenario.problems import KeyLines, Problem, ScenarioError
from sim.scenario.readme import format_table
from sim.scenario.schema import Scenario
from sim.scenario.yaml_load import MAX_DEPTH

__all__ = [
    "CHANGEABLE",
    "KEYS",
    "MAX_DEPTH",
    "MAX_EVENTS",
    "MAX_FILE_BYTES",
    "PERIODS_PER_YEAR",
    "Key",
    "KeyLines",
    "Problem",
    "Scenario",
    "ScenarioError",
    "apply_overrides",
    "format_table",
    "json_schema",
    "load_scenario",
    "parse_scenario_text",
    "parse_set_option",
    "readable_key",
    "split_path",
    "validate_data",
]
