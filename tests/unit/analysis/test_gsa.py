"""Sensitivity indices (sim.analysis.gsa): the Ishigami function's known indices, and a run's.

The Ishigami function f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3 has known
first and total indices (Ishigami and Homma 1990; Sobol' and Levitan 1999). The same code
path a run takes (:func:`indices` on the columns of a draws table, with the run's
samplers) must find them within its 95% intervals, and the intervals must be narrow
enough for that to mean something.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import sensitivity_indices
from sim.analysis.gsa import COLUMNS, check_saltelli, indices
from sim.beliefs import uniform_points

A, B = 7.0, 0.1
V = A**2 / 8 + B * np.pi**4 / 5 + B**2 * np.pi**8 / 18 + 0.5
V1 = 0.5 * (1 + B * np.pi**4 / 5) ** 2
V2 = A**2 / 8
V13 = B**2 * np.pi**8 * (1 / 18 - 1 / 50)
S1 = {"x1": V1 / V, "x2": V2 / V, "x3": 0.0}
ST = {"x1": (V1 + V13) / V, "x2": V2 / V, "x3": V13 / V}


def ishigami(u: np.ndarray) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def frame(u):
    return pd.DataFrame(u, columns=["x1", "x2", "x3"])


def test_known_values():
    assert S1["x1"] == pytest.approx(0.3139, abs=1e-4) and S1["x2"] == pytest.approx(
        0.4424, abs=1e-4
    )
    assert ST["x1"] == pytest.approx(0.5576, abs=1e-4) and ST["x3"] == pytest.approx(
        0.2437, abs=1e-4
    )


def contains(table, method, measure, truth, width):
    part = table[(table["method"] == method) & (table["measure"] == measure)].set_index("key")
    assert set(part.index) == set(truth)
    for k, v in truth.items():
        lo, hi = part.at[k, "ci_low"], part.at[k, "ci_high"]
        assert lo <= v <= hi, f"{method} {measure} {k}: {v:.4f} not in [{lo:.4f}, {hi:.4f}]"
        assert hi - lo < width, f"{method} {measure} {k}: interval {hi - lo:.3f} too wide"


@pytest.mark.parametrize("sampler", ["lhs", "random", "sobol"])
def test_given_data_first_order_indices_of_ishigami(sampler):
    u = uniform_points(sampler, 3, 0, 8192, 1, 8192)
    table = indices(frame(u), ishigami(u), seed=1)
    contains(table, "rbd_fast", "S1", S1, width=0.06)
    assert list(table["rank"][:3]) == [1, 2, 3] and list(table["key"][:2]) == ["x2", "x1"]


def test_sobol_first_and_total_indices_of_ishigami_on_the_saltelli_design():
    n = 2048 * 5  # 2048 groups of d + 2 = 5 rows
    u = uniform_points("saltelli", 3, 0, n, 4, n)
    table = indices(frame(u), ishigami(u), seed=4, design="saltelli")
    contains(table, "sobol", "S1", S1, width=0.15)
    contains(table, "sobol", "ST", ST, width=0.15)
    contains(table, "rbd_fast", "S1", S1, width=0.12)  # on the design's A and B rows
    assert set(table["draws"][table["method"] == "sobol"]) == {n}


def test_columns_and_reproducibility():
    u = uniform_points("lhs", 3, 0, 2000, 2, 2000)
    a = indices(frame(u), ishigami(u), seed=9, outcome="holds_2y")
    b = indices(frame(u), ishigami(u), seed=9, outcome="holds_2y")
    c = indices(frame(u), ishigami(u), seed=10, outcome="holds_2y")
    assert tuple(a.columns) == COLUMNS
    pd.testing.assert_frame_equal(a, b)
    np.testing.assert_array_equal(a["index"], c["index"])  # the estimate needs no seed
    assert not np.array_equal(a["ci_low"], c["ci_low"])  # the bootstrap does
    assert set(a["outcome"]) == {"holds_2y"}


def test_a_constant_outcome_has_no_indices():
    u = uniform_points("lhs", 3, 0, 500, 2, 500)
    table = indices(frame(u), np.ones(500), seed=1)
    assert table.empty and tuple(table.columns) == COLUMNS


def test_check_saltelli_refuses_rows_out_of_order():
    u = uniform_points("saltelli", 3, 0, 50, 4, 50)
    check_saltelli(u)  # the design itself passes
    with pytest.raises(ValueError, match="--design saltelli"):
        check_saltelli(u[::-1])
    with pytest.raises(ValueError, match="not a Saltelli design"):
        indices(frame(u[:, [1, 0, 2]]), ishigami(u), seed=1, design="saltelli")


def test_a_runs_indices_are_its_beliefs(result, saved):
    table = sensitivity_indices(result)
    assert set(table["key"]) == set(result.scenario.uncertain())
    assert set(table["method"]) == {"rbd_fast"} and set(table["outcome"]) == {"holds_5y"}
    assert (table["ci_low"] <= table["index"]).all() and (table["index"] <= table["ci_high"]).all()
    again = sensitivity_indices(sim.load_result(saved, draws=False))
    pd.testing.assert_frame_equal(table, again, check_like=False)
    on_disk = pd.read_csv(saved / "sensitivity.csv")
    np.testing.assert_allclose(on_disk["index"], table["index"], rtol=1e-12)
    with pytest.raises(ValueError, match="outcome must be one of holds_1y, holds_2y, holds_5y"):
        sensitivity_indices(result, "holds_10y")


def test_given_data_reads_only_the_draws_it_uses(result, saved, monkeypatch):
    """Of a long run only the first GIVEN_DATA_MAX draws are read (from memory or the
    folder alike), the indices are those of indices() on them, and the table still says
    how many draws the run had."""
    from sim.analysis import gsa
    from sim.analysis.sensitivity import parameter_columns
    from sim.io import draw_columns

    monkeypatch.setattr(gsa, "GIVEN_DATA_MAX", 120)
    monkeypatch.setattr(result, "_indices", {}, raising=False)  # no kept tables either way
    in_memory = sensitivity_indices(result, resamples=7)
    from_folder = sensitivity_indices(sim.load_result(saved, draws=False), resamples=7)
    pd.testing.assert_frame_equal(in_memory, from_folder, check_exact=True)
    params = parameter_columns(result, draw_columns(result))
    first = result.draws.iloc[:120]
    direct = indices(first[params], first["p_holds_5y"].to_numpy(float), seed=5, resamples=7)
    pd.testing.assert_frame_equal(in_memory.reset_index(drop=True), direct, check_exact=True)
    assert set(in_memory["draws"]) == {120} and in_memory.attrs["draws"] == 300


def test_a_saltelli_run_that_no_longer_matches_its_design_keeps_the_given_data_index():
    from types import SimpleNamespace

    n = 64 * 5
    u = uniform_points("saltelli", 3, 0, n, 4, n)
    draws = pd.DataFrame(u[:, [2, 0, 1]], columns=["war.a", "war.b", "war.c"])
    draws["p_holds_5y"] = (ishigami(u) + 10) / 30
    run = SimpleNamespace(scenario=None, draws=draws, summary={"sampler": "saltelli", "seed": 4})
    table = sensitivity_indices(run)
    assert set(table["method"]) == {"rbd_fast"}
    assert "no Sobol' indices" in table.attrs["note"]
