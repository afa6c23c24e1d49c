"""The tidy draws table (issue 20): the summary's categories, one cause column per kind of
failure, NA (never ``''``) where a column does not apply, every column documented in the
README's table, and each draw's survival at every period on request (``curves.parquet``).

Each rule is checked on a real run saved to disk and read back, with and without types,
events and mechanisms; every test here fails on the table as it was before (``breaker``
``none`` for an incident, ``''`` for missing, rejection causes in ``cause``, no
``curves.parquet``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import ResultError
from sim.io.validation import draws_problems
from sim.names import CAUSES
from sim.scenario import parse_scenario_text
from tests.helpers import ROOT, one_region, write

#: A's chance 0.3 against terms giving it half: B rejects where its war cost is low, and
#: incidents break some of the accepted ceasefires. No events, types or mechanisms.
PLAIN = one_region(
    p_now=0.3, share_a=0.5, cost_b="uniform(0.5, 4)", incident="uniform(0.01, 0.3)",
    horizon=12, draws=200,
)  # fmt: skip
TEXT_COLUMNS = ("rejected_by", "rejection_cause", "breaker", "cause")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """name -> (scenario, folder): the plain case with curves, a shipped scenario with
    types, events and mechanisms without them (the default), and the plain case with its
    selection rule sampled."""
    out = {}
    plain = parse_scenario_text(PLAIN, "<plain>", default_name="plain")
    folder = tmp_path_factory.mktemp("plain") / "r"
    sim.run(plain, seed=3, curves=True).save(folder, plots=False)
    out["plain"] = (plain, folder)
    rich = sim.load_scenario(ROOT / "scenarios" / "annexation_lines.yaml")
    assert rich.events and rich.mechanisms and any(a.types for a in rich.actors.values())
    folder = tmp_path_factory.mktemp("rich") / "r"
    sim.run(rich, draws=300, seed=5).save(folder, plots=False)
    out["rich"] = (rich, folder)
    # the selection rule sampled: the draws gain its column (solver.selection)
    mixed = parse_scenario_text(
        PLAIN.replace("selection: peaceful", "selection: choice([peaceful, risk_dominant])"),
        "<mixed>",
        default_name="mixed",
    )
    assert mixed.sampled_selection is not None
    folder = tmp_path_factory.mktemp("mixed") / "r"
    sim.run(mixed, seed=3).save(folder, plots=False)
    out["mixed"] = (mixed, folder)
    return out


@pytest.fixture(params=["plain", "rich", "mixed"])
def case(request, runs):
    scn, folder = runs[request.param]
    return scn, folder, pd.read_parquet(folder / "draws.parquet")


def test_the_cases_tell_every_kind_of_story(runs):
    for _, folder in runs.values():
        d = pd.read_parquet(folder / "draws.parquet")
        broke = d["break_period"].notna()
        assert (~d["accepted"]).any() and broke.any() and (d["accepted"] & ~broke).any()
        assert (d["breaker"] == "incident").any()


def test_breaker_uses_the_summarys_categories(case):
    scn, folder, d = case
    summary = sim.load_result(folder, draws=False).summary
    a, b = scn.actor_ids
    assert set(d["breaker"].dropna()) <= {a, b, "both", "incident"}
    assert "none" not in set(d["breaker"].dropna())
    assert set(d["breaker"].dropna()) <= set(summary["breakdown_by_actor"])
    assert set(d["rejected_by"].dropna()) <= set(summary["rejected_by"])
    assert set(d["cause"].dropna()) <= set(summary["breakdown_by_cause"])
    assert set(d["rejection_cause"].dropna()) <= set(summary["rejection_cause"])
    # an incident is a breaker category and a cause, and the two agree
    incident = d["breaker"] == "incident"
    assert ((d["cause"] == "incident") == incident).fillna(True).all()


def test_missing_is_na_never_empty_text(case):
    _, folder, d = case
    table = pq.read_table(folder / "draws.parquet")
    for name in table.column_names:
        col = table.column(name).to_pandas()
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            assert not (col.dropna().astype(str) == "").any(), name
    for name in (*TEXT_COLUMNS, "break_period", "break_year"):
        assert table.column(name).null_count > 0, name  # missing is null in the file
        assert str(d[name].dtype) in ("string", "Int64", "Float64"), (name, d[name].dtype)


def test_na_exactly_where_a_column_does_not_apply(case):
    _, _, d = case
    rejected = ~d["accepted"].to_numpy()
    broke = d["break_period"].notna().to_numpy()
    assert not (rejected & broke).any()
    for col, applies in (
        ("rejected_by", rejected),
        ("rejection_cause", rejected),
        ("break_year", broke),
        ("breaker", broke),
        ("cause", broke),
    ):
        np.testing.assert_array_equal(d[col].notna().to_numpy(), applies, err_msg=col)


def test_rejection_and_breakdown_causes_are_separate_columns(case):
    _, _, d = case
    assert set(d["cause"].dropna()) <= set(CAUSES)
    assert set(d["rejection_cause"].dropna()) <= set(CAUSES) - {"incident"}
    assert d.loc[~d["accepted"], "cause"].isna().all()  # no rejection cause in `cause`
    assert d.loc[d["accepted"], "rejection_cause"].isna().all()
    counts = d.groupby("cause").size()  # the README's example: breakdowns only
    assert counts.sum() == d["break_period"].notna().sum()


def test_event_periods_are_periods_of_the_state(runs):
    scn, folder = runs["rich"]
    d = pd.read_parquet(folder / "draws.parquet")
    for eid in scn.event_ids:
        per = d[f"event_period.{eid}"]
        assert str(per.dtype) == "Int64"
        assert (per.dropna() >= 1).all() and (per.dropna() <= scn.horizon).all()


def _readme_columns() -> list[str]:
    """The column names of the README's table of the draws table, as written."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("**The columns of `draws."))
    rows = []
    for ln in lines[start + 1 :]:
        if rows and not ln.startswith("|"):
            break
        if ln.startswith("| `"):
            rows.append(ln.split("|")[1])
    return [name for cell in rows for name in re.findall(r"`([^`]+)`", cell)]


def _matches(pattern: str, column: str, scn) -> bool:
    if pattern == "<key path>":
        return column in scn.uncertain()
    regex = re.sub(r"<[a-z ]+>", "[^.]+", re.escape(pattern).replace("<k>", "[0-9]+"))
    return re.fullmatch(regex, column) is not None


def test_every_column_is_documented_in_the_readme(case):
    scn, _, d = case
    documented = _readme_columns()
    assert "draw" in documented and "cause" in documented and "<key path>" in documented
    undocumented = [c for c in d.columns if not any(_matches(p, c, scn) for p in documented)]
    assert not undocumented, f"columns missing from the README's table: {undocumented}"


def test_every_documented_column_exists_in_some_run(runs):
    """The README's table names no column that a run does not have (with types, events
    and mechanisms, or without)."""
    columns = {
        name: list(pd.read_parquet(folder / "draws.parquet").columns)
        for name, (_, folder) in runs.items()
    }
    for pattern in _readme_columns():
        assert any(
            _matches(pattern, c, runs[name][0]) for name, cols in columns.items() for c in cols
        ), pattern
    # and in the order of the table (beliefs first)
    order = [p for p in _readme_columns() if p != "<key path>"]
    for name, cols in columns.items():
        scn = runs[name][0]
        seen = [next(i for i, p in enumerate(order) if _matches(p, c, scn)) for c in cols
                if c not in scn.uncertain()]  # fmt: skip
        assert seen == sorted(seen), name


def test_curves_hold_every_period_and_agree_with_the_draws(runs):
    scn, folder = runs["plain"]
    curves = pd.read_parquet(folder / "curves.parquet")
    d = pd.read_parquet(folder / "draws.parquet")
    assert list(curves.columns) == ["draw", *(f"p_holds.{t}" for t in range(scn.horizon + 1))]
    assert (curves["draw"] == d["draw"]).all()
    for label, t in {"1y": 1, "2y": 2, "5y": 5, "10y": 10}.items():
        assert (curves[f"p_holds.{t}"] == d[f"p_holds_{label}"]).all()
    assert (curves[f"p_holds.{scn.horizon}"] == d["p_holds_end"]).all()
    values = curves.drop(columns="draw").to_numpy()
    assert (np.diff(values, axis=1) <= 1e-12).all()  # each draw's curve never rises
    loaded = sim.load_result(folder)
    pd.testing.assert_frame_equal(loaded.curves, curves)


def test_curves_are_off_by_default(runs):
    _, folder = runs["rich"]
    assert not (folder / "curves.parquet").exists()
    assert sim.load_result(folder).curves is None


def test_save_curves_on_the_command_line(tmp_path):
    scn = write(tmp_path, PLAIN)
    runner = CliRunner()
    for flag, out in (([], "plain"), (["--save-curves"], "curves")):
        res = runner.invoke(
            main, ["run", str(scn), "--out", str(tmp_path / out), "--no-plots", "-q", *flag]
        )
        assert res.exit_code == 0, res.output
    assert not (tmp_path / "plain" / "curves.parquet").exists()
    curves = pd.read_parquet(tmp_path / "curves" / "curves.parquet")
    assert len(curves) == 200 and curves.shape[1] == 12 + 2
    # the curves change nothing else
    for f in ("summary.json", "survival.csv", "breakdown.csv", "draws.parquet"):
        assert (tmp_path / "plain" / f).read_bytes() == (tmp_path / "curves" / f).read_bytes()


def test_curves_do_not_depend_on_chunks_or_workers():
    scn = parse_scenario_text(PLAIN, "<plain>", default_name="plain")
    a = sim.run(scn, seed=3, curves=True, chunk_size=200)
    b = sim.run(scn, seed=3, curves=True, chunk_size=37, workers=2)
    pd.testing.assert_frame_equal(a.curves, b.curves, check_exact=True)
    assert sim.run(scn, seed=3).curves is None


def test_a_loaded_table_in_the_old_format_is_refused():
    """The checks of a loaded result know the tidy format: ``none`` as a breaker, ``''``
    for missing, a rejection cause in ``cause``."""
    d = pd.DataFrame(
        {
            "accepted": [True, True, False],
            "rejected_by": pd.array([None, None, "a"], dtype="string"),
            "rejection_cause": pd.array([None, None, "terms"], dtype="string"),
            "break_period": pd.array([None, 3, None], dtype="Int64"),
            "breaker": pd.array([None, "incident", None], dtype="string"),
            "cause": pd.array([None, "incident", None], dtype="string"),
        }
    )
    assert draws_problems(d, ["a", "b"]) == []
    old = d.assign(breaker=pd.array(["", "none", ""], dtype="string"))
    assert any("'none'" in p for p in draws_problems(old, ["a", "b"]))
    mixed = d.assign(cause=pd.array([None, "incident", "terms"], dtype="string"))
    assert any("column cause is not present exactly" in p for p in draws_problems(mixed, ["a"]))


def test_load_result_refuses_a_table_in_the_old_format(runs, tmp_path):
    import shutil

    from sim.io.manifest import sha256_file, write_json

    _, folder = runs["plain"]
    copy = tmp_path / "r"
    shutil.copytree(folder, copy)
    d = pd.read_parquet(copy / "draws.parquet")
    d["breaker"] = d["breaker"].astype(object).where(d["breaker"] != "incident", "none")
    d.to_parquet(copy / "draws.parquet", index=False)
    manifest = __import__("json").loads((copy / "manifest.json").read_text())
    manifest["files"]["draws.parquet"]["sha256"] = sha256_file(copy / "draws.parquet")
    write_json(copy / "manifest.json", manifest)
    with pytest.raises(ResultError, match="breaker holds 'none'"):
        sim.load_result(copy)


def test_curves_arguments_are_checked():
    scn = parse_scenario_text(PLAIN, "<plain>", default_name="plain")
    with pytest.raises(TypeError, match="curves must be True or False"):
        sim.run(scn, draws=2, curves="yes")
    with pytest.raises(ValueError, match="curves_sink needs curves=True"):
        sim.run(scn, draws=2, curves_sink=lambda table: None)
