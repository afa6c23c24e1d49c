# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCENARIO ?= scenarios/freeze_lines.yaml

.PHONY: run test test-fast lint install install-test notebook clean bench chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

$(VENV)/.installed-notebook: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebook]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/sim run $(SCENARIO)

# notebook: install JupyterLab (the `notebook` extra) and open notebooks/sweeps.ipynb
notebook: $(VENV)/.installed-notebook
	$(BIN)/jupyter lab notebooks/sweeps.ipynb

# lint: ruff (style, imports, docstrings), the import-layer contracts, mypy on games/ and model/
lint: install-test
	$(BIN)/ruff check sim tests benchmarks scenarios
	$(BIN)/ruff format --check sim tests benchmarks scenarios
	$(BIN)/lint-imports
	$(BIN)/mypy

# headless Chromium (Debian's package) for the browser test of `sim report`; installed when
# missing if we are root (as CI is), else the test is skipped with a note
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is not installed: the browser test of sim report will be skipped"; \
	  fi; }

# the whole suite: lint, then unit, integration and system tests
test: lint chromium
	$(BIN)/python -m pytest -q

# the unit tier only (under a minute)
test-fast: install-test
	$(BIN)/python -m pytest -q tests/unit

bench: install-test
	$(BIN)/python benchmarks/solver.py
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
