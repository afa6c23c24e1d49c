"""Readable names of scenario key paths."""

from __future__ import annotations

import pytest

from sim import plots
from sim.scenario import readable_key


@pytest.mark.parametrize(
    "key,name",
    [
        ("actors.russia.rebuild_rate", "russia rebuild_rate"),
        ("regions.independence.value.russia", "independence value to russia"),
        ("regions.land_bridge.effects.power", "land_bridge power effect"),
        ("events.support_fades.hazard", "support_fades hazard"),
        (
            "events.support_fades.changes.actors.ukraine.ceiling",
            "ukraine ceiling after support_fades",
        ),
        ("war.outcomes.ukraine.crimea.ukraine", "crimea share to ukraine if ukraine wins"),
        ("war.first_strike", "war first_strike"),
        ("solver.selection", "selection rule"),  # a sampled rule in the tornado
        ("solver.method", "solver.method"),  # not plotted: the path as it is
    ],
)
def test_readable_key(key, name):
    assert readable_key(key) == name
    assert plots.readable_key(key) == name  # re-exported by sim.plots
