"""`sim terms` pieces: the regions and shares options, the term sets, the Pareto front, and
the stacking of term sets into one model call (the runs themselves are tested in
``tests/integration/test_terms.py``)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.analysis.terms import (
    MAX_TERM_SETS,
    TermSet,
    pareto_front,
    parse_regions,
    parse_shares,
    term_scenario,
    term_sets,
    write_terms,
)
from sim.analysis.terms.engine import (
    SCALE,
    Extras,
    grid_scenario,
    plan,
    stacked_samples,
)
from sim.errors import ResultError
from sim.model import Params
from sim.montecarlo import RunOptions, sample_beliefs
from sim.scenario import ScenarioError, parse_scenario_text
from tests.helpers import FREEZE


@pytest.fixture(scope="module")
def scn():
    return sim.load_scenario(FREEZE)


def _problem(exc: pytest.ExceptionInfo) -> str:
    return str(exc.value.problems[0])


def test_regions_are_checked(scn):
    assert parse_regions(scn, " crimea, land_bridge ") == ["crimea", "land_bridge"]
    assert parse_regions(scn, ["nuclear_plant"]) == ["nuclear_plant"]
    with pytest.raises(ScenarioError) as exc:
        parse_regions(scn, "crimea,atlantis")
    assert _problem(exc).startswith("--regions: atlantis: no such region in freeze_lines")
    assert "crimea, donbas_2014" in _problem(exc)  # lists what there is
    for bad, words in (("crimea,crimea", "named twice"), ("crimea,,x", "empty"), ("", "at least")):
        with pytest.raises(ScenarioError, match=words):
            parse_regions(scn, bad)


def test_shares_are_checked():
    assert parse_shares(None) is None
    assert parse_shares("0,0.5,1") == [0.0, 0.5, 1.0]
    assert parse_shares("0:1:5") == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert parse_shares([0.2, 0.8]) == [0.2, 0.8]
    for bad, words in (
        ("0,1.5", r"in \[0, 1\]"),
        ("-0.1,0.5", r"in \[0, 1\]"),
        ("nan,0.5", r"in \[0, 1\]"),
        ("0.5", "at least two"),
        ("0:1:1", "START:STOP:NUM"),
        ("half,all", "v1,v2"),
        ("0.5,0.5", "twice"),
    ):
        with pytest.raises(ScenarioError, match=words) as exc:
            parse_shares(bad)
        assert _problem(exc).startswith("--shares:")


def test_term_sets_enumerate_the_holders_and_mark_the_file(scn):
    sets = term_sets(scn, ["crimea", "claimed_rest"])
    assert [tuple(t.holdings.values()) for t in sets] == list(
        itertools.product(["russia", "ukraine"], repeat=2)
    )
    own = [t for t in sets if t.own]
    assert len(own) == 1 and own[0].holdings == {"crimea": "russia", "claimed_rest": "ukraine"}
    assert own[0].set_options(scn) == ["terms.crimea=russia", "terms.claimed_rest=ukraine"]


def test_shares_on_the_grid_and_off_it(scn):
    on = term_sets(scn, ["crimea"], [0.0, 0.5, 1.0])
    assert [t.holdings["crimea"] for t in on] == [0.0, 0.5, 1.0]
    assert [t.own for t in on] == [False, False, True]  # Russia holds Crimea: its share is 1
    off = term_sets(scn, ["crimea"], [0.25, 0.5])
    assert len(off) == 3 and off[0].own and off[0].holdings == {"crimea": "russia"}
    assert off[1].set_options(scn) == ["terms.crimea.russia=0.25"]


def test_too_many_term_sets_are_refused_before_anything_runs(scn):
    regions = list(scn.region_ids)  # 8 regions
    assert len(term_sets(scn, regions)) == 2**8 <= MAX_TERM_SETS
    with pytest.raises(ScenarioError, match="3\\*\\*8 = 6,561 term sets; at most 4,096"):
        term_sets(scn, regions, [0.0, 0.5, 1.0])


def test_a_term_set_is_its_set_options(scn):
    """The scenario of a term set is what `--set` of its terms gives."""
    term_set = TermSet({"crimea": "ukraine", "land_bridge": 0.3})
    mine = term_scenario(scn, term_set)
    theirs = parse_scenario_text(
        scn.source_text, str(FREEZE), term_set.overrides(scn), default_name=scn.name
    )
    assert mine.terms == theirs.terms and mine.numbers() == theirs.numbers()
    assert mine.terms["land_bridge"] == {"russia": 0.3}
    assert dict(mine.overrides)["terms.crimea"] == "ukraine"
    assert scn.terms["crimea"] == "russia"  # the original is untouched
    assert term_scenario(scn, TermSet({"crimea": "russia"}, own=True)) is scn


def test_stacked_rows_read_as_each_term_set_alone(scn):
    """One model call over stacked term sets reads, for each, the parameters of its
    terms on the same draws."""
    opts = RunOptions(8, 3, "lhs", 8, 1, "batched", "peaceful")
    samples = sample_beliefs(scn, opts, 0, 8)
    regions = ["crimea", "land_bridge"]
    sets = term_sets(scn, regions, [0.0, 0.4])
    stacked = Params.from_samples(
        grid_scenario(scn, regions), stacked_samples(scn, regions, sets, samples, 8), 8 * len(sets)
    )
    for j, t in enumerate(sets):
        alone = Params.from_samples(term_scenario(scn, t), _own_samples(scn, t, samples), 8)
        rows = slice(8 * j, 8 * (j + 1))
        assert np.array_equal(stacked.terms_a[rows], alone.terms_a)
        assert np.array_equal(stacked.actors[1].ceiling.base[rows], alone.actors[1].ceiling.base)
        for k, typed in enumerate(stacked.types.params):
            assert np.array_equal(typed.terms_a[rows], alone.types.params[k].terms_a)


def _own_samples(scn, term_set, samples):
    """What sim run samples for a term set's scenario (its terms are fixed numbers)."""
    variant = term_scenario(scn, term_set)
    out = dict(samples)
    out.update({k: float(v) for k, v in variant.numbers().items() if k.startswith("terms.")})
    return out


@pytest.mark.parametrize(
    "draws,count,chunk,workers",
    [(100, 4, 8192, 1), (100, 4, 10, 1), (5, 16, 7, 1), (5000, 64, 8192, 2), (3, 9, 1, 2)],
)
def test_the_plan_covers_every_draw_of_every_term_set_once(draws, count, chunk, workers):
    tasks = plan(draws, count, chunk, workers)
    seen = np.zeros((count, draws), dtype=int)
    for start, stop, block in tasks:
        assert (stop - start) * len(block) <= max(chunk, stop - start)  # about a chunk of rows
        for i in block:
            seen[i, start:stop] += 1
    assert (seen == 1).all()
    if workers > 1 and draws * count >= 4 * workers * 1024:
        assert len(tasks) >= 2 * workers


def test_extras_add_exactly_and_mean_over_finite_values():
    def part(value: int, count: int) -> Extras:
        ex = Extras()
        ex.totals["gain_a"], ex.counts["gain_a"] = value, count
        return ex

    unit = 2**SCALE
    total = part(round(0.4 * unit), 1) + part(round(0.8 * unit), 2)  # 0.4, and 0.4 twice
    assert total.mean("gain_a") == 0.4  # a mean of equal values is that value
    assert (part(1, 1) + part(round(3 * unit) - 1, 2)).mean(
        "gain_a"
    ) == 1.0  # no rounding on the way
    assert np.isnan(Extras().mean("gain_a"))  # no finite value at all


def test_pareto_front_known_answer():
    x = [0.0, 1.0, 2.0, 1.0, 0.5, np.nan, 2.0]
    y = [2.0, 1.0, 0.0, 0.5, 0.5, 9.0, 0.0]
    # (1, 0.5) is beaten by (1, 1); (0.5, 0.5) by (1, 1); NaN never; equal points both stay
    assert pareto_front(x, y).tolist() == [True, True, True, False, False, False, True]


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=30))
def test_pareto_front_is_the_set_of_undominated_points(points):
    x, y = (np.array(v, dtype=float) for v in zip(*points, strict=True))
    front = pareto_front(x, y)
    for i in range(len(points)):
        dominated = any(
            x[j] >= x[i] and y[j] >= y[i] and (x[j] > x[i] or y[j] > y[i])
            for j in range(len(points))
        )
        assert front[i] == (not dominated)


def test_write_terms_refuses_plots_without_a_figure(tmp_path):
    table = pd.DataFrame({"term_set": [1]})
    with pytest.raises(ResultError, match="figure="):
        write_terms(table, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    path = write_terms(table, tmp_path / "out", plots=False, command="sim terms x")
    assert sorted(p.name for p in path.iterdir()) == ["terms.csv", "terms.json"]
