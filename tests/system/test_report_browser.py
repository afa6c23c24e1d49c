"""The brief in a real browser: headless Chromium renders the page of a run and the
comparison page, and the test reads what it drew.

* every figure is present and rendered (each ``<img>`` loaded, with a natural size and a
  laid-out box), read from the DOM after load (``--dump-dom``) of a copy of the page with
  a probe script appended (the brief itself has no script);
* the figures on the page, as the browser renders their text, equal ``summary.json``;
* the page references no external URL (parsed from the HTML);
* a screenshot is not blank, and holds the figures' colours;
* "Print to PDF" gives a PDF of a few A4 pages.

Chromium is Debian's ``chromium`` package; ``make test`` installs it when it is missing
(``make chromium``). Without it the test is skipped, except under CI, where it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import sim
from tests.helpers import FREEZE
from tests.reporting_checks import Page, external_references

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: The flags that keep headless Chromium from reaching for a network it does not have.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
#: Appended to a copy of the page: after load, writes what the browser made of each
#: image and each figure into attributes that --dump-dom shows.
PROBE = """<script>
window.addEventListener("load", function () {
  document.querySelectorAll("img").forEach(function (img) {
    var box = img.getBoundingClientRect();
    img.setAttribute("data-natural", img.naturalWidth + "x" + img.naturalHeight);
    img.setAttribute("data-complete", String(img.complete));
    img.setAttribute("data-box", Math.round(box.width) + "x" + Math.round(box.height));
  });
  document.querySelectorAll("[data-summary]").forEach(function (el) {
    el.setAttribute("data-shown", el.innerText);
  });
  document.body.setAttribute("data-probed", "yes");
});
</script>
"""
VERMILLION = (0xD5, 0x5E, 0x00)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: `make chromium` installs it (apt-get)")
        pytest.skip("chromium is not installed (make chromium)")
    return CHROMIUM


def chromium(browser: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


@pytest.fixture(scope="module")
def briefs(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    a = sim.run(FREEZE, draws=150, seed=1, overrides={"horizon": 44}).save(root / "a", plots=False)
    b = sim.run(FREEZE, draws=100, seed=2, overrides={"horizon": 44, "war.first_strike": 0.0})
    b = b.save(root / "b", plots=False)
    return root, a, sim.report(a), sim.report([a, b])


def probed_dom(browser: str, page: Path, tmp: Path) -> Page:
    copy = tmp / f"probed-{page.name}"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"))
    out = chromium(browser, tmp, "--virtual-time-budget=10000", "--dump-dom", copy.as_uri())
    dom = Page(out.stdout)
    assert dom.all("body")[0].get("data-probed") == "yes", "the page did not finish loading"
    return dom


def check_figures(dom: Page, names: list[str]) -> None:
    imgs = dom.all("img")
    assert [a["data-figure"] for a in imgs] == names
    for img in imgs:
        w, h = (int(v) for v in img["data-natural"].split("x"))
        bw, bh = (int(v) for v in img["data-box"].split("x"))
        assert img["data-complete"] == "true" and w > 300 and h > 200, img["data-figure"]
        assert bw > 300 and bh > 150, img["data-figure"]  # laid out, not collapsed


def check_figures_shown(dom: Page, summary: dict, run: str | None = None) -> int:
    n = 0
    for _, attrs in dom.tags:
        # a run's label is its folder name, with its changes when it has any
        label = (attrs.get("data-run") or "").split(" [")[0]
        if "data-summary" not in attrs or label != (run or ""):
            continue
        node = summary
        for part in attrs["data-summary"].split("."):
            node = node[part]
        assert attrs["data-shown"].strip() == f"{node:.1%}", attrs["data-summary"]
        n += 1
    return n


def test_the_brief_renders_in_chromium(browser, briefs, tmp_path):
    root, folder, page, _ = briefs
    assert external_references(Page(page.read_text(encoding="utf-8"))) == []
    dom = probed_dom(browser, page, tmp_path)
    # the flagship has private information: the beliefs figure too
    check_figures(dom, ["survival", "breakdown", "sensitivity", "power", "beliefs"])
    summary = json.loads((folder / "summary.json").read_text())
    # accepted (3), holds 1/2/5/10 years (3 each) and each given acceptance
    assert check_figures_shown(dom, summary) == 3 + 4 * 3 + 4


def test_the_comparison_page_renders_in_chromium(browser, briefs, tmp_path):
    root, a, _, page = briefs
    assert external_references(Page(page.read_text(encoding="utf-8"))) == []
    dom = probed_dom(browser, page, tmp_path)
    check_figures(dom, ["compare"])
    for folder in (a, root / "b"):
        summary = json.loads((folder / "summary.json").read_text())
        assert check_figures_shown(dom, summary, run=folder.name) == 3 + 4 * 3 + 4


def test_a_broken_figure_is_caught(browser, briefs, tmp_path):
    """The figure check can fail: a figure the browser cannot decode has no natural size."""
    html = briefs[2].read_text(encoding="utf-8")
    start = html.index('src="data:image/svg+xml;base64,') + len('src="')
    end = html.index('"', start)
    broken = tmp_path / "broken.html"
    broken.write_text(html[:start] + "data:image/svg+xml;base64,PHN2Zz4=" + html[end:])
    dom = probed_dom(browser, broken, tmp_path)
    with pytest.raises(AssertionError, match="survival"):
        check_figures(dom, ["survival", "breakdown", "sensitivity", "power", "beliefs"])


def test_a_screenshot_is_not_blank(browser, briefs, tmp_path):
    import numpy as np
    from PIL import Image

    shot = tmp_path / "shot.png"
    uri = briefs[2].as_uri()
    chromium(browser, tmp_path, "--window-size=1200,4000", f"--screenshot={shot}", uri)
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=int)
    assert pixels.shape == (4000, 1200, 3)
    ink = (pixels.sum(axis=2) < 600).mean()
    assert ink > 0.03, f"the screenshot is nearly blank ({ink:.1%} of pixels drawn)"
    # the figures' own colour (nothing else on a page without --set is vermillion)
    near = int((np.abs(pixels - np.array(VERMILLION)).max(axis=2) < 40).sum())
    assert near > 300, f"no figure colours on the screenshot ({near} vermillion pixels)"
    # text on the first screen (title and headline): dark pixels in the top band
    assert int((pixels[:600].sum(axis=2) < 200).sum()) > 2000


def test_print_to_pdf_gives_a_few_pages(browser, briefs, tmp_path):
    pdf = tmp_path / "brief.pdf"
    chromium(
        browser, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", briefs[2].as_uri()
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    assert 3 <= pages <= 12, f"{pages} pages"
