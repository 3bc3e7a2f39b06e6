# gassist-sdk developer entry points. `make demo` and `make test` work on a fresh
# clone with only Python >= 3.10 and make: they create .venv on first use.

PYTHON ?= python3
VENV   ?= .venv
ifeq ($(OS),Windows_NT)
  BIN := $(VENV)/Scripts
else
  BIN := $(VENV)/bin
endif
PY    := $(BIN)/python
STAMP := $(VENV)/.installed
# Most slow tests wait on subprocesses and timers, so more workers than cores pay off.
TEST_WORKERS ?= 4
PYTEST := $(PY) -m pytest -q -n $(TEST_WORKERS) --dist worksteal

.PHONY: venv demo test test-fast lint bench manifests clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m gassist_build.demo

test: $(STAMP)
	$(PYTEST)

test-fast: $(STAMP)
	$(PYTEST) -m "not slow"

lint: $(STAMP)
	$(PY) -m ruff check sdk builder tests bench plugins
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) bench/protocol_bench.py
	$(PY) bench/startup_bench.py
	$(PY) bench/route_bench.py

manifests: $(STAMP)
	@for d in plugins/*/; do $(BIN)/gassist-build manifest $$d || exit 1; done

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
