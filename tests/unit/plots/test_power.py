"""The balance-of-power figure, and the grouping of event states with equal curves."""

from __future__ import annotations

from sim import plots
from sim.plots.power import inert_events, power_groups
from tests.unit.plots.util import legend_texts


def test_power_figure(result):
    ax = plots.plot_power(result)
    a = result.scenario.display_name(result.scenario.actor_ids[0])
    assert result.title in ax.get_title()
    assert a in ax.get_ylabel() and ax.get_xlabel() == "years since the ceasefire began"
    groups = power_groups(result.power)
    n_states = result.power["state"].nunique()
    assert 1 <= len(groups) <= n_states
    assert sorted(s for _, states in groups for s in states) == sorted(
        result.power["state"].unique()
    )
    medians = [ln for ln in ax.lines if not ln.get_label().startswith("_")]
    assert len(medians) == len(groups)
    legend = legend_texts(ax)
    assert legend[-2:] == ["middle 50% of draws", "middle 90% of draws"]
    assert len(ax.collections) == 2 * len(groups)  # two bands per curve


def test_power_groups_merge_states_with_equal_curves():
    import pandas as pd

    def curve(state, values):
        return pd.DataFrame(
            {
                "state": state,
                "period": [0, 1],
                "years": [0.0, 1.0],
                "median": values,
                "q05": values,
                "q25": values,
                "q75": values,
                "q95": values,
            }
        )

    power = pd.concat(
        [
            curve("none", [0.5, 0.6]),
            curve("a", [0.5, 0.8]),
            curve("b", [0.5, 0.6]),
            curve("a+b", [0.5, 0.8]),
        ]
    )
    groups = power_groups(power)
    assert groups == [(frozenset(), ["none", "b"]), (frozenset({"a"}), ["a", "a+b"])]
    assert inert_events(power, groups) == ["b"]
