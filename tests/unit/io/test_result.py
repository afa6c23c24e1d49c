"""The Result: headline table, and saving with or without a figure function."""

from __future__ import annotations

import pytest

from sim.errors import ResultError
from sim.io import require_figures


def test_headline_table(small_result):
    res = small_result()
    table = res.headline()
    assert list(table.index) == ["accepted", *(f"holds {k}" for k in res.summary["p_holds"])]
    assert list(table.columns) == ["estimate", "ci_low", "ci_high"]
    assert table.loc["accepted", "estimate"] == res.summary["p_accepted"]["estimate"]
    assert res.name == "small" and res.title == "one region"


def test_a_result_without_a_figure_function_refuses_plots(tmp_path, small_result, partials):
    """A Result of the lower layers has no figure function: plots=True fails, before
    anything is written, with a message that says what to do (never a silent skip)."""
    res = small_result()
    assert res.figures is None
    with pytest.raises(ResultError, match="no figure function.*plots=False"):
        res.save(tmp_path / "res")
    assert not (tmp_path / "res").exists() and not partials(tmp_path)
    assert res.save(tmp_path / "res", plots=False) == tmp_path / "res"


def test_require_figures_prefers_the_argument(small_result):
    res = small_result()

    def mine(result, folder, fmt):
        return []

    def attached(result, folder, fmt):
        return []

    assert require_figures(res, mine) is mine
    res.figures = attached
    assert require_figures(res) is attached and require_figures(res, mine) is mine
    assert "figures=" not in repr(res)
