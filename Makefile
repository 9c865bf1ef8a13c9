# manabi — the two commands first: `make demo` and `make test`.
# Everything they need is installed by `make setup` (idempotent): uv, .venv, the pinned
# requirements (requirements/*.txt, with hashes) and manabi itself.

SHELL := /bin/bash
PYTHON ?= python3.11
PORT ?= 8000
# Test workers (pytest-xdist): "auto" is one per CPU; 0 runs the suite in this process.
PYTEST_WORKERS ?= auto
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_NO_CONFIG := 1

# uv from the PATH if there is one, else our own copy in .tools/ (installed from
# requirements/tools.txt, pinned with hashes).
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: help setup demo test fuzz lint bench format clean

help:
	@echo "make demo    build a fictional prefecture on SQLite and serve http://127.0.0.1:$(PORT)"
	@echo "make test    run the whole test suite"
	@echo "make fuzz    fuzz the API from its OpenAPI schema with a larger, random budget"
	@echo "make lint    ruff, ruff format --check, mypy, makemigrations --check"
	@echo "make bench   run the benchmarks under bench/"

.tools/bin/uv: requirements/tools.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) が見つかりません。Python 3.11 をインストールしてください (PYTHON=... で指定できます)。"; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --require-hashes -r requirements/tools.txt
	@touch $@

$(VENV)/.installed: requirements/dev.txt pyproject.toml $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	@test -x $(BIN)/python || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements/dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	@touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/manabi demo --port $(PORT) $(if $(RESET),--reset) $(if $(SIZE),--size $(SIZE))

test: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The suite fuzzes every API operation with a small fixed budget; this runs a larger, random
# one (FUZZ_EXAMPLES per operation, persona and mode).
FUZZ_EXAMPLES ?= 100
fuzz: setup
	MANABI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -n $(PYTEST_WORKERS) tests/test_api_fuzz.py $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy manabi
	$(BIN)/manabi makemigrations --check --dry-run

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
