# newsmark: two commands on a fresh machine (python3 + make): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench clean snapshot-update

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(RUN_STAMP) $@

## Launch the TUI on the bundled samples (or NEWSMARK_LIBRARY).
## Byte-compiling first keeps start-up fast where PYTHONDONTWRITEBYTECODE is set.
run: $(RUN_STAMP)
	$(PY) -m compileall -q annotations tui
	$(VENV)/bin/newsmark

## Lint and run the whole test suite.
test: $(TEST_STAMP) lint
	$(PY) -m pytest -n 2 -q

## Accept new screenshots (tests/__snapshots__/) after checking them in the report.
snapshot-update: $(TEST_STAMP)
	$(PY) -m pytest tests/test_snapshots.py -q --snapshot-update

## ruff (rules and formatting), then the types (mypy, configured in pyproject.toml), then the
## layering contracts (import-linter).
lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

## Run the benchmarks; results go to docs/benchmarks.md.
bench: $(TEST_STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .mypy_cache .import_linter_cache
