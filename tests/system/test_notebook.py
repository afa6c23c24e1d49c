"""notebooks/sweeps.ipynb: stored without outputs, and runs end to end with few draws."""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.helpers import ROOT

NOTEBOOK = ROOT / "notebooks" / "sweeps.ipynb"
SMALL_DRAWS = 200


def _read():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_is_stored_without_outputs():
    nb = _read()
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_notebook_has_a_parameters_cell_first():
    code = [c for c in _read().cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert re.search(r"(?m)^DRAWS = \d+$", code[0].source)


@pytest.mark.slow
def test_notebook_runs(tmp_path):
    from nbclient import NotebookClient

    nb = _read()
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = re.sub(r"(?m)^DRAWS = \d+$", f"DRAWS = {SMALL_DRAWS}", params.source)
    assert f"DRAWS = {SMALL_DRAWS}" in params.source
    client = NotebookClient(
        nb, timeout=150, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    tables = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    # survival, tornado, two heatmaps, a line sweep, the comparison, the terms
    assert len(images) >= 7
    assert len(tables) >= 4
    assert any("limited aims" in t and "holds 5y if accepted" in t for t in tables)  # side by side
    assert any("holds 5y" in t for t in tables)  # the headline of the baseline run
    # the essay's four lines from one sim.terms call, each a row
    lines = ("November 2022 line", "pre-invasion line", "annexation line", "south liberated")
    assert any(all(name in t for name in lines) and "value_russia" in t for t in tables)
    # nothing written into the repository
    assert not (ROOT / "compare.png").exists()


def test_the_notebook_extra_installs_jupyterlab_and_the_docs_say_how_to_open_it():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert any(req.startswith("jupyterlab") for req in extras["notebook"])
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\nnotebook:", 1)[1].split("\n\n", 1)[0]
    assert "jupyter lab notebooks/sweeps.ipynb" in target
    assert "pip install --quiet -e '.[notebook]'" in makefile
    readme = (ROOT / "README.md").read_text()
    assert "make notebook" in readme and ".venv/bin/jupyter lab notebooks/sweeps.ipynb" in readme
