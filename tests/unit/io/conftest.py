"""Small results to write and read back (seven draws of a one-region scenario)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.montecarlo import run
from sim.scenario import parse_scenario_text
from tests.helpers import one_region

#: One uncertain number (the incident hazard), so the draws table has a parameter column.
SMALL = one_region(incident="uniform(0.0, 0.1)", horizon=4, draws=7)


@pytest.fixture
def small_result():
    """``small_result(seed=1, **run_options)``: a fresh seven-draw Result, no figures."""

    def make(seed: int = 1, **options):
        scn = parse_scenario_text(SMALL, "small.yaml", default_name="small")
        return run(scn, draws=options.pop("draws", 7), seed=seed, **options)

    return make


@pytest.fixture
def partials():
    """``partials(parent)``: the hidden temporary (.tmp-/.old-) folders left in ``parent``."""

    def find(parent: Path) -> list[str]:
        if not parent.is_dir():
            return []
        return [p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name]

    return find
