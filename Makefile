# Every target works on a fresh clone: the first one run creates .venv and installs
# the pinned environment into it (the stamp file keeps later runs fast).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Seconds a single notebook cell may take under test before it counts as hung.
CELL_TIMEOUT ?= 600

.PHONY: setup run test test-unit test-notebooks lab data bench notebooks lint clean

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

setup: $(STAMP) ## create .venv with the pinned environment

notebooks: $(STAMP) ## rebuild notebooks/*.ipynb from notebooks/src/*.py
	$(PY) tools/build_notebooks.py

run: $(STAMP) ## execute every notebook into build/ (ipynb + html) and print a table
	$(PY) tools/run_notebooks.py --html

bench: $(STAMP) ## time every notebook and write build/bench.json
	$(PY) tools/run_notebooks.py --bench build/bench.json

test: test-unit test-notebooks ## everything CI checks

test-unit: $(STAMP)
	$(PY) -m ruff check helpers tests tools notebooks/src
	$(PY) tools/build_notebooks.py --check
	$(PY) -m pytest tests --doctest-modules helpers

test-notebooks: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider --nbval-lax --nbval-cell-timeout=$(CELL_TIMEOUT) \
	    notebooks/[0-9]*.ipynb

lab: $(STAMP) ## open JupyterLab on the notebooks
	$(VENV)/bin/jupyter lab notebooks/

data: $(STAMP) ## download and verify every canonical dataset (for a class that will be offline)
	$(PY) -m helpers.data download

lint: $(STAMP)
	$(PY) -m ruff check helpers tests tools notebooks/src

clean:
	rm -rf build .pytest_cache
