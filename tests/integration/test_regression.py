"""Fixed-seed runs against stored figures: speed (or any refactor) may not move a number.

Floats are compared to 1e-10 relative and the draws table at 12 significant digits, so
that the test holds across CPUs and numpy builds (whose SIMD exp and log may differ in
the last bit); bit-identity on one machine is ``benchmarks/fingerprint.py``'s check.

Each case of :mod:`tests.regression_figures` is run again and compared, figure by
figure, with ``tests/data/regression/figures.json``. A model change that
moves figures on purpose regenerates that file (the command is in
:mod:`tests.regression_figures`) in the same commit.
"""

from __future__ import annotations

import json
import math

import pytest

from tests import regression_figures as rf

STORED = json.loads(rf.STORED.read_text())


def _same(a, b) -> bool:
    """Equal, a float to 1e-10 relative (the last bits may differ between CPUs and numpy
    builds; a model change moves figures far more), a NaN equal to a NaN."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-13)
    return repr(a) == repr(b)


def test_the_stored_figures_cover_every_case():
    assert STORED["draws"] == rf.DRAWS and STORED["seed"] == rf.SEED
    assert sorted(STORED["cases"]) == sorted(name for name, _, _ in rf.CASES)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "scenario", "sets"), rf.CASES, ids=[c[0] for c in rf.CASES])
def test_a_fixed_seed_run_gives_the_stored_figures(name, scenario, sets):
    want = STORED["cases"][name]
    got = json.loads(json.dumps(rf.figures(scenario, sets)))  # as stored: floats by repr
    moved = [k for k in want["summary"] if not _same(got["summary"].get(k), want["summary"][k])]
    assert not moved, {k: (want["summary"][k], got["summary"].get(k)) for k in moved[:10]}
    assert sorted(got["summary"]) == sorted(want["summary"])
    for table in ("survival", "breakdown"):
        assert sorted(got[table]) == sorted(want[table]), table
        for col, values in want[table].items():
            mine = got[table][col]
            assert len(mine) == len(values), (table, col)
            # compared as text, so that a NaN equals a NaN
            diff = [i for i, (a, b) in enumerate(zip(values, mine, strict=True)) if not _same(a, b)]
            assert not diff, (table, col, [(i, values[i], mine[i]) for i in diff[:5]])
    assert got["draws_sha256"] == want["draws_sha256"], "the draws table changed"
