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

install-test: $(BIN)/python
	$(PIP_INSTALL) -e '.[test]'

run: install
	$(BIN)/benefits-bot serve

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: install-test
	$(BIN)/pytest
