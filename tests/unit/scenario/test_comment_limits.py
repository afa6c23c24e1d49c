"""One source of truth: what a shipped scenario's comments say about a key's limits is
what the schema enforces.

A comment block just above a key (or on its line) that states a bound for it (``the key
must be >= 0``, ``must be in [0, 1]``, ``> -1``) must state the bound of that key's schema.
This caught the flagship's old "the key must be >= 0" above ``first_strike``, whose schema
takes any value > -1.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT
from tests.unit.scenario.schema_paths import limits
from tests.unit.scenario.test_readme import _NUM, _agrees, _candidates, _stated_range

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
_BOUND = re.compile(rf"must be ((?:>=|>|<=|<|in) [\[(]?{_NUM}(?:, {_NUM}[\])])?)")
_KEY = re.compile(r"^(\s*)([a-z_][a-z0-9_]*):")


def claims(text: str) -> list[tuple[int, str, str]]:
    """(line, key, stated bound) for each bound a comment states about the key it is on or
    just above."""
    out, pending = [], []
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#"):
            pending += [m[1] for m in _BOUND.finditer(stripped)]
            continue
        m = _KEY.match(line)
        if m:
            on_line = line.split("#", 1)[1] if "#" in line else ""
            for bound in pending + [b[1] for b in _BOUND.finditer(on_line)]:
                out.append((n, m[2], bound))
        pending = []
    return out


def test_the_claim_reader_catches_the_old_first_strike_comment():
    old = (
        "war:\n  # Bonus to the side that attacks first. The model cannot give the\n"
        "  # defender an advantage (the key must be >= 0); 0 stands for a defence.\n"
        "  first_strike: uniform(0.0, 0.30)\n"
    )
    ((line, key, bound),) = claims(old)
    assert (line, key, bound) == (4, "first_strike", ">= 0")
    assert not any(_agrees(_stated_range(bound), limits(k.path)) for k in _candidates(key))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_comments_state_the_limits_the_schema_enforces(path):
    bad = []
    for line, key, bound in claims(path.read_text(encoding="utf-8")):
        keys = _candidates(key)
        if keys and not any(_agrees(_stated_range(bound), limits(k.path)) for k in keys):
            bad.append(f"{path.name}:{line}: {key}: the comment says 'must be {bound}'")
    assert not bad, bad
