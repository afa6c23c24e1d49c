"""A loaded result is checked against the structure and ranges of a result, not trusted.

The sha256s prove the files are the ones listed; these tests recompute them after editing
a file, as someone editing a shared result by hand would, and the load must still refuse
(``sim show`` then exits 1 with the reason, never prints "accepted 500.0%" or a KeyError).
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.errors import ResultError
from sim.io import load_result
from sim.io.manifest import sha256_file
from sim.io.validation import summary_problems


def _tamper(folder, name, edit):
    """Edit one file of a result and recompute its sha256 in the manifest."""
    path = folder / name
    if name.endswith(".json"):
        data = json.loads(path.read_text())
        edit(data)
        path.write_text(json.dumps(data))
    else:
        path.write_text(edit(path.read_text()))
    m = json.loads((folder / "manifest.json").read_text())
    m["files"][name] = {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
    (folder / "manifest.json").write_text(json.dumps(m))


def _set(key, value):
    def edit(d):
        d[key] = value

    return edit


def _nested(outer, inner, value):
    def edit(d):
        d[outer][inner] = value

    return edit


CASES = [
    ("accepted 500%", "summary.json", _nested("p_accepted", "estimate", 5.0), "500.0%"),
    ("no p_holds", "summary.json", lambda d: d.pop("p_holds"), "summary.json has no p_holds"),
    ("holds as text", "summary.json", _nested("p_holds", "1y", "high"), "p_holds 1y"),
    ("negative draws", "summary.json", _set("draws", -3), "draws is -3"),
    ("draws as text", "summary.json", _set("draws", "many"), "draws is 'many'"),
    ("unknown period", "summary.json", _set("period", "week"), "period is 'week'"),
    ("a bool seed", "summary.json", _set("seed", True), "seed is True"),
    ("a list", "summary.json", lambda d: d.clear(), "summary.json has no"),
    (
        "survival 150%",
        "survival.csv",
        lambda t: t.replace("\n0,0.0,", "\n0,0.0,1.5,", 1).replace(",1.5,1.0,", ",1.5,", 1),
        "survival",
    ),
    ("no survival column", "survival.csv", lambda t: t.replace("survival,", "s,", 1), "survival"),
]


@pytest.mark.parametrize("case,name,edit,message", CASES, ids=[c[0] for c in CASES])
def test_a_tampered_result_with_recomputed_hashes_is_refused(
    tmp_path, small_result, case, name, edit, message
):
    good = small_result().save(tmp_path / "good", plots=False)
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    _tamper(bad, name, edit)
    with pytest.raises(ResultError, match="not a (valid|complete) result") as info:
        load_result(bad)
    assert message in str(info.value), str(info.value)
    res = CliRunner().invoke(main, ["show", str(bad)])
    assert res.exit_code == 1, res.output
    assert res.output.startswith("error: ") and "internal error" not in res.output
    assert "95% CI" not in res.output  # no headline table was printed


def test_a_good_result_has_no_problems(tmp_path, small_result):
    res = small_result()
    assert summary_problems(res.summary) == []
    loaded = load_result(res.save(tmp_path / "ok", plots=False))
    assert loaded.summary["draws"] == 7


def test_keys_this_version_does_not_know_are_allowed(tmp_path, small_result):
    path = small_result().save(tmp_path / "ok", plots=False)
    _tamper(path, "summary.json", _set("from_a_later_version", {"x": 1}))
    assert load_result(path).summary["from_a_later_version"] == {"x": 1}
