"""The sensitivity table: the lowest against the highest quarter of each assumption."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim import plots
from sim.analysis import parameter_columns, sensitivity_table, target_column
from sim.io import load_result


def test_sensitivity_table_largest_first(result):
    table = sensitivity_table(result)
    assert table.attrs["target"] == "p_holds_5y"
    assert set(table["key"]) <= set(result.scenario.uncertain())
    assert len(table) >= 10
    swings = table["swing"].abs().to_numpy()
    assert np.all(swings[:-1] >= swings[1:])
    # the baseline is the headline estimate (mean over the same draws)
    assert table.attrs["baseline"] == pytest.approx(
        result.summary["p_holds"]["5y"]["estimate"], abs=1e-9
    )
    row = table.set_index("key").loc["actors.russia.rebuild_rate"]
    assert row["name"] == "russia rebuild_rate"
    assert row["n_low"] + row["n_high"] == pytest.approx(0.5 * 300, abs=2)


def test_sensitivity_reads_the_draws_of_a_saved_result(saved, result):
    loaded = load_result(saved, draws=False)
    assert loaded.draws.empty
    a, b = sensitivity_table(loaded), sensitivity_table(result)
    assert list(a["key"]) == list(b["key"])
    np.testing.assert_allclose(a["swing"], b["swing"], rtol=1e-12)


def test_plots_re_exports_the_table():
    assert plots.sensitivity_table is sensitivity_table


def test_target_column_prefers_five_years_then_the_longest():
    assert target_column(["p_holds_1y", "p_holds_5y", "p_holds_10y"]) == "p_holds_5y"
    assert target_column(["p_holds_1y", "p_holds_2y", "p_holds_end"]) == "p_holds_2y"
    assert target_column(["p_holds_end", "draw"]) == "p_holds_end"
    assert target_column(["draw"]) is None


def test_parameter_columns_are_the_uncertain_keys(result):
    columns = list(result.draws.columns)
    params = parameter_columns(result, columns)
    assert params and set(params) <= set(result.scenario.uncertain())

    # without a scenario: every column that looks like a key path
    assert set(parameter_columns(SimpleNamespace(scenario=None), columns)) >= set(params)


def test_without_a_target_the_table_is_empty():
    table = sensitivity_table(SimpleNamespace(draws=pd.DataFrame({"x": [1.0]})))
    assert table.empty and table.attrs["target"] is None and np.isnan(table.attrs["baseline"])
