"""What a scenario file says about each of its numbers: the YAML comment on its line.

The shipped scenarios say of every number whether it is a public figure (with its source)
or a judgement, in a comment on the number's line::

    war_cost: lognormal(1.8, 0.7)   # judgement: median e^1.8 = 6.0 quarters; 90% in 1.9-19
    # Bonus to the strength of the side that attacks first. ...
    first_strike: uniform(0.0, 0.30)   # judgement (see comment above)

:func:`key_comments` finds, for each key path, the line of its key (through the line map
the scenario loader keeps, :func:`sim.scenario.yaml_load.load_yaml`) and reads the trailing
comment of that line (:func:`trailing_comment`); when the line has none, or its comment
points to the one above ("see comment above"), the block of comment lines just above the
key is read too (:func:`comment_above`). :func:`comment_kind` tells a public figure from a
judgement by the comment's first words.

A judgement: the comment is read from the text, not from a YAML library's comment
support. PyYAML drops comments, and a round-trip parser (ruamel.yaml) would be a second
YAML reader beside the safe one the loader uses, with its own idea of which comment
belongs to which key; the scanner here only has to know YAML's rule that a ``#`` starts
a comment when it is outside quotes and follows white space (or starts the line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "Comment",
    "comment_above",
    "comment_kind",
    "key_comments",
    "trailing_comment",
]

#: What a comment may say a number is, by its first words (a comment that says neither
#: gets the kind ``""``).
KINDS = ("public figure", "judgement")
#: A trailing comment that points the reader to the comment block above its line.
_POINTS_ABOVE = re.compile(r"\bsee (the )?comments? above\b|\(see above\)", re.IGNORECASE)
#: Characters after which a quote opens a quoted scalar (else it is part of a plain one).
_QUOTE_OPENERS = " \t,[{:-?"


@dataclass(frozen=True)
class Comment:
    """What the scenario file says about one key path.

    Attributes
    ----------
    text
        The trailing comment of the key's line (``""`` if none).
    above
        The comment block just above the key, when the line has no comment of its own
        or its comment points to it ("see comment above"); else ``""``.
    kind
        ``"public figure"``, ``"judgement"``, ``"--set"`` for a value given on the
        command line, or ``""`` when the comment says neither.
    line
        The key's line in the file (1-based), None when it is not in the file.
    """

    text: str = ""
    above: str = ""
    kind: str = ""
    line: int | None = None


def trailing_comment(line: str) -> str:
    """The comment at the end of one YAML line, without its ``#`` (``""`` if none).

    A ``#`` starts a comment when it begins the line or follows a space or tab and is
    outside a quoted scalar; quotes open only where a scalar can start (after a space,
    ``:``, ``,``, ``[``, ``{``, ``-``), so the apostrophe of ``Russia's`` is text.
    """
    quote = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote == '"':
            if c == "\\":
                i += 2
                continue
            if c == '"':
                quote = None
        elif quote == "'":
            if c == "'":
                if line[i + 1 : i + 2] == "'":  # '' is an escaped quote
                    i += 2
                    continue
                quote = None
        elif c in "\"'" and (i == 0 or line[i - 1] in _QUOTE_OPENERS):
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i + 1 :].strip()
        i += 1
    return ""


def comment_above(lines: Sequence[str], index: int) -> str:
    """The block of comment-only lines just above ``lines[index]``, joined into one text.

    The block ends at the first line above that is blank or holds anything but a
    comment; a line of only ``#`` inside the block is a paragraph break (kept as one
    space).
    """
    block: list[str] = []
    i = index - 1
    while i >= 0:
        stripped = lines[i].strip()
        if not stripped.startswith("#"):
            break
        block.append(stripped.lstrip("#").strip())
        i -= 1
    return " ".join(part for part in reversed(block) if part)


def comment_kind(text: str) -> str:
    """``"public figure"`` or ``"judgement"`` when ``text`` starts so, else ``""``.

    "judgment" (the American spelling) counts as a judgement.
    """
    head = text.strip().lower()
    if head.startswith("public figure"):
        return "public figure"
    if head.startswith(("judgement", "judgment")):
        return "judgement"
    return ""


def key_comments(
    text: str,
    paths: Iterable[str],
    overrides: Sequence[tuple[str, object]] = (),
    file: str = "scenario",
) -> dict[str, Comment]:
    """The comment of each key path in a scenario's YAML ``text``.

    Parameters
    ----------
    text
        The scenario file's text (a result's ``manifest["scenario_text"]``).
    paths
        Key paths, e.g. ``actors.russia.war_cost`` or
        ``events.support_fades.changes.actors.ukraine.ceiling``.
    overrides
        The run's ``--set`` overrides, ``(key path, value)``: a key set there (or under a
        key set there) gets the comment ``set on the command line: --set KEY=VALUE``.
    file
        The file's name, for the error raised when ``text`` is not a scenario's YAML.

    Returns
    -------
    dict
        Key path -> :class:`Comment`; an empty :class:`Comment` for a path not in the
        file. Text that does not parse as YAML gives every path an empty comment.
    """
    from sim.scenario import ScenarioError
    from sim.scenario.yaml_load import load_yaml

    try:
        _, key_lines = load_yaml(text, file) if text.strip() else (None, None)
    except ScenarioError:
        key_lines = None
    where = {".".join(p): n for p, n in key_lines.lines.items()} if key_lines else {}
    lines = text.splitlines()
    out: dict[str, Comment] = {}
    for path in paths:
        override = _override(path, overrides)
        if override is not None:
            out[path] = Comment(f"set on the command line: --set {override}", "", "--set", None)
            continue
        line = where.get(path)
        if line is None or not 0 < line <= len(lines):
            out[path] = Comment()
            continue
        own = trailing_comment(lines[line - 1])
        above = comment_above(lines, line - 1) if not own or _POINTS_ABOVE.search(own) else ""
        out[path] = Comment(own, above, comment_kind(own or above), line)
    return out


def _override(path: str, overrides: Sequence[tuple[str, object]]) -> str | None:
    """``KEY=VALUE`` of the override that sets ``path`` (or a key above it), else None."""
    for key, value in overrides:
        if path == key or path.startswith(key + "."):
            return f"{key}={value}"
    return None
