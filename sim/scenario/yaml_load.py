"""Reading scenario YAML safely: line numbers, and refusal of what a scenario never needs.

The text is read with PyYAML's safe parser (libyaml when available; objects are built by
PyYAML's SafeConstructor only), and anchors, aliases, explicit tags and nesting deeper
than :data:`MAX_DEPTH` are refused before a single node is built (so alias bombs cannot
expand and ``!!python/...`` tags never reach a constructor). Duplicate keys and non-string
keys are refused (YAML would silently keep the last, or turn ``yes:`` into ``True:``), and
a plain scalar that YAML split at its commas inside ``{...}`` or ``[...]``
(``{ukraine: uniform(0.3, 1.0)}``) is reported once, with the advice to quote it. While
the tree is walked, the line of every key path is recorded in a :class:`KeyLines`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from sim.scenario.problems import KeyLines, Problem, ScenarioError, one_line

__all__ = [
    "MAX_DEPTH",
    "MAX_NUMBER_CHARS",
    "NUMBER_KEYS",
    "compose",
    "construct",
    "is_refusal",
    "load_yaml",
    "yaml11_number",
]

MAX_DEPTH = 32
"""Deepest nesting of YAML mappings and lists accepted (a scenario needs about 6)."""
MAX_NUMBER_CHARS = 100
"""Longest number literal accepted (longer ones are refused before conversion)."""

_TAG_PREFIX = "tag:yaml.org,2002:"
_STR_TAG = _TAG_PREFIX + "str"
_NUMBER_TAGS = {_TAG_PREFIX + "int", _TAG_PREFIX + "float"}
#: Mappings whose keys are numbers: the years of an observed survival table.
NUMBER_KEYS = {("observed", "survival")}
_STANDARD_TAGS = {_TAG_PREFIX + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
# Parsing and composing use libyaml when PyYAML has it (several times faster); both give
# the same events and nodes. Objects are always built by PyYAML's SafeConstructor.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


def _yaml_error(exc: BaseException, file: str, text: str | None = None) -> Problem:
    """One line for a PyYAML error, with the line number where PyYAML gives one."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = None
        if text is not None:  # libyaml gives a byte offset, PyYAML a character offset
            before = (
                text.encode("utf-8")[: exc.position]
                if _LOADER is not yaml.SafeLoader
                else text[: exc.position]
            )
            line = before.count(b"\n" if isinstance(before, bytes) else "\n") + 1
        char = exc.character
        shown = f"#x{ord(char) if isinstance(char, str) else char:04x}"
        return Problem(
            file, line, "", f"character {shown} is not allowed in YAML text ({exc.reason})"
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if "maximum nesting depth" in problem:  # libyaml's own limit, beyond MAX_DEPTH
        return Problem(file, line, "", f"mappings and lists are nested more than {MAX_DEPTH} deep")
    msg = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    if text is not None and line is not None:
        source = text.split("\n")[line - 1] if line <= text.count("\n") + 1 else ""
        if re.search(r"[{\[]", source) and re.search(r"[A-Za-z_]\w*\s*\(", source):
            msg += (
                "; inside {...} or [...] YAML splits text at commas: quote distributions, "
                'e.g. {ukraine: "choice([4, 0.5], [0.6, 0.4])"}, or write one key per line'
            )
    return Problem(file, line, "", one_line(msg))


def _scan_events(text: str, file: str) -> list[Problem]:
    """Refuse anchors, aliases, explicit tags and deep nesting before composing anything."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                return [
                    Problem(
                        file,
                        line,
                        "",
                        f"YAML aliases (*{event.anchor}) are not allowed; write the value out",
                    )
                ]
            anchor = getattr(event, "anchor", None)
            if anchor:
                return [
                    Problem(
                        file,
                        line,
                        "",
                        f"YAML anchors (&{anchor}) are not allowed; write the value out",
                    )
                ]
            tag = getattr(event, "tag", None)
            if tag and tag not in ("!", *_STANDARD_TAGS):
                return [
                    Problem(
                        file,
                        line,
                        "",
                        f"YAML tag {_short_tag(tag)} is not allowed; "
                        "scenarios hold plain numbers, text, lists and mappings",
                    )
                ]
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return [
                        Problem(
                            file,
                            line,
                            "",
                            f"mappings and lists are nested more than {MAX_DEPTH} deep",
                        )
                    ]
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        return [_yaml_error(exc, file, text)]
    return []


class _Offsets:
    """Character offset of a (line, column) mark in the text (libyaml's ``index`` may
    count bytes, so offsets are computed from line and column, which count characters)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)

    def __call__(self, mark: yaml.Mark) -> int:
        return self.starts[min(mark.line, len(self.starts) - 1)] + mark.column


def _split_scalar(
    item: yaml.Node, collection: yaml.Node, text: str, offset: _Offsets
) -> tuple[str, int] | None:
    """If ``item`` is a plain scalar that YAML cut at a comma inside ``{...}``/``[...]``
    (more '(' than ')': ``uniform(0.3`` of ``uniform(0.3, 1.0)``), return the text as
    written and the offset where it ends."""
    if not isinstance(item, yaml.ScalarNode) or item.style not in (
        None,
        "",
    ):  # plain: None or "" (libyaml)
        return None
    if item.value.count("(") <= item.value.count(")"):
        return None
    start = offset(item.start_mark)
    stop = min(offset(collection.end_mark) - 1, start + 1000, len(text))
    depth, end = 0, stop
    for j in range(start, stop):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                end = j + 1
                break
    return one_line(text[start:end]), end


#: Numbers that YAML 1.1 (PyYAML) and YAML 1.2 read alike: decimal integers without a
#: leading zero, decimal floats, and the special floats (refused later as not finite).
_SAME_IN_YAML_1_2 = re.compile(
    r"[-+]?(0|[1-9][0-9]*)"
    r"|[-+]?(\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?"
    r"|[-+]?[0-9]+[eE][-+]?[0-9]+"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)


def yaml11_number(node: yaml.ScalarNode) -> str | None:
    """Why a number of YAML 1.1 is refused, or None when YAML 1.2 reads it the same.

    PyYAML reads YAML 1.1, where ``1:30`` is 90 (base 60), ``010`` is 8 (octal), ``1_0`` is
    10 and ``0b101`` is 5; YAML 1.2 (and most other tools) read the first three as text or
    as 10. A scenario must mean the same whatever reads it, so these forms (and hex) are
    refused with what to write instead. The judgement: refusing rather than reading them
    by YAML 1.2 rules, because a file written for YAML 1.1 would then change meaning
    silently.
    """
    text = node.value
    if node.style not in (None, "") or _SAME_IN_YAML_1_2.fullmatch(text):
        return None
    try:
        value = yaml.constructor.SafeConstructor().construct_object(node)
        read = f"{value:g}" if isinstance(value, float) else str(value)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        read = "a number"
    digits = text.lstrip("+-")
    if ":" in text:
        form = "as a number in base 60 (like a time)"
    elif digits.startswith(("0b", "0x", "0o")):
        form = "in base 2" if digits.startswith("0b") else "in base 16"
    elif "_" in text:
        form = "ignoring the _"
    elif digits.startswith("0"):
        form = "in base 8 (a leading zero means octal), where YAML 1.2 reads a decimal"
    else:
        form = "in a form YAML 1.2 does not share"
    return (
        f"YAML 1.1 reads {text} as {read}, {form}; write the number you mean in plain "
        "decimal (e.g. 90, 0.25, 1e-3), or quote it if it is text"
    )


_KEY_KINDS = {
    _TAG_PREFIX + "int": "a number",
    _TAG_PREFIX + "float": "a number",
    _TAG_PREFIX + "bool": "a boolean (yes/no/on/off/true/false)",
    _TAG_PREFIX + "null": "empty (null)",
    _TAG_PREFIX + "timestamp": "a date",
}


class _Walk:
    """Records line numbers and finds structural problems in a composed YAML tree."""

    def __init__(self, text: str, file: str, lines: KeyLines) -> None:
        self.text, self.file, self.lines = text, file, lines
        self.offset = _Offsets(text)
        self.problems: list[Problem] = []

    def add(
        self,
        line: int,
        path: tuple[str, ...],
        message: str,
        value: Any = None,
        has_value: bool = False,
    ) -> None:
        self.problems.append(Problem(self.file, line, ".".join(path), message, value, has_value))

    def walk(self, node: yaml.Node, path: tuple[str, ...]) -> None:
        line = node.start_mark.line + 1
        self.lines.lines.setdefault(path, line)
        if isinstance(node, yaml.ScalarNode):
            if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
                self.add(
                    line,
                    path,
                    f"a number written with {len(node.value)} characters is too long "
                    f"(at most {MAX_NUMBER_CHARS})",
                )
            elif node.tag in _NUMBER_TAGS and (why := yaml11_number(node)) is not None:
                self.add(line, path, why, node.value, True)
            elif node.tag == _TAG_PREFIX + "timestamp":
                try:
                    yaml.constructor.SafeConstructor().construct_yaml_timestamp(node)
                except ValueError as exc:
                    self.add(
                        line,
                        path,
                        f"YAML reads this as a date, but it is not a valid one ({exc}); "
                        "quote it if it is text",
                        node.value,
                        True,
                    )
        elif isinstance(node, yaml.MappingNode):
            self.mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            skip_until = -1
            for i, item in enumerate(node.value):
                if skip_until >= 0 and self.offset(item.start_mark) < skip_until:
                    continue
                child = (*path, str(i))
                split = (
                    _split_scalar(item, node, self.text, self.offset) if node.flow_style else None
                )
                if split:
                    self.add(
                        item.start_mark.line + 1,
                        child,
                        f"YAML split {split[0]!r} at its commas (inside [...] a comma separates "
                        f'items): quote it, e.g. "{split[0]}", or write one item per line',
                    )
                    skip_until = split[1]
                    continue
                self.walk(item, child)

    def mapping(self, node: yaml.MappingNode, path: tuple[str, ...]) -> None:
        seen: dict[str, int] = {}
        skip_until = -1
        for key_node, value_node in node.value:
            if skip_until >= 0 and self.offset(key_node.start_mark) < skip_until:
                continue
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.add(line, path, "keys must be plain text, not a list or mapping")
                continue
            if key_node.tag == _TAG_PREFIX + "merge":
                self.add(line, path, "YAML merge keys (<<) are not allowed; write the keys out")
                continue
            if key_node.tag != _STR_TAG and not (
                key_node.tag in _NUMBER_TAGS and path in NUMBER_KEYS
            ):
                kind = _KEY_KINDS.get(key_node.tag, _short_tag(key_node.tag))
                self.add(
                    line,
                    path,
                    f"keys must be text; YAML reads this key as {kind}: quote it, "
                    f'e.g. "{key_node.value}":',
                )
                continue
            key = key_node.value
            child = (*path, key)
            if key in seen:
                first = f" (first given on line {seen[key]})" if self.file != "--set" else ""
                self.add(line, child, f"duplicate key{first}; give each key once")
                continue
            seen[key] = line
            self.lines.lines[child] = line
            split = (
                _split_scalar(value_node, node, self.text, self.offset) if node.flow_style else None
            )
            if split:
                self.add(
                    line,
                    child,
                    f"YAML split {split[0]!r} at its commas (inside {{...}} a comma separates "
                    f'entries): quote it, e.g. {key}: "{split[0]}", '
                    "or write the mapping one key per line",
                )
                skip_until = split[1]
                continue
            self.walk(value_node, child)


def compose(text: str, file: str, lines: KeyLines, path: tuple[str, ...] = ()) -> yaml.Node | None:
    """Safely compose ``text`` into a checked node tree (``None`` for an empty document).

    Anchors, aliases, tags and deep nesting are refused before composing; then the tree
    is walked once to record the line of every key path in ``lines`` (under ``path``) and
    to find duplicate or non-text keys and values YAML split at their commas.
    Raises :class:`ScenarioError` listing the problems.
    """
    problems = _scan_events(text, file)
    if problems:
        raise ScenarioError(problems)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:  # e.g. several documents in one file
        raise ScenarioError([_yaml_error(exc, file, text)]) from None
    except RecursionError:  # pragma: no cover - nesting is bounded by _scan_events
        raise ScenarioError([Problem(file, None, "", "the YAML is nested too deeply")]) from None
    if node is not None:
        walk = _Walk(text, file, lines)
        walk.walk(node, path)
        if walk.problems:
            raise ScenarioError(walk.problems)
    return node


def construct(node: yaml.Node, file: str) -> Any:
    """Build Python objects from a checked node tree with PyYAML's safe constructor."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # e.g. a bad date
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ScenarioError(
            [
                Problem(
                    file,
                    None if line is None else line + 1,
                    "",
                    one_line(f"cannot read a value: {exc}"),
                )
            ]
        ) from None
    finally:
        loader.dispose()


def load_yaml(text: str, file: str) -> tuple[Any, KeyLines]:
    """The mapping a scenario's YAML text holds, and the line of each of its key paths.

    Raises :class:`ScenarioError` for anything that is not one safe YAML mapping.
    """
    lines = KeyLines()
    node = compose(text, file, lines)
    if node is None or (
        isinstance(node, yaml.ScalarNode) and node.tag == _TAG_PREFIX + "null" and not node.value
    ):
        raise ScenarioError(
            [
                Problem(
                    file,
                    None,
                    "",
                    "the file is empty; a scenario is a YAML mapping "
                    "with title, horizon, actors, regions and terms",
                )
            ]
        )
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError(
            [
                Problem(
                    file,
                    node.start_mark.line + 1,
                    "",
                    "a scenario must be a YAML mapping (key: value lines) at the top level",
                )
            ]
        )
    return construct(node, file), lines


def is_refusal(problem: Problem) -> bool:
    """True for a problem that refuses YAML outright (a tag, an anchor, an alias, nesting)."""
    return problem.message.startswith(
        ("YAML tag", "YAML anchors", "YAML aliases", "mappings and lists are nested", "YAML 1.1")
    )
