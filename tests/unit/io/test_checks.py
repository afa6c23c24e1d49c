"""The probability guard: nothing that is not a finite probability is written as one."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.errors import ResultError
from sim.io import check_result
from sim.io.checks import check_draws


def test_nan_probabilities_are_never_written(tmp_path, small_result, partials):
    res = small_result()
    res.summary["p_holds"]["1y"]["estimate"] = float("nan")
    with pytest.raises(ResultError, match="NaN.*nothing was written"):
        res.save(tmp_path / "res", plots=False)
    assert not (tmp_path / "res").exists() and not partials(tmp_path)

    res = small_result()
    res.survival.loc[1, "survival"] = 1.5
    with pytest.raises(ResultError, match="outside"):
        res.save(tmp_path / "res", plots=False)

    res = small_result()
    res.draws.loc[0, "p_holds_end"] = float("nan")
    with pytest.raises(ResultError, match="p_holds_end"):
        res.save(tmp_path / "res", plots=False)
    assert not (tmp_path / "res").exists() and not partials(tmp_path)


def test_check_result_accepts_null_where_documented(small_result):
    res = small_result()
    res.draws["nash_share_a"] = np.nan  # an empty bargaining set: missing, not a probability
    check_result(res)
    res.survival["survival_if_accepted"] = np.nan  # no draw accepted
    check_result(res)
    assert math.isfinite(res.summary["p_accepted"]["estimate"])


def test_check_draws_names_the_column():
    check_draws(pd.DataFrame({"win_prob_a_t0": [0.0, 1.0], "other": [5.0, -3.0]}))
    with pytest.raises(ResultError, match="infinite in column win_prob_a_t0"):
        check_draws(pd.DataFrame({"win_prob_a_t0": [0.5, np.inf]}))
    with pytest.raises(ResultError, match="-0.5, outside"):
        check_draws(pd.DataFrame({"fearon_low": [-0.5]}))


def test_a_missing_summary_probability_is_refused(small_result):
    res = small_result()
    res.summary["p_holds"]["1y"]["ci_low"] = None
    with pytest.raises(ResultError, match=r"p_holds\.1y\.ci_low is missing"):
        check_result(res)
