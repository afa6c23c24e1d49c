"""The sensitivity figure: indices with intervals (left) beside the tornado (right)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import plots
from sim.analysis import sensitivity_indices
from sim.plots.indices import index_table, ranked_keys
from tests.unit.plots.util import legend_texts


def test_indices_panel_ranks_the_beliefs_with_whiskers(result):
    table = sensitivity_indices(result)
    ax = plots.plot_indices(result, table=table)
    keys = ranked_keys(table)
    assert keys == list(table.sort_values("index", ascending=False)["key"][:12])
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == list(table.set_index("key").loc[keys, "name"])
    assert ax.get_xlabel() == "share of the variance of P(holds 5 years) (index)"
    assert legend_texts(ax) == ["first-order S1 (RBD-FAST, from the draws)"]
    assert "sum to" in ax.get_legend().get_title().get_text()
    # one point per belief at its index, whiskers to its interval
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_xdata(), table.set_index("key").loc[keys, "index"])


def test_panels_share_the_order_and_name_beliefs_once(result):
    left, right = plots.plot_sensitivity_panels(result)
    keys = ranked_keys(index_table(result))
    assert len(right.patches) == 2 * len(keys)  # the tornado draws the same beliefs
    left.figure.canvas.draw()
    assert not any(t.get_visible() and t.get_text() for t in right.get_yticklabels())
    labels = [t.get_text() for t in left.get_yticklabels()]
    assert all("(" in lab and " to " in lab for lab in labels)  # with the range drawn from
    assert "Which beliefs matter?" in left.figure.get_suptitle()


def test_a_saltelli_table_adds_sobol_series(result):
    rows = []
    for measure, shift in (("S1", 0.0), ("ST", 0.1)):
        rows.append(
            pd.DataFrame(
                {
                    "key": ["a.x", "a.y"], "name": ["x", "y"], "method": "sobol",
                    "measure": measure, "index": [0.3 + shift, 0.1 + shift],
                    "ci_low": [0.25 + shift, 0.05 + shift], "ci_high": [0.35 + shift, 0.15 + shift],
                    "rank": [1, 2], "outcome": "holds_5y", "draws": 400,
                }
            )
        )  # fmt: skip
    table = pd.concat(rows, ignore_index=True)
    ax = plots.plot_indices(result, table=table)
    assert legend_texts(ax) == [
        "Sobol' first-order S1 (Saltelli design)", "Sobol' total ST (Saltelli design)",
    ]  # fmt: skip
    assert ranked_keys(table) == ["a.x", "a.y"]


def test_index_table_reads_the_folder(result, tmp_path):
    from sim import load_result

    saved = result.save(tmp_path / "run", plots=False)
    loaded = load_result(saved, draws=False)
    pd.testing.assert_frame_equal(index_table(loaded), pd.read_csv(saved / "sensitivity.csv"))
