"""A chunk solved rule by rule (sim.montecarlo.rules, sim.model.rows): every field of the
model's output, with and without types, is each draw's own under its rule."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import yaml

from sim.beliefs import Categorical
from sim.model import ChunkOutput, Params, put_rows, solve_chunk, take_rows
from sim.model.backward import TypeOutput
from sim.montecarlo import draw_stories, sample_beliefs, solve_by_rule
from sim.montecarlo.runner import run_options
from sim.scenario import load_scenario, parse_scenario_text
from tests.helpers import ROOT, one_region

N = 60


def _stag_hunt(selection: str) -> str:
    data = yaml.safe_load(
        one_region(
            p_now=0.5,
            cost_a=1.6,
            cost_b="uniform(0.8, 2.4)",
            first_strike=0.8,
            horizon=4,
            draws=N,
            sampler="lhs",
        )  # fmt: skip
    )
    data["war"]["first_strike"] = "uniform(0.2, 0.9)"
    data["solver"] = {"selection": selection}
    return yaml.safe_dump(data, sort_keys=False)


def _typed(selection: str):
    data = yaml.safe_load((ROOT / "scenarios" / "annexation_lines.yaml").read_text())
    data["solver"] = {"selection": selection}
    data["horizon"] = 8
    return parse_scenario_text(yaml.safe_dump(data, sort_keys=False), "<t>", default_name="t")


def _inputs(scn, draws=N):
    opts = run_options(scn, draws=draws, seed=3)
    k = len(scn.events)
    return (
        opts,
        sample_beliefs(scn, opts, 0, draws),
        draw_stories(scn, opts, 0, draws, k + 2)[:, :k],
    )


def _fields(out, prefix=""):
    """(name, value) of every field, the types' fields included (by dataclass fields)."""
    for f in dataclasses.fields(out):
        v = getattr(out, f.name)
        if isinstance(v, TypeOutput):
            yield from _fields(v, "types.")
        else:
            yield prefix + f.name, v


def _assert_rows_equal(got, want, rows):
    names = []
    for (name, a), (name_b, b) in zip(_fields(got), _fields(want), strict=True):
        assert name == name_b
        names.append(name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a[rows], b[rows], err_msg=name)
            assert a.dtype == b.dtype, name
        else:
            assert a == b, name
    return names


@pytest.mark.parametrize("typed", [False, True])
def test_a_two_rule_chunk_is_each_draw_under_its_own_rule(typed):
    choice = "choice([peaceful, risk_dominant])"
    scn = _typed(choice) if typed else parse_scenario_text(_stag_hunt(choice), "<s>")
    opts, samples, event_u = _inputs(scn)
    assert isinstance(opts.selection, Categorical)
    rules = samples["solver.selection"]
    assert set(rules) == {"peaceful", "risk_dominant"}
    mixed = solve_by_rule(scn, samples, event_u, method="batched", selection=opts.selection,
                          keep_power=True)  # fmt: skip
    differs = False
    for rule in ("peaceful", "risk_dominant"):
        plain = solve_chunk(scn, Params.from_samples(scn, samples, N), event_u,
                            selection=rule, keep_power=True)  # fmt: skip
        rows = np.flatnonzero(rules == rule)
        names = _assert_rows_equal(mixed, plain, rows)
        other = np.flatnonzero(rules != rule)
        differs |= not np.array_equal(mixed.survival[other], plain.survival[other])
    assert differs  # the rules do play differently here
    assert {"power", "gain", "event_period", "nash_share_a"} <= set(names)
    if typed:
        assert {"types.prior", "types.ruled_out", "types.gain", "types.ids"} <= set(names)


def test_a_choice_of_one_rule_is_the_plain_run_field_by_field():
    scn = _typed("choice([risk_dominant])")
    opts, samples, event_u = _inputs(scn)
    one = solve_by_rule(scn, samples, event_u, method="batched", selection=opts.selection,
                        keep_power=True)  # fmt: skip
    plain = solve_chunk(scn, Params.from_samples(scn, samples, N), event_u,
                        selection="risk_dominant", keep_power=True)  # fmt: skip
    _assert_rows_equal(one, plain, np.arange(N))


def test_take_and_put_rows_round_trip_every_field():
    scn = load_scenario(ROOT / "scenarios" / "annexation_lines.yaml", overrides={"horizon": 6})
    opts, samples, event_u = _inputs(scn, 20)
    out = solve_chunk(scn, Params.from_samples(scn, samples, 20), event_u, keep_power=True)
    assert isinstance(out, ChunkOutput) and out.types is not None and out.power is not None
    rng = np.random.default_rng(0)
    perm = rng.permutation(20)
    parts = [(perm[:7], take_rows(out, perm[:7])), (perm[7:], take_rows(out, perm[7:]))]
    back = put_rows(parts, 20)
    _assert_rows_equal(back, out, np.arange(20))
    with pytest.raises(ValueError, match="exactly once"):
        put_rows([parts[0], parts[0]], 20)
    with pytest.raises(ValueError, match="exactly once"):
        put_rows(parts[:1], 20)
    untyped = dataclasses.replace(parts[1][1], types=None)
    with pytest.raises(ValueError, match="whether they have types"):
        put_rows([parts[0], (perm[7:], untyped)], 20)
