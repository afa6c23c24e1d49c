"""Loading a scenario: read the file, parse the YAML, apply ``--set``, validate, check.

:func:`load_scenario` returns a frozen, validated :class:`~sim.scenario.Scenario` or raises
:class:`~sim.scenario.ScenarioError` holding all problems found at one stage (the file,
then the YAML structure, then types and ranges, then cross-references), and never any
other exception, whatever the input. :func:`json_schema` states the format for editors.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any, Mapping, Sequence

from pydantic import ValidationError

from sim.scenario.checks import semantic_problems
from sim.scenario.overrides import apply_overrides, parse_set_option
from sim.scenario.problems import KeyLines, Problem, ScenarioError
from sim.scenario.pydantic_errors import problems_from_pydantic
from sim.scenario.schema import Scenario
from sim.scenario.yaml_load import load_yaml

__all__ = ["MAX_FILE_BYTES", "json_schema", "load_scenario", "parse_scenario_text", "validate_data"]

MAX_FILE_BYTES = 1_000_000
"""Largest scenario file accepted, in bytes."""


def validate_data(
    data: Any,
    file: str = "<scenario>",
    lines: KeyLines | None = None,
    default_name: str | None = None,
) -> Scenario:
    """Validate an already-parsed mapping; raise :class:`ScenarioError` listing every problem."""
    lines = lines or KeyLines()
    if not isinstance(data, dict):
        raise ScenarioError(
            [Problem(file, None, "", "a scenario must be a YAML mapping at the top level")]
        )
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_pydantic(exc, data, file, lines)) from None
    problems, changes = semantic_problems(scn, file, lines)
    if problems:
        raise ScenarioError(problems)
    events = {
        eid: ev.model_copy(update={"changes": changes[eid]}) for eid, ev in scn.events.items()
    }
    actors = {
        aid: actor.model_copy(update={"types": {
            tid: t.model_copy(update={"changes": changes[f"{aid}.{tid}"]})
            for tid, t in actor.types.items()
        }})
        for aid, actor in scn.actors.items()
    }  # fmt: skip
    update: dict[str, Any] = {"events": events, "actors": actors}
    if scn.name is None and default_name:
        update["name"] = re.sub(r"[^A-Za-z0-9_.-]", "_", default_name)
    return scn.model_copy(update=update)


def parse_scenario_text(
    text: str,
    file: str = "<scenario>",
    overrides: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
    default_name: str | None = None,
    without: Sequence[str] = (),
) -> Scenario:
    """Parse and validate scenario YAML text (``overrides``: key path -> value, applied
    before validation; ``without``: mechanism ids to switch off, as ``--without``).
    Raises :class:`ScenarioError` and nothing else."""
    if not isinstance(text, str):
        raise ScenarioError(
            [Problem(file, None, "", f"scenario text must be str, got {type(text).__name__}")]
        )
    data, lines = load_yaml(text, file)
    if without:
        overrides = [*_items(overrides), *_switch_off(data, without)]
    if overrides:
        data = apply_overrides(data, overrides, lines)
    scn = validate_data(data, file, lines, default_name)
    scn.set_source(text, file, tuple((k, v) for k, v in _items(overrides)))
    return scn


def _items(overrides: Mapping[str, Any] | list[tuple[str, Any]] | None) -> list[tuple[str, Any]]:
    return list(overrides.items() if isinstance(overrides, Mapping) else overrides or ())


def _switch_off(data: Any, without: Sequence[str]) -> list[tuple[str, Any]]:
    """``mechanisms.<id>.enabled = false`` for each id, which must be a mechanism of the
    file: its numbers stay drawn, so the run keeps the same draws."""
    known = list(data.get("mechanisms") or {}) if isinstance(data, dict) else []
    bad = [m for m in without if m not in known]
    if bad:
        allowed = ", ".join(known) or "none: the scenario has no mechanisms"
        raise ScenarioError(
            [Problem("--without", None, m, f"unknown mechanism; allowed: {allowed}") for m in bad]
        )
    return [(f"mechanisms.{m}.enabled", False) for m in without]


def _read_text(path: Path) -> str:
    file = str(path)

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(file, None, "", message)])

    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise fail("is a folder; give a scenario .yaml file")
        if not stat.S_ISREG(info.st_mode):
            raise fail("is not a regular file; give a scenario .yaml file")
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file") from None
    except PermissionError:
        raise fail("cannot read the file (permission denied)") from None
    except OSError as exc:
        raise fail(f"cannot read the file ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the file is larger than {MAX_FILE_BYTES} bytes, the limit for a scenario")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    "",
                    f"not UTF-8 text: byte {exc.start} (0x{raw[exc.start]:02x}) cannot be "
                    "decoded; save the file as UTF-8",
                )
            ]
        ) from None


def load_scenario(
    path: str | Path,
    overrides: Mapping[str, Any] | list[tuple[str, Any]] | list[str] | None = None,
    without: Sequence[str] = (),
) -> Scenario:
    """Load, check and return a scenario file.

    Parameters
    ----------
    path
        The YAML file (UTF-8, at most :data:`MAX_FILE_BYTES` bytes).
    overrides
        Key path -> value, (key path, value) pairs, or ``KEY=VALUE`` strings as given to
        ``--set``.
    without
        Mechanism ids to switch off (``--without``): each is kept with its numbers drawn
        but ``enabled: false``, so the run has the same draws as with it.

    Raises
    ------
    ScenarioError
        Listing every problem, each naming the file, line, key path and what is allowed.
    """
    path = Path(path)
    text = _read_text(path)
    if overrides and not isinstance(overrides, Mapping):
        parsed, problems = [], []
        for o in overrides:
            try:
                parsed.append(parse_set_option(o) if isinstance(o, str) else o)
            except ScenarioError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ScenarioError(problems)
        overrides = parsed
    return parse_scenario_text(text, str(path), overrides, default_name=path.stem, without=without)


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of the scenario format."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ceasefire-sim scenario"
    return schema
