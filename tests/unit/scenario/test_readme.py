"""Tests for sim.scenario.readme: the README's format table is current, and what the README
says about the limits of keys is what the schema enforces."""

from __future__ import annotations

import re

import pytest

from sim.scenario import KEYS, MAX_EVENTS, format_table
from sim.scenario.keys import NUMBER, REAL, WHOLE
from sim.scenario.readme import BEGIN, END, main, readme_block, with_format_table
from tests.helpers import ROOT
from tests.unit.scenario.schema_paths import limits

README = ROOT / "scenarios" / "README.md"
NUMBER_KEYS = [k for k in KEYS if k.kind in (NUMBER, WHOLE, REAL)]
_NUM = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"


def _text() -> str:
    return README.read_text(encoding="utf-8")


def test_readme_format_table_is_current():
    block = readme_block(_text())
    assert block is not None, f"scenarios/README.md needs the markers {BEGIN} ... {END}"
    assert block == format_table(), (
        "the README's format table is stale: run "
        ".venv/bin/python -m sim.scenario --write scenarios/README.md"
    )
    assert with_format_table(_text()) == _text()


def test_main_check_and_write(tmp_path, capsys):
    copy = tmp_path / "README.md"
    copy.write_text(_text().replace("| `war.first_strike` | number > -1", "| x | y"))
    assert main(["--check", str(copy)]) == 1
    assert main(["--write", str(copy)]) == 0
    assert copy.read_text() == _text()
    assert main(["--check", str(copy)]) == 0
    assert main([]) == 0 and format_table() in capsys.readouterr().out
    assert main(["--bogus"]) == 2


def _stated_range(cell: str) -> tuple:
    """(lo, hi, lo_open, hi_open) from a cell such as ``number in (0, 1)`` or ``number > -1``."""
    m = re.search(rf"in ([\[(])({_NUM}), ({_NUM})([\])])", cell)
    if m:
        return float(m[2]), float(m[3]), m[1] == "(", m[4] == ")"
    m = re.search(rf"(>=|>|<=|<) ({_NUM})", cell)
    if m:
        lower = m[1].startswith(">")
        value = float(m[2])
        return (value, None, m[1] == ">", False) if lower else (None, value, False, m[1] == "<")
    assert "any number" in cell, cell
    return None, None, False, False


def _rows() -> dict[str, list[str]]:
    rows = {}
    for line in (readme_block(_text()) or "").splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0].strip("`")] = cells
    return rows


def _same(stated: tuple, schema: tuple) -> bool:
    num = [None if x is None else float(x) for x in (*stated[:2], *schema[:2])]
    return num[:2] == num[2:] and stated[2:] == schema[2:]


@pytest.mark.parametrize("k", NUMBER_KEYS, ids=lambda k: k.path)
def test_limits_in_the_readme_table_agree_with_the_schema(k):
    rows = _rows()
    assert k.path in rows, f"{k.path} is not in the README's format table"
    stated = _stated_range(rows[k.path][1])
    assert _same(stated, limits(k.path)), (k.path, rows[k.path][1], limits(k.path))


def _prose() -> str:
    """The README outside every generated block."""
    return re.sub(r"<!-- BEGIN .*?<!-- END [^>]*-->", "", _text(), flags=re.S)


def _candidates(token: str) -> list:
    """The number keys a backticked token may name: ``first_strike``, ``war.first_strike``,
    ``actors.russia.discount``."""
    parts = token.split(".")
    return [
        k
        for k in NUMBER_KEYS
        if k.name == parts[-1] and (len(parts) == 1 or k.path.split(".")[0] == parts[0])
    ]


def test_limits_stated_in_the_readme_prose_agree_with_the_schema():
    """A sentence that names a number key and states a bound (``must be >= 0``, ``> -1``,
    ``in [0, 1]``) must state the bound the schema enforces."""
    text = _prose()
    bad = []
    for sentence in re.split(r"(?<=[.;:])\s+|\n\s*\n", text):
        sentence = " ".join(sentence.split())
        for m in re.finditer(r"`([a-z_.]+)`", sentence):
            keys = _candidates(m[1])
            rest = sentence[m.end() :]
            bound = re.match(rf"[^`]*?(?:must be|is|,|\() ?((?:>=|>|<=|<|in) [\[(]?{_NUM})", rest)
            if not keys or not bound:
                continue
            stated = _stated_range(bound[1] + ("" if "in" not in bound[1] else rest))
            if not any(_agrees(stated, limits(k.path)) for k in keys):
                bad.append(f"{m[1]}: {bound[1]!r} in {sentence[:80]!r}")
    assert not bad, bad


def _agrees(stated: tuple, schema: tuple) -> bool:
    """A one-sided statement agrees with the same side of the schema's range."""
    lo, hi, lo_open, hi_open = stated
    if lo is not None and hi is None:
        return schema[0] is not None and float(schema[0]) == lo and schema[2] == lo_open
    if hi is not None and lo is None:
        return schema[1] is not None and float(schema[1]) == hi and schema[3] == hi_open
    return _same(stated, schema)


def test_prose_limit_check_catches_the_old_first_strike_claim():
    old = "`war.first_strike` must be >= 0, so a front where attacking costs more"
    m = re.search(r"`([a-z_.]+)`", old)
    bound = re.match(rf"[^`]*?(?:must be|is|,|\() ?((?:>=|>|<=|<|in) [\[(]?{_NUM})", old[m.end() :])
    keys = _candidates(m[1])
    assert keys and bound
    assert not any(_agrees(_stated_range(bound[1]), limits(k.path)) for k in keys)
    assert any(_agrees(_stated_range("> -1"), limits(k.path)) for k in keys)


def test_no_stale_limitations():
    limitations = _text().split("## Limitations met while writing these scenarios", 1)[1]
    assert "first_strike` must be >= 0" not in limitations
    assert "same for either holder" not in limitations
    assert "take one value whoever holds" not in limitations


def test_readme_states_the_group_limits():
    rows = _rows()
    assert rows["actors.<id>"][1].endswith("exactly 2")
    assert rows["regions.<id>"][1].endswith("at least 1")
    assert rows["events.<id>"][1].endswith(f"at most {MAX_EVENTS}")
