# Two commands for a newcomer: `make run` (install and serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# setuptools explains editable installs in a warning block on every install (pip shows a
# local build's warnings even with --quiet); the message is known, the rest stays visible.
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install --quiet

.PHONY: run install install-test test lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(PIP_INSTALL) -e .

install-test: $(VENV)/.installed-test

# pip runs again only when pyproject.toml changed (the install is editable: code needs none),
# so `make test` and `make lint` do not spend their first ~20 s resolving the same packages.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[test]'
	touch $@

run: install
	$(BIN)/benefits-bot serve

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# One pytest worker per core (pytest-xdist); each worker makes its own PostgreSQL database
# and claims its own Redis database number, and drops both at its end.
TEST_WORKERS ?= auto

test: install-test
	$(BIN)/pytest -n $(TEST_WORKERS)
