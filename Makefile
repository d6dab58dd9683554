# The two quick-start commands. Each creates .venv by itself on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint bench findings findings-check clean

run: $(VENV)/.installed
	$(BIN)/ecosim run scenarios/baseline.toml --out runs/baseline

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

# everything but the slow, cluster and browser tiers (the developer's loop; CI runs `make test`)
test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 --dist loadscope -m "not slow and not cluster and not browser"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check ecosim viz tests benchmarks scripts
	$(BIN)/mypy ecosim

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_world.py

# every figure of the README and docs, printed again by the commands (run after a change to the world);
# --runs: one folder of runs for every script, so a run two scripts need (baseline) is made once
findings: $(VENV)/.installed-dev
	$(BIN)/python -m ecosim.nomenclature > docs/nomenclature.md
	rm -rf runs/readme && mkdir -p runs/readme
	$(BIN)/python scripts/readme_findings.py --runs runs/readme
	$(BIN)/python scripts/readme_odc_conventions.py
	$(BIN)/python scripts/readme_valuation.py --runs runs/readme
	$(BIN)/python scripts/readme_flywheel.py
	$(BIN)/python scripts/readme_data_edges.py
	$(BIN)/python scripts/readme_terminal.py
	$(BIN)/python scripts/readme_calibration.py
	$(BIN)/python scripts/run_notebooks.py

# the same scripts writing nothing: exit 1 naming each README/docs section that is not what the commands print now
findings-check: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q tests/test_docs.py::test_nomenclature_is_current
	runs=$$(mktemp -d) && trap 'rm -rf "$$runs"' EXIT && \
	$(BIN)/python scripts/readme_findings.py --check --runs "$$runs" && \
	$(BIN)/python scripts/readme_odc_conventions.py --check && \
	$(BIN)/python scripts/readme_valuation.py --check --runs "$$runs" && \
	$(BIN)/python scripts/readme_flywheel.py --check && \
	$(BIN)/python scripts/readme_data_edges.py --check && \
	$(BIN)/python scripts/readme_terminal.py --check && \
	$(BIN)/python scripts/readme_calibration.py --check

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) runs build dist .pytest_cache
