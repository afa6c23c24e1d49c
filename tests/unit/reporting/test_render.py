"""The page: escaping, no external resources, the optional parts, where it is written."""

from __future__ import annotations

import json
import os

import pytest
import yaml
from markupsafe import Markup

from sim.errors import ResultError
from sim.montecarlo import run
from sim.reporting import clean_text, default_out, render_run, write_html, write_report
from sim.scenario import parse_scenario_text
from tests.helpers import one_region
from tests.reporting_checks import Page, external_references

HOSTILE = "<script>alert(\"x\")</script> & 'q' </td><img src=http://evil.example/x.png>"


def hostile_text() -> str:
    data = yaml.safe_load(one_region(incident="uniform(0.0, 0.1)", horizon=8, draws=7))
    # (a control character is refused by the format itself; clean_text is tested below)
    data["title"] = "Title " + HOSTILE + " end"
    data["description"] = "Description " + HOSTILE
    data["sources"] = ["https://example.org/source " + HOSTILE]
    data["actors"]["a"]["label"] = 'A "the first" <b>bold</b>'
    data["regions"]["stake"]["label"] = "Region " + HOSTILE
    data["regions"]["stake"]["note"] = "Note " + HOSTILE
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    line = next(x for x in text.splitlines() if x.strip().startswith("incident_hazard"))
    return text.replace(line, line + "  # judgement: " + HOSTILE.replace("#", ""))


@pytest.fixture(scope="module")
def hostile():
    scn = parse_scenario_text(hostile_text(), "hostile.yaml", default_name="hostile")
    result = run(scn, draws=7, seed=1)
    return result


@pytest.fixture(scope="module")
def page(hostile):
    return render_run(hostile)


@pytest.fixture
def fast(monkeypatch):
    """Figures replaced by one small image (for tests about the rest of the page)."""
    from sim.reporting import context
    from sim.reporting.figures import InlineFigure

    dot = InlineFigure("survival", "a dot", "data:image/svg+xml;base64,PHN2Zy8+", "svg")
    monkeypatch.setattr(context, "run_figures", lambda result, fmt: [dot])


def saved_copy(result, folder):
    """Save ``result`` and leave the shared in-memory Result as it was."""
    try:
        return result.save(folder, plots=False)
    finally:
        result.path, result.manifest = None, {}


def test_clean_text():
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f\ud800g\tok\n") == (
        "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg\tok\n"
    )
    assert clean_text(None) == "" and clean_text(3) == 3
    safe = clean_text(Markup("<b>\x07</b>"))
    assert isinstance(safe, Markup) and safe == Markup("<b>\ufffd</b>")


def test_user_text_is_escaped(page, hostile):
    parsed = Page(page)
    assert not parsed.all("script")  # no script at all, not even the scenario's
    assert not [a for a in parsed.all("img") if "evil" in a.get("src", "")]
    assert not parsed.all("b")
    text = parsed.plain_text()
    # the text reads as written
    assert "Title " + HOSTILE + " end" in text
    assert "Description " + HOSTILE in text
    assert "Region " + HOSTILE in text and "Note " + HOSTILE in text
    assert 'A "the first" <b>bold</b>' in text
    assert "judgement " + HOSTILE.replace("#", "") in text  # the scenario's comment, tagged
    assert "\x07" not in page
    title = parsed.all("title")
    assert title == [{}]


def test_the_page_loads_nothing_from_elsewhere(page):
    parsed = Page(page)
    assert external_references(parsed) == []
    assert "https://example.org/source" in parsed.plain_text()  # a source is text, not a link
    imgs = parsed.all("img")
    assert [a["data-figure"] for a in imgs] == ["survival", "breakdown", "sensitivity", "power"]
    assert all(a["src"].startswith("data:image/svg+xml;base64,") for a in imgs)


def test_the_same_run_gives_the_same_page(hostile, page):
    assert render_run(hostile) == page


def sections(html: str) -> set[str]:
    return {a.get("id") for a in Page(html).all("section")}


def test_discovery_and_sensitivity_when_present(hostile, tmp_path, fast):
    folder = saved_copy(hostile, tmp_path / "run")
    base = {"headline", "story", "figures", "terms", "assumptions", "provenance"}
    from sim.io import load_result

    saved = load_result(folder, draws=False)
    assert sections(render_run(saved)) == base
    (folder / "sensitivity.csv").write_text(
        "key,method,index,ci_low,ci_high\nwar.incident_hazard,delta,0.41,0.35,0.47\n"
    )
    explain = tmp_path / "run_explain_holds_5y"
    explain.mkdir()
    (explain / "discovery.json").write_text(
        json.dumps(
            {
                "base_rate": 0.5,
                "boxes": [
                    {
                        "coverage": 0.7,
                        "density": 0.9,
                        "mass": 0.4,
                        "restrictions": {"war.incident_hazard": [0.0, 0.02]},
                        "finding": "In 90% of the draws where " + HOSTILE,
                    }
                ],
            }
        )
    )
    html = render_run(saved)
    assert sections(html) == base | {"discovery", "sensitivity"}
    text = Page(html).plain_text()
    assert "In 90% of the draws where " + HOSTILE in text
    assert "coverage 70% · density 90% · mass 40%" in text
    assert "incident_hazard 0.410 0.350 – 0.470" in text
    assert not Page(html).all("script")


def test_calibration_line(hostile, fast):
    hostile.manifest = {"posterior": {"method": "abc", "data": "minsk_2015"}}
    try:
        html = render_run(hostile)
    finally:
        hostile.manifest = {}
    assert "Calibration used: method: abc; data: minsk_2015." in Page(html).plain_text()
    assert "Calibration used" not in Page(render_run(hostile)).plain_text()


def test_where_the_page_goes(hostile, tmp_path):
    with pytest.raises(ResultError, match="has not been saved"):
        default_out([hostile])
    folder = saved_copy(hostile, tmp_path / "run")
    hostile.path = folder
    try:
        assert default_out([hostile]) == tmp_path / "run.html"
        assert default_out([hostile, hostile]) == tmp_path / "run_vs_run.html"
        with pytest.raises(ResultError, match="inside a result folder"):
            write_report(folder, folder / "brief.html")
        with pytest.raises(ResultError, match="give a .html file"):
            write_report(folder, tmp_path / "brief.pdf")
        (tmp_path / "x.html").mkdir()
        with pytest.raises(ResultError, match="is a folder"):
            write_report(folder, tmp_path / "x.html")
        with pytest.raises(ResultError, match="--figures must be one of svg, png"):
            write_report(folder, figures="gif")
    finally:
        hostile.path = None


def test_an_interrupted_write_leaves_the_earlier_page(tmp_path, monkeypatch):
    out = tmp_path / "brief.html"
    write_html("<p>old</p>", out)

    def boom(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_html("<p>new</p>", out)
    assert out.read_text() == "<p>old</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html"]  # no temporary left


def test_a_run_whose_scenario_no_longer_loads(hostile, fast):
    """The headline and provenance still reach the reader; terms and assumptions say why not."""
    import dataclasses

    old = dataclasses.replace(hostile, scenario=None)
    page = Page(render_run(old))
    text = page.plain_text()
    assert "no longer loads with this version" in text
    assert "Who breaks it, and why" in text and page.all("img")
