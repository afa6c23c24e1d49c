"""What can be wrong with a scenario: :class:`Problem`, :class:`ScenarioError`, and the
line map that says where a key path is in the file.

Every problem names the file, the line, the key path, the bad value and what is allowed,
on one line: ``file:line: key.path: message (got value)``. A key set by ``--set`` is
reported as file ``--set`` without a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["KeyLines", "Problem", "ScenarioError", "dedupe", "one_line", "problem_at", "short"]


#: Longest key path a problem shows whole (a longer one is cut, with its length).
MAX_PATH_CHARS = 120


def one_line(text: str) -> str:
    """``text`` with every run of white space (newlines included) made one space."""
    return " ".join(str(text).split())


def short(value: Any, limit: int = 60) -> str:
    """``repr(value)`` on one line, cut to ``limit`` characters."""
    try:
        text = repr(value)
    except Exception:  # e.g. an int too long to print  # noqa: BLE001
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())  # one line, always
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario."""

    file: str
    line: int | None
    path: str
    message: str
    value: Any = None
    has_value: bool = False

    def __str__(self) -> str:
        """``file:line: key.path: message (got value)``, always one line."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        path = (
            self.path if self.path.isprintable() else repr(self.path)
        )  # e.g. a key with a newline
        if len(path) > MAX_PATH_CHARS:  # a key pasted by mistake: say how long, not all of it
            path = f"{path[: MAX_PATH_CHARS - 20]}... ({len(self.path):,} characters)"
        key = f" {path}:" if self.path else ""
        got = f" (got {short(self.value)})" if self.has_value else ""
        return f"{where}:{key} {one_line(self.message)}{got}"


class ScenarioError(ValueError):
    """A scenario (or an override) is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class KeyLines:
    """Key path -> line number (1-based) of the YAML node, and the ``--set`` key paths.

    Filled while the YAML is read (:mod:`sim.scenario.yaml_load`) and the overrides are
    applied (:mod:`sim.scenario.overrides`); read when a problem is reported.
    """

    def __init__(self) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        self.overridden: set[tuple[str, ...]] = set()

    def line_for(self, path: tuple[str, ...]) -> int | None:
        """The line of ``path``, or of its nearest ancestor in the file (``None``: none)."""
        p = tuple(path)
        while True:
            if p in self.lines:
                return self.lines[p]
            if not p:
                return None
            p = p[:-1]

    def is_override(self, path: tuple[str, ...]) -> bool:
        """True when ``path`` is, or lies under, a key set or created by ``--set``."""
        path = tuple(path)
        in_file = len(path)
        while in_file and path[:in_file] not in self.lines:
            in_file -= 1
        for o in self.overridden:
            if path[: len(o)] == o:
                return True
            common = 0
            while common < min(len(o), len(path)) and o[common] == path[common]:
                common += 1
            if common > in_file:  # path[:common] is not in the file: --set created it
                return True
        return False


def problem_at(
    file: str,
    lines: KeyLines,
    path: tuple[str, ...],
    message: str,
    value: Any = None,
    has_value: bool = False,
) -> Problem:
    """A problem at ``path``: on its line in ``file``, or in ``--set`` when it was set there."""
    if lines.is_override(path):
        return Problem("--set", None, ".".join(path), message, value, has_value)
    return Problem(file, lines.line_for(path), ".".join(path), message, value, has_value)


def dedupe(problems: list[Problem]) -> list[Problem]:
    """``problems`` without repeats of the same message at the same key path."""
    seen, out = set(), []
    for p in problems:
        k = (p.path, p.message)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out
