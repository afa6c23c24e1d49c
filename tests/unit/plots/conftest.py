"""A five-year run to draw (300 draws); figures are closed after each test."""

from __future__ import annotations

import matplotlib
import pytest

import sim
from tests.helpers import FREEZE

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

#: horizon of five years (quarters): the 1, 2 and 5-year marks, and quick runs
FIVE_YEARS = {"horizon": 20}


@pytest.fixture(scope="session")
def result():
    return sim.run(FREEZE, draws=300, seed=5, overrides=FIVE_YEARS)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
