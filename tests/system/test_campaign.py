"""The adversarial campaign's failures, each reproduced through the command line.

The cases of the campaign (issue "What an analyst trips over"), numbered as there:

1. data loss in ``--out``: a folder that only looks like a result is never replaced, and a
   result a user added a file to is refused, saying why;
2. user text escaped for each medium: ``$`` in a title, rich markup, ANSI escapes from a
   shared result, very long titles and keys;
3. numbers read as written (YAML 1.1 forms refused) and region values that overflow;
4. stray temporary names, terminals that are not UTF-8, closed pipes after writing (SIGHUP
   is in ``test_interrupt.py``);
5. budgets: ``--draws`` capped like the file, runs over budget refused before anything is
   built, with advice that names the right option;
6. a tampered result (``tests/unit/io/test_validation.py``); 7. the Python API's argument
   checks (``tests/unit/montecarlo/test_arguments.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main
from sim.io import load_result
from sim.io.manifest import sha256_file
from tests.helpers import FREEZE, one_region

SIM = Path(sys.executable).with_name("sim")
QUICK = ["--draws", "30", "--set", "horizon=8", "--no-plots", "-q"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def scenario(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(one_region(horizon=4, draws=20))
    data.update(changes)
    path = tmp_path / "scn.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# --- 1. data loss in --out ----------------------------------------------------------------


def test_1_a_browser_extension_with_a_manifest_json_is_not_replaced(tmp_path):
    ext = tmp_path / "extension"
    (ext / "src").mkdir(parents=True)
    (ext / "manifest.json").write_text('{"manifest_version": 3, "name": "tabs"}')
    (ext / "index.js").write_text("console.log(1)")
    (ext / "src" / "a.js").write_text("x")
    res = invoke("run", FREEZE, *QUICK, "--out", ext)
    assert res.exit_code == 1
    assert "its manifest.json was not written by sim" in res.output
    assert sorted(p.name for p in ext.iterdir()) == ["index.js", "manifest.json", "src"]


def test_1_a_sweep_json_beside_a_thesis_is_not_replaced(tmp_path):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "sweep.json").write_text('{"angle": 30}')
    (thesis / "thesis.tex").write_text("\\documentclass{article}")
    res = invoke("sweep", FREEZE, "--vary", "war.first_strike=0,0.1", *QUICK, "--out", thesis)
    assert res.exit_code == 1 and "its sweep.json was not written by sim" in res.output
    assert (thesis / "thesis.tex").read_text() == "\\documentclass{article}"


def test_1_notes_added_to_a_result_are_not_deleted_by_the_next_run(tmp_path):
    out = tmp_path / "run"
    assert invoke("run", FREEZE, *QUICK, "--seed", 1, "--out", out).exit_code == 0
    (out / "NOTES.md").write_text("what I saw")
    res = invoke("run", FREEZE, *QUICK, "--seed", 2, "--out", out)
    assert res.exit_code == 1
    assert "also holds NOTES.md, which the run did not write" in res.output
    assert "move it out of the folder, or choose another --out" in res.output
    assert (out / "NOTES.md").read_text() == "what I saw"
    assert load_result(out).summary["seed"] == 1
    (out / "NOTES.md").unlink()
    assert invoke("run", FREEZE, *QUICK, "--seed", 2, "--out", out).exit_code == 0


# --- 2. user text ---------------------------------------------------------------------------


def test_2_a_dollar_in_a_title_and_a_label_is_drawn_as_text(tmp_path):
    path = scenario(tmp_path, title="Cost a $^$ b")
    out = tmp_path / "run"
    res = invoke("run", path, "--out", out, "--format", "svg", "--label", "price $x$ [/b]", "-q")
    assert res.exit_code == 0, res.output
    for svg in out.glob("*.svg"):
        ET.parse(svg)  # valid XML
    show = invoke("show", out)
    assert show.exit_code == 0 and "Cost a $^$ b" in show.output
    assert "run: price $x$ [/b]" in show.output


def test_2_rich_markup_in_a_title_is_printed_as_text_by_run_and_show(tmp_path):
    path = scenario(tmp_path, title="Plan [/b] B [bold]x[/bold] :smile:")
    out = tmp_path / "run"
    res = invoke("run", path, "--out", out, "--no-plots")
    assert res.exit_code == 0, res.output
    assert "Plan [/b] B [bold]x[/bold] :smile:" in res.output
    show = invoke("show", out)
    assert show.exit_code == 0 and "Plan [/b] B [bold]x[/bold] :smile:" in show.output


def test_2_ansi_escapes_in_a_shared_result_never_reach_the_terminal(tmp_path):
    out = tmp_path / "shared"
    assert invoke("run", scenario(tmp_path), "--out", out, "--no-plots", "-q").exit_code == 0
    summary = json.loads((out / "summary.json").read_text())
    summary["title"] = "Innocent\x1b[2J\x1b]0;owned\x07 title"
    summary["actor_labels"]["a"] = "A\x1b[31m"
    (out / "summary.json").write_text(json.dumps(summary))
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"]["summary.json"]["sha256"] = sha256_file(out / "summary.json")
    (out / "manifest.json").write_text(json.dumps(manifest))
    res = invoke("show", out)
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "\x07" not in res.output
    assert "Innocent\\x1b[2J" in res.output


def test_2_a_900000_character_title_is_refused_at_once(tmp_path):
    path = scenario(tmp_path, title="t" * 900_000)
    t0 = time.monotonic()
    res = invoke("validate", path)
    assert res.exit_code == 1 and "900,000 characters long; at most 200" in res.output
    assert time.monotonic() - t0 < 10
    assert len(res.output) < 1000


def test_2_a_title_with_control_characters_is_refused(tmp_path):
    res = invoke("run", scenario(tmp_path, title="a\x0bb"), "--out", tmp_path / "r", "-q")
    assert res.exit_code == 1 and "U+000B" in res.output and not (tmp_path / "r").exists()


# --- 3. numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["1:30", "010", "1_0", "0b101"])
def test_3_yaml11_numbers_are_refused_in_set_and_in_files(tmp_path, form):
    res = invoke("validate", FREEZE, "--set", f"horizon={form}")
    assert res.exit_code == 1 and f"YAML 1.1 reads {form} as" in res.output
    text = one_region().replace("horizon: 6", f"horizon: {form}")
    path = tmp_path / "f.yaml"
    path.write_text(text)
    res = invoke("validate", path)
    assert res.exit_code == 1 and f"horizon: YAML 1.1 reads {form}" in res.output


def test_3_region_values_that_overflow_are_refused(tmp_path):
    data = yaml.safe_load(one_region())
    data["regions"]["stake"]["value"]["a"] = 1e308
    data["regions"]["more"] = {"value": {"a": 1e308, "b": 1.0}}
    data["terms"]["more"] = "a"
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(data))
    res = invoke("run", path, "--out", tmp_path / "r", "-q")
    assert res.exit_code == 1 and "cannot be normalised" in res.output


# --- 4. stray temporary names, terminals and pipes ------------------------------------------


def test_4_a_stray_temporary_name_with_a_huge_pid_is_no_internal_error(tmp_path):
    (tmp_path / ".r.tmp-99999999999999999999-x").mkdir()
    res = invoke("run", FREEZE, *QUICK, "--out", tmp_path / "r")
    assert res.exit_code == 0, res.output
    assert (tmp_path / ".r.tmp-99999999999999999999-x").is_dir()  # not ours: left alone


@pytest.mark.skipif(not SIM.exists(), reason="needs the installed sim script")
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_4_a_terminal_that_is_not_utf8_gets_the_report(tmp_path, encoding):
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    out = tmp_path / "r"
    proc = subprocess.run(
        [SIM, "run", FREEZE, "--draws", "30", "--set", "horizon=8", "--no-plots", "--out", out],
        capture_output=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert b"holds 1y" in proc.stdout and b"internal error" not in proc.stderr
    show = subprocess.run([SIM, "show", out], capture_output=True, env=env, timeout=300)
    assert show.returncode == 0 and b"?" in show.stdout  # '·' shown as '?'


@pytest.mark.skipif(not SIM.exists(), reason="needs the installed sim script")
def test_4_a_closed_pipe_after_writing_is_not_a_failure(tmp_path):
    out = tmp_path / "r"
    cmd = [SIM, "run", FREEZE, "--draws", "30", "--set", "horizon=8", "--no-plots", "--out", out]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the report, as with `| head -0`
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err
    assert load_result(out).summary["draws"] == 30
    show = subprocess.Popen([SIM, "show", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    show.stdout.close()
    _, err = show.communicate(timeout=300)
    assert show.returncode == 0 and b"error" not in err


# --- 5. budgets ------------------------------------------------------------------------------


@pytest.mark.parametrize("draws", ["1e12", "100000001", "2.5", "0"])
def test_5_draws_are_capped_like_the_file_and_refused_at_once(tmp_path, draws):
    t0 = time.monotonic()
    res = invoke("run", FREEZE, "--draws", draws, "--out", tmp_path / "r", "-q")
    assert res.exit_code == 1, res.output
    assert "--draws" in res.output and time.monotonic() - t0 < 10
    assert not (tmp_path / "r").exists()


def test_5_draws_may_be_written_with_an_exponent(tmp_path):
    res = invoke("run", FREEZE, "--draws", "3e1", "--set", "horizon=8", "--out", tmp_path / "r")
    assert res.exit_code == 0, res.output
    assert load_result(tmp_path / "r").summary["draws"] == 30


def _largest(tmp_path: Path) -> Path:
    """The largest model the format allows: five events and a horizon of 10,000."""
    data = yaml.safe_load(FREEZE.read_text(encoding="utf-8"))
    data["horizon"] = 10_000
    for i in range(5 - len(data["events"])):
        data["events"][f"extra_{i}"] = {"hazard": 0.01}
    path = tmp_path / "largest.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def test_5_a_run_over_the_time_budget_is_refused_before_it_starts(tmp_path):
    t0 = time.monotonic()
    res = invoke("run", _largest(tmp_path), "--draws", "1e8", "--out", tmp_path / "r")
    assert res.exit_code == 1, res.output
    assert "this run would take about" in res.output and "lower --draws" in res.output
    assert time.monotonic() - t0 < 30 and not (tmp_path / "r").exists()


def test_5_tiny_chunks_are_refused_with_the_right_advice(tmp_path, monkeypatch):
    monkeypatch.setattr("sim.montecarlo.budget.memory_budget", lambda: 500_000_000)
    res = invoke("run", FREEZE, "--draws", "1e8", "--chunk-size", "1", "--out", tmp_path / "r")
    assert res.exit_code == 1, res.output
    assert "the largest part is the chunk list" in res.output
    assert "raise --chunk-size" in res.output and "lower --chunk-size" not in res.output
