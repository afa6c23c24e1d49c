"""sim calibrate and sim run --posterior, end to end.

* a synthetic case whose true parameter is known: the posterior agrees with the exact one
  (numerical integration) and concentrates on the truth as the observed cases grow;
* the weights do not depend on chunking or workers;
* the folder: calibration.json's keys, posterior.parquet, the figure, atomic writes;
* honesty: an error naming a case no draw can give, a warning on a small ESS;
* runs with --posterior: the manifest records the posterior, the run is reproducible from
  the manifest, the other beliefs are the file's own draws, and a changed folder is refused.
"""

from __future__ import annotations

import json
import shlex

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import sim
from sim.calibration import CalibrationError, calibrate
from sim.cli import main
from sim.errors import CalibrationWarning, ResultError
from sim.montecarlo import Posterior, load_posterior
from tests.unit.calibration.helpers import (
    exact_posterior,
    exact_posterior_of_histories,
    incident_case,
    scenario,
    simulated_histories,
    simulated_table,
)

TRUTH = 0.08  # the synthetic incident hazard per year

#: Small populations keep these tests fast; the warning they give is tested on its own.
pytestmark = pytest.mark.filterwarnings("ignore::sim.errors.CalibrationWarning")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _write(tmp_path, data: dict):
    path = tmp_path / f"{data['name']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _class(n: int, seed: int = 0) -> dict:
    return incident_case(f"class_{n}", observed=simulated_table(n, TRUTH, seed))


@pytest.fixture(scope="module")
def concentration():
    """The posterior of λ for tables of 10, 100 and 1000 histories of λ = 0.08."""
    out = {}
    for n in (10, 100, 1000):
        data = _class(n)
        cal = calibrate([scenario(data)], draws=1500, seed=4, shared=["war.incident_hazard"])
        out[n] = (cal.summary["shared"]["war.incident_hazard"], exact_posterior(data["observed"]))
    return out


def test_the_posterior_is_the_exact_one(concentration):
    for n, (got, (mean, sd)) in concentration.items():
        assert got["posterior_mean"] == pytest.approx(mean, abs=0.1 * sd), n
        assert got["posterior_sd"] == pytest.approx(sd, rel=0.15), n


def test_the_posterior_concentrates_on_the_truth_as_cases_grow(concentration):
    sds = [concentration[n][0]["posterior_sd"] for n in (10, 100, 1000)]
    assert sds[0] > 2.5 * sds[1] > 2.5**2 * sds[2]  # about 1/sqrt(n)
    errors = [abs(concentration[n][0]["posterior_mean"] - TRUTH) for n in (10, 100, 1000)]
    assert errors[2] < 3 * sds[2] and errors[2] < 0.01
    q05, q95 = concentration[1000][0]["posterior_q05"], concentration[1000][0]["posterior_q95"]
    assert q05 < TRUTH < q95 and q95 - q05 < 0.03  # the prior's 90% range is 0.27 wide


def test_many_single_histories_share_the_belief_and_concentrate_on_the_truth():
    """k cases, one file each, every one a history of the same draw λ = 0.08 (a break by an
    incident in some year, or six quiet years): the shared λ is weighted jointly by all of
    them, and its posterior is the exact one and narrows on the truth as k grows."""
    horizon, got = 6, {}
    for k in (3, 30, 100):
        observed = simulated_histories(k, TRUTH, horizon, seed=k)
        cases = [
            scenario(incident_case(f"h{i}", horizon=horizon, observed=o))
            for i, o in enumerate(observed)
        ]
        cal = calibrate(cases, draws=600, seed=2)
        assert cal.summary["shared"]["war.incident_hazard"]["cases"] == [c.name for c in cases]
        got[k] = cal.summary["shared"]["war.incident_hazard"]
        mean, sd = exact_posterior_of_histories(observed, horizon)
        assert got[k]["posterior_mean"] == pytest.approx(mean, abs=0.15 * sd), k
        assert got[k]["posterior_sd"] == pytest.approx(sd, rel=0.15), k
    sds = [got[k]["posterior_sd"] for k in (3, 30, 100)]
    assert sds[0] > 2 * sds[1] > 2 * 1.5 * sds[2]  # about 1/sqrt(k) once the data dominate
    assert abs(got[100]["posterior_mean"] - TRUTH) < 3 * sds[2] and sds[2] < 0.015


def _pair(tmp_path):
    """A reference class and one history sharing λ; the history has a belief of its own."""
    one = incident_case("one", observed={"held_at_least_years": 5}, cost_b="uniform(1.5, 3)")
    return [_write(tmp_path, _class(200)), _write(tmp_path, one)]


def test_weights_do_not_depend_on_chunking_or_workers(tmp_path):
    files = _pair(tmp_path)
    a = calibrate(files, draws=300, seed=9, inner=8)
    b = calibrate(files, draws=300, seed=9, inner=8, workers=2, chunk_size=7)
    assert len(a.summary["stages"]) > 1  # the moves ran, not only the weighting
    pd.testing.assert_frame_equal(a.posterior, b.posterior, check_exact=True)
    assert a.summary == b.summary


def test_the_calibration_folder(tmp_path):
    files = _pair(tmp_path)
    out = tmp_path / "cal"
    res = invoke("calibrate", *files, "--out", out, "--draws", 400, "--seed", 3, "--inner", 8)
    assert res.exit_code == 0, res.output
    meta = json.loads((out / "calibration.json").read_text())
    assert meta["ess"] > 0 and meta["draws"] == 400 and meta["seed"] == 3
    one, cls = meta["cases"]["one"], meta["cases"]["class_200"]
    for case in (one, cls):
        assert 0 <= case["prior_predictive"] and 0 <= case["posterior_predictive"] <= 1
    assert one["posterior_predictive"] > one["prior_predictive"]  # history made it likelier
    assert set(cls["posterior_survival"]) == set(cls["observed_survival"]) == {"1y", "2y", "5y"}
    for k, v in cls["observed_survival"].items():
        assert abs(cls["posterior_survival"][k] - v) < 0.05, k  # the model can reach it
    frame = pd.read_parquet(out / "posterior.parquet")
    assert list(frame.columns) == ["particle", "war.incident_hazard", "weight"]
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert (out / "calibration.png").stat().st_size > 20_000
    assert set(meta["files"]) == {"posterior.parquet", "calibration.png"}
    assert "ESS" in res.output or "effective sample" in res.output
    assert "class_200" in res.output and "war.incident_hazard" in res.output


def test_a_failed_calibration_writes_nothing_and_keeps_the_old_one(tmp_path):
    files = _pair(tmp_path)
    out = tmp_path / "cal"
    cal = sim.calibrate(files, draws=50, seed=1, inner=4)
    cal.save(out)
    before = (out / "calibration.json").read_bytes()

    def broken(*_):
        raise RuntimeError("the figure failed")

    with pytest.raises(RuntimeError):
        cal.save(out, figure=broken)
    assert (out / "calibration.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep")
    res = invoke("calibrate", *files, "--out", other, "--draws", 50)
    assert res.exit_code == 1 and "error:" in res.output and "Traceback" not in res.output
    assert (other / "mine.txt").read_text() == "keep"


def test_a_case_no_draw_can_give_is_named(tmp_path):
    never = incident_case("never", observed={"broke_after_years": 2, "broken_by": "a"})
    path = _write(tmp_path, never)  # only incidents break it: A never attacks
    with pytest.raises(CalibrationError, match=r"never: none of the \d+ prior draws can give"):
        calibrate([path], draws=50)
    res = invoke("calibrate", path, "--out", tmp_path / "x", "--draws", 50)
    assert res.exit_code == 1
    assert "error: never: none of the" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x").exists()
    nothing = _write(tmp_path, incident_case("plain"))
    res = invoke("calibrate", nothing, "--out", tmp_path / "y")
    assert res.exit_code == 1 and "has no observed block" in res.output


def test_a_small_effective_sample_is_warned_about(tmp_path):
    files = _pair(tmp_path)
    with pytest.warns(CalibrationWarning, match="effective sample of"):
        calibrate(files, draws=60, seed=2, inner=4)
    res = invoke("calibrate", *files, "--out", tmp_path / "c", "--draws", 60, "--inner", 4, "-q")
    assert (
        res.exit_code == 0 and "warning: the posterior rests on an effective sample" in res.output
    )


# ---------------------------------------------------------------- sim run --posterior


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    root = tmp_path_factory.mktemp("posterior")
    files = _pair(root)
    out = root / "cal"
    cal = sim.calibrate(files, draws=400, seed=5, inner=8)
    cal.save(out)
    target = incident_case("target", horizon=8, draws=300, cost_b="uniform(1.5, 3)")
    return out, _write(root, target), cal


def test_a_run_draws_the_shared_beliefs_from_the_posterior(calibrated, tmp_path):
    folder, target, cal = calibrated
    with_post = sim.run(target, posterior=folder)
    without = sim.run(target)
    lam = with_post.draws["war.incident_hazard"].to_numpy()
    assert set(lam) <= set(cal.posterior["war.incident_hazard"])  # the posterior's particles
    assert abs(lam.mean() - cal.summary["shared"]["war.incident_hazard"]["posterior_mean"]) < 0.01
    # the rest is the file's own draws, as without the posterior (common random numbers)
    assert np.array_equal(with_post.draws["actors.b.war_cost"], without.draws["actors.b.war_cost"])
    assert (
        with_post.summary["p_holds"]["5y"]["estimate"]
        > without.summary["p_holds"]["5y"]["estimate"]
    )
    post = load_posterior(folder)
    assert post.keys == ("war.incident_hazard",) and post.cases == ("class_200", "one")


def test_a_posterior_run_is_reproducible_from_its_manifest(calibrated, tmp_path, monkeypatch):
    folder, target, _ = calibrated
    out = tmp_path / "run"
    argv = ["run", str(target), "--posterior", str(folder), "--out", str(out), "--no-plots",
            "--workers", "2", "--chunk-size", "37"]  # fmt: skip
    monkeypatch.setattr("sys.argv", ["sim", *argv])  # the command the manifest records
    res = invoke(*argv)
    assert res.exit_code == 0, res.output
    assert f"beliefs from the posterior of {folder}" in res.output
    manifest = json.loads((out / "manifest.json").read_text())
    post = manifest["posterior"]
    assert post["folder"] == str(folder) and post["beliefs"] == "war.incident_hazard"
    assert len(post["sha256"]) == 64 and post["cases"] == "class_200, one"
    # again, from the manifest alone: its scenario text and its command, with one worker
    # and another chunk size (neither changes a number) and another output folder
    again_file = tmp_path / "again.yaml"
    again_file.write_text(manifest["scenario_text"], encoding="utf-8")
    args = shlex.split(manifest["command"])
    assert args[:2] == ["sim", "run"] and args[args.index("--posterior") + 1] == post["folder"]
    args = [str(again_file) if a == str(target) else a for a in args[1:]]
    args[args.index("--out") + 1] = str(tmp_path / "again")
    args[args.index("--workers") + 1] = "1"
    args[args.index("--chunk-size") + 1] = "100"
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    first = pd.read_parquet(out / "draws.parquet")
    second = pd.read_parquet(tmp_path / "again" / "draws.parquet")
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    again = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert again["posterior"]["sha256"] == post["sha256"]
    assert again["seed"] == manifest["seed"] and again["draws"] == manifest["draws"]
    assert (tmp_path / "again" / "summary.json").read_text() == (out / "summary.json").read_text()


def test_a_changed_or_foreign_posterior_is_refused(calibrated, tmp_path):
    folder, target, _ = calibrated
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in folder.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    frame = pd.read_parquet(copy / "posterior.parquet")
    frame.loc[0, "weight"] = 0.5
    frame.to_parquet(copy / "posterior.parquet", index=False)
    res = invoke("run", target, "--posterior", copy, "--out", tmp_path / "r", "--no-plots")
    assert res.exit_code == 1 and "changed since sim calibrate wrote it" in res.output
    res = invoke("run", target, "--posterior", tmp_path, "--out", tmp_path / "r", "--no-plots")
    assert res.exit_code == 1 and "not a calibration folder" in res.output
    other = _write(tmp_path, {**incident_case("other"), "war": {"incident_hazard": 0.1}})
    res = invoke("run", other, "--posterior", folder, "--out", tmp_path / "r", "--no-plots")
    assert (
        res.exit_code == 0 and "warning: war.incident_hazard: scenario other says 0.1" in res.output
    )
    foreign = Posterior(("actors.zz.discount",), np.ones((1, 1)), np.ones(1), folder="f")
    with pytest.raises(ResultError, match="has no number at actors.zz.discount"):
        sim.run(target, posterior=foreign)


def test_the_shipped_reference_class_and_its_figures(tmp_path):
    """The shipped reference class, small: the table's keys and the figure's panels."""
    from tests.helpers import ROOT

    ref = ROOT / "scenarios" / "reference_truce.yaml"
    cal = sim.calibrate([ref], draws=60, seed=1, inner=4, shared=["war.incident_hazard"])
    case = cal.summary["cases"]["reference_truce"]
    assert case["observed_survival"] == {"1y": 0.54, "2y": 0.42, "5y": 0.29}
    assert case["cases_per_interval"] == pytest.approx([22.08, 5.76, 6.24, 13.92])
    path = cal.save(tmp_path / "ref")
    assert (path / "calibration.png").stat().st_size > 20_000
