# Two commands: `make demo` sets up and runs the main job; `make test` sets up and runs the tests.
# PYTHON: the newest supported Python on this machine (scripts/find-python: 3.13, else 3.12, else 3.11; pyenv's
# copies count); `make test PYTHON=python3.11` picks another. Each Python minor version gets its own venv
# (.venv-3.13, .venv-3.11), so changing PYTHON builds a fresh one and never reuses one of another Python.
PYTHON ?= $(shell scripts/find-python)
PYTHON := $(PYTHON)
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
ifeq ($(PYVER),)
$(error $(PYTHON) does not run: set PYTHON to a Python 3.11+ that does)
endif
VENV := .venv-$(PYVER)
BIN := $(VENV)/bin
# pytest-xdist workers: the suite runs in parallel on the machine's cores.
JOBS ?= $(shell nproc)

.PHONY: demo test bench lint schema clean ground-truth

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/sim demo

test: $(VENV)/.installed
	scripts/ensure-chromium
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/python -m pytest -q -n $(JOBS) --dist loadgroup --durations=25 tests benchmarks --benchmark-disable

# Benchmark figures (docs/PERFORMANCE.md): sim bench, then the pytest-benchmark suite at full size.
bench: $(VENV)/.installed
	$(BIN)/sim bench
	SIM_BENCH=full $(BIN)/python -m pytest -q benchmarks --benchmark-only

# Docking against outside tools (docs/GROUND_TRUTH.md): PyMC-Marketing's BG/NBD and MMM fitted on the
# exports, against the simulated truth. Its own venv (~1.6 GB), so that .venv and CI stay light;
# ARGS=--quick for a smoke size, ARGS='--workers 2' for two simulation workers.
AVENV := .venv-analytics
ABIN := $(AVENV)/bin

# its own Python: the figures of docs/GROUND_TRUTH.md were made on 3.11 (PyMC-Marketing not checked on 3.12+)
APYTHON ?= python3
$(AVENV)/.installed: pyproject.toml
	test -x $(ABIN)/python || $(APYTHON) -m venv $(AVENV)
	$(ABIN)/pip install -q --upgrade pip
	$(ABIN)/pip install -q -e '.[analytics]'
	touch $@

ground-truth: $(AVENV)/.installed
	$(ABIN)/python -m pytest -q --noconftest -p no:cacheprovider tests/test_export_readback.py
	$(ABIN)/python experiments/ground_truth.py $(ARGS)

schema: $(VENV)/.installed
	for k in scenario experiment explain calibration optimization; do \
		$(BIN)/sim schema --kind $$k --out schema/$$k.schema.json; done

clean:
	rm -rf .venv .venv-3.* $(AVENV) .pytest_cache tests/artifacts
