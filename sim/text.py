"""User text: what it may hold on the way in, and how it is made safe on the way out.

A scenario's title and labels, a run's ``--label`` and the key paths a user types travel
to four media: a terminal (where an escape sequence such as ``ESC[2J`` is a command),
rich's markup (where ``[/b]`` is a tag), matplotlib (where ``$...$`` is mathtext) and SVG
(XML, which cannot hold most control characters at all). The rule is: **refuse on the way
in, escape on the way out.**

* :func:`text_problem` says what is wrong with a text a user gives (a control character,
  a line break in one-line text, more than a set number of characters); the scenario
  format and ``--label`` refuse such text with that message.
* :func:`visible` makes any text safe for a terminal or a figure whatever its origin (a
  result folder written elsewhere may hold anything): control characters are shown as
  ``\\x1b``-style escapes and the length is capped. Markup escaping is the medium's own
  (``rich.markup.escape``; ``$`` for matplotlib in :mod:`sim.plots.style`).

A judgement: refusing control characters rather than silently dropping them at input
means a title never differs from what the file says; the alternative (stripping them)
would let two different files give the same title.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CONTROL", "cap", "text_problem", "visible"]

#: Characters that are commands, not text, in a terminal or XML: C0 controls, DEL, C1
#: controls, the Unicode line and paragraph separators and the bidirectional overrides
#: (which make text display in a different order than it is stored).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: In text that may span lines (a description, a note) these are allowed.
_LINE_BREAKS = "\n\t\r"


def text_problem(text: str, *, max_chars: int | None = None, one_line: bool = True) -> str | None:
    """What is wrong with ``text`` as user text, or None if nothing is.

    Parameters
    ----------
    text
        The text.
    max_chars
        The most characters allowed (None: no limit).
    one_line
        Refuse line breaks and tabs too (titles and labels are one line).

    Returns
    -------
    str or None
        A message such as ``holds the control character U+001B at character 6; ...``.
    """
    if max_chars is not None and len(text) > max_chars:
        return f"is {len(text):,} characters long; at most {max_chars:,} characters are allowed"
    for m in CONTROL.finditer(text):
        ch = m.group()
        if not one_line and ch in _LINE_BREAKS:
            continue
        name = unicodedata.name(ch, "a control character")
        what = "a line break or tab" if ch in _LINE_BREAKS else f"{name.lower()}"
        allowed = "one line of printable text" if one_line else "printable text and line breaks"
        return (
            f"holds {what} (U+{ord(ch):04X}) at character {m.start() + 1}; "
            f"it may hold {allowed} only"
        )
    return None


def cap(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in ``…`` when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "\u2026"


def _escape(m: re.Match) -> str:
    ch = m.group()
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def visible(text: object, limit: int | None = 200, *, keep_newlines: bool = False) -> str:
    """``text`` made safe to print or draw: controls shown as escapes, length capped.

    Parameters
    ----------
    text
        Anything; it is converted with ``str``.
    limit
        The most characters shown (None: all).
    keep_newlines
        Keep line breaks (for several lines of output) instead of escaping them.
    """
    s = str(text)
    if limit is not None:
        s = cap(s, limit)
    if keep_newlines:
        return "\n".join(CONTROL.sub(_escape, line) for line in s.split("\n"))
    return CONTROL.sub(_escape, s)
