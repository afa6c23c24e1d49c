"""A five-year run to analyse (300 draws), in memory and saved."""

from __future__ import annotations

import pytest

import sim
from tests.helpers import FREEZE

#: horizon of five years (quarters): the 1, 2 and 5-year marks, and quick runs
FIVE_YEARS = {"horizon": 20}


@pytest.fixture(scope="session")
def result():
    return sim.run(FREEZE, draws=300, seed=5, overrides=FIVE_YEARS)


@pytest.fixture(scope="session")
def saved(result, tmp_path_factory):
    """The same run written to a folder (its draws then come from draws.parquet)."""
    return result.save(tmp_path_factory.mktemp("analysis") / "run", plots=False)
