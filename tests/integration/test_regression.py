"""Fixed-seed runs against stored figures: speed (or any refactor) may not move a number.

Each case of :mod:`tests.regression_figures` is run again and compared, figure by
figure and to the bit, with ``tests/data/regression/figures.json``. A model change that
moves figures on purpose regenerates that file (the command is in
:mod:`tests.regression_figures`) in the same commit.
"""

from __future__ import annotations

import json

import pytest

from tests import regression_figures as rf

STORED = json.loads(rf.STORED.read_text())


def test_the_stored_figures_cover_every_case():
    assert STORED["draws"] == rf.DRAWS and STORED["seed"] == rf.SEED
    assert sorted(STORED["cases"]) == sorted(name for name, _, _ in rf.CASES)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "scenario", "sets"), rf.CASES, ids=[c[0] for c in rf.CASES])
def test_a_fixed_seed_run_gives_the_stored_figures(name, scenario, sets):
    want = STORED["cases"][name]
    got = json.loads(json.dumps(rf.figures(scenario, sets)))  # as stored: floats by repr
    moved = [k for k in want["summary"] if repr(got["summary"].get(k)) != repr(want["summary"][k])]
    assert not moved, {k: (want["summary"][k], got["summary"].get(k)) for k in moved[:10]}
    assert sorted(got["summary"]) == sorted(want["summary"])
    for table in ("survival", "breakdown"):
        assert sorted(got[table]) == sorted(want[table]), table
        for col, values in want[table].items():
            mine = got[table][col]
            assert len(mine) == len(values), (table, col)
            # compared as text, so that a NaN equals a NaN
            diff = [
                i for i, (a, b) in enumerate(zip(values, mine, strict=True)) if repr(a) != repr(b)
            ]
            assert not diff, (table, col, [(i, values[i], mine[i]) for i in diff[:5]])
    assert got["draws_sha256"] == want["draws_sha256"], "the draws table changed"
