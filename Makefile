# Doorstep — the two commands people need are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test lint format bench demo installer clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: QT_QPA_PLATFORM=
run: $(STAMP)
	$(PY) -m compileall -q models desktop ui reports resources
	$(VENV)/bin/doorstep gui

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy models desktop reports ui resources tests bench

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

demo: $(STAMP)
	$(VENV)/bin/doorstep demo --db demo.sqlite --entrepreneurs 2000 --seed 1

installer: $(STAMP)
	bash installer/build.sh

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache
