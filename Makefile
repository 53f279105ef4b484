# Two commands: `make demo` sets up and runs the main job; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# pytest-xdist workers: the suite runs in parallel on the machine's cores.
JOBS ?= $(shell nproc)

.PHONY: demo test bench lint schema clean

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

schema: $(VENV)/.installed
	for k in scenario experiment explain calibration optimization; do \
		$(BIN)/sim schema --kind $$k --out schema/$$k.schema.json; done

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
