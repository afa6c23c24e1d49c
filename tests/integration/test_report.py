"""`sim report`, `sim run --report` and `sim.report`: the brief of a run and the comparison
page, through the command line and the library, checked against the result folders."""

from __future__ import annotations

import fnmatch
import json
import tomllib

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from tests.helpers import FREEZE, ROOT
from tests.reporting_checks import Page, external_references

TEN_YEARS = "horizon=44"  # quarters: every headline figure (1, 2, 5, 10 years), and quick


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two saved runs of the flagship (one with --set), the first with its brief."""
    root = tmp_path_factory.mktemp("report")
    a, b = root / "freeze", root / "no_first_strike"
    out = invoke("run", FREEZE, "--draws", 150, "--set", TEN_YEARS, "--out", a, "-q", "--report")
    assert out.exit_code == 0, out.output
    assert out.output.strip() == f"wrote {root / 'freeze.html'}"
    args = ("--set", "war.first_strike=0", "--no-plots", "-q")
    out = invoke("run", FREEZE, "--draws", 120, "--seed", 3, "--set", TEN_YEARS, "--out", b, *args)
    assert out.exit_code == 0, out.output
    return a, b


def figures_on(page: Page) -> dict[str, float]:
    """data-summary key path -> the number shown, for every figure cell of the page."""
    return {a["data-summary"]: a for _, a in page.tags if "data-summary" in a}


def lookup(summary: dict, path: str):
    node = summary
    for part in path.split("."):
        node = node[part]
    return node


def test_the_brief_of_a_run_shows_its_summary(runs):
    folder = runs[0]
    html = (folder.parent / "freeze.html").read_text(encoding="utf-8")
    page = Page(html)
    summary = json.loads((folder / "summary.json").read_text())
    cells = figures_on(page)
    # every headline figure, with its interval and its value given acceptance
    expected = {"p_accepted.estimate", "p_accepted.ci_low", "p_accepted.ci_high"}
    for k in ("1y", "2y", "5y", "10y"):
        expected |= {f"p_holds.{k}.{x}" for x in ("estimate", "ci_low", "ci_high")}
        expected.add(f"p_holds_if_accepted.{k}")
    assert set(cells) == expected
    for path, attrs in cells.items():
        assert float(attrs["data-value"]) == lookup(summary, path), path
    text = page.plain_text()
    for k in ("1y", "10y"):
        assert f"{summary['p_holds'][k]['estimate']:.1%}" in text
    assert summary["title"] in text and "Who breaks it, and why" in text
    scn = sim.load_scenario(FREEZE, overrides=[TEN_YEARS])
    assert scn.description.split()[0] in text
    # the terms, every uncertain belief, the provenance
    assert "Crimea and Sevastopol" in text and "26,945 km²" in text
    keys = {a.get("class") for a in page.all("span")}
    assert "key" in keys
    for key in scn.uncertain():
        assert key.split(".")[-1] in text
    assert text.count("judgement") >= len(scn.uncertain())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scenario_sha256"] in text and manifest["command"] in text
    assert external_references(page) == []
    assert [a["data-figure"] for a in page.all("img")] == [
        "survival",
        "breakdown",
        "sensitivity",
        "power",
        "beliefs",  # the flagship has private information
    ]


def test_sim_report_the_library_and_the_command_write_the_same_page(runs, tmp_path):
    folder = runs[0]
    out = invoke("report", folder, "--out", tmp_path / "cli.html")
    assert out.exit_code == 0, out.output
    assert out.output.strip() == f"wrote {tmp_path / 'cli.html'}"
    path = sim.report(folder, tmp_path / "api.html")
    assert path == tmp_path / "api.html"
    assert path.read_bytes() == (tmp_path / "cli.html").read_bytes()
    # and the one `sim run --report` wrote beside the run (the same run, the same page)
    assert path.read_bytes() == (folder.parent / "freeze.html").read_bytes()


def test_importing_the_layer_keeps_sim_report_the_function():
    import sim.reporting  # noqa: F401

    assert callable(sim.report) and sim.report is sim.api.report


def test_png_figures_from_the_command(runs, tmp_path):
    out = invoke("report", runs[1], "--out", tmp_path / "b.html", "--figures", "png")
    assert out.exit_code == 0, out.output
    imgs = Page((tmp_path / "b.html").read_text()).all("img")
    assert len(imgs) == 5 and all(a["src"].startswith("data:image/png;base64,") for a in imgs)


def test_the_comparison_page(runs):
    a, b = runs
    out = invoke("report", a, b)
    assert out.exit_code == 0, out.output
    path = a.parent / "freeze_vs_no_first_strike.html"
    assert out.output.strip() == f"wrote {path}"
    page = Page(path.read_text(encoding="utf-8"))
    for folder in runs:
        summary = json.loads((folder / "summary.json").read_text())
        shown = {
            attrs["data-summary"]: float(attrs["data-value"])
            for _, attrs in page.tags
            # a run's label is its folder name, with its changes when it has any
            if attrs.get("data-run", "").split(" [")[0] == folder.name
        }
        # accepted and holds 1/2/5/10 years with their intervals, and each if accepted
        assert len(shown) == 3 + 4 * 3 + 4
        assert shown == {k: lookup(summary, k) for k in shown}
    text = page.plain_text()
    assert "--set war.first_strike=0" in text
    # what differs: the first-strike belief, by its readable label and both values
    assert "uniform(0, 0.3)" in text and "first_strike" in text
    assert [a["data-figure"] for a in page.all("img")] == ["compare"]
    assert external_references(page) == []


@pytest.mark.parametrize(
    "args,message",
    [
        (("{tmp}/missing",), "not a folder"),
        (("{tmp}/half",), "manifest"),
        (("{a}", "--out", "{a}/brief.html"), "inside a result folder"),
        (("{a}", "--out", "{tmp}/brief.txt"), "give a .html file"),
        (("{a}", "--discovery", "{tmp}/none"), "--discovery"),
        (("{a}", "--figures", "gif"), "gif"),
    ],
)
def test_bad_input_is_one_message_and_exit_code_1(runs, tmp_path, args, message):
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "summary.json").write_text("{}")
    args = [x.format(tmp=tmp_path, a=runs[0]) for x in args]
    out = invoke("report", *args)
    assert out.exit_code == 1, out.output
    assert message in out.output and "Traceback" not in out.output
    assert not list(tmp_path.glob("*.html")) and not list(tmp_path.glob(".*tmp*"))


def test_the_templates_ship_with_the_package():
    """Every file of sim/reporting/templates is package data in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["sim.reporting"]
    folder = ROOT / "sim" / "reporting"
    files = [p.relative_to(folder).as_posix() for p in (folder / "templates").iterdir()]
    assert {"run.html.j2", "compare.html.j2", "base.html.j2", "report.css"} <= {
        f.split("/")[-1] for f in files
    }
    assert all(any(fnmatch.fnmatch(f, pat) for pat in patterns) for f in files)
    assert "jinja2" in " ".join(config["project"]["dependencies"]).lower()
