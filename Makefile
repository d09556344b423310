# The two commands a newcomer needs: `make run` (server + demo data on SQLite) and `make test`.
# Both bootstrap a virtualenv in .venv from pyproject.toml; nothing else has to be installed first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-fast lint typecheck check bench bench-quick samples clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)  ## serve the API and pages with demo data on the embedded SQLite database
	$(BIN)/qrpay serve --demo

test: $(STAMP)  ## the whole suite (PostgreSQL tests skip when no server is reachable, unless CI=true)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check qrpay server cli tests bench samples
	$(BIN)/ruff format --check qrpay server cli tests bench samples

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck

bench: $(STAMP)  ## benchmarks print figures and ratios against an in-process baseline
	$(BIN)/python bench/library.py
	$(BIN)/python bench/decode.py
	$(BIN)/python bench/server.py

bench-quick: $(STAMP)
	$(BIN)/python bench/library.py --quick
	$(BIN)/python bench/decode.py --quick
	$(BIN)/python bench/server.py --quick

samples: $(STAMP)  ## regenerate samples/codes from samples/make_samples.py
	$(BIN)/python samples/make_samples.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
