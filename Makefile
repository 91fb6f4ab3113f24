# Every target creates .venv on first use, so a fresh machine with Python 3.11 and make
# needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: demo test test-slow test-dask docs bench lint clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

$(VENV)/.docs-installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e ".[docs,plot]"
	touch $(VENV)/.installed $@

$(VENV)/.dask-installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e ".[dev,dask]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/lifecycle report

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src

test: lint
	$(BIN)/pytest -q -m "not slow"

# The slow tests (the documentation build, notebooks executed) need the docs extra too, and
# the HTML report's test a headless Chromium (Debian's package, installed here if missing).
test-slow: $(VENV)/.dev-installed $(VENV)/.docs-installed
	command -v chromium || (timeout 600 apt-get update && DEBIAN_FRONTEND=noninteractive \
		timeout 600 apt-get install -y --no-install-recommends chromium) || \
		echo "chromium could not be installed: its test will be skipped"
	timeout 900 $(BIN)/pytest -q -m "slow and not dask"

# lifecycle.dask against the in-memory engines on a two-worker LocalCluster (marked `dask`,
# and `slow` too so that the targets above leave them out); needs the dask extra.
test-dask: $(VENV)/.dev-installed $(VENV)/.dask-installed
	timeout 600 $(BIN)/pytest -q -m dask

docs: $(VENV)/.docs-installed
	$(BIN)/mkdocs build --strict --site-dir site

bench: $(VENV)/.dev-installed
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) site build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
