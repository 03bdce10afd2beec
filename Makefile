# Every target works on a fresh clone: the first one run creates .venv and installs
# the pinned environment into it (the stamp file keeps later runs fast).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Seconds a single notebook cell may take under test before it counts as hung.
CELL_TIMEOUT ?= 600
# Notebooks executed at a time under test (pytest-xdist; each notebook's cells stay in order
# in one worker): most cells keep one core busy, so two share a 2-core machine well.
NB_JOBS ?= 2
NB_PARALLEL = $(if $(filter-out 0 1,$(NB_JOBS)),-n $(NB_JOBS) --dist loadfile)
# TensorFlow's C++ start-up lines stay out of every target's output (kernels inherit it).
export TF_CPP_MIN_LOG_LEVEL ?= 2

.DEFAULT_GOAL := help
.PHONY: help setup run test test-unit test-notebooks lab data bench book notebooks lint clean \
        test-browser chromium

help: ## list the targets, one line each
	@echo "usage: make TARGET   (every target creates .venv first if it is missing)"
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z][a-z0-9-]*:[^=]*## / {printf "  %-15s %s\n", $$1, $$2}' \
	    $(MAKEFILE_LIST)

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

bench: $(STAMP) ## time every notebook, write build/bench.json and the README table from it
	$(PY) tools/run_notebooks.py --bench build/bench.json
	$(PY) tools/readme_table.py build/bench.json

# Teachers' and maintainers' tools are extras of pyproject.toml, installed on first use.
BOOK_STAMP    := $(VENV)/.installed-book
BROWSER_STAMP := $(VENV)/.installed-browser
$(BOOK_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[book]"
	touch $@
$(BROWSER_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[browser]"
	touch $@

book: run $(BOOK_STAMP) ## a static HTML site of the executed notebooks in build/book (opens from disk)
	$(PY) tools/build_book.py --source build --out build/book

.PHONY: assignments grade sandbox

assignments: $(STAMP) ## write the student versions assignments/NN_topic.ipynb from notebooks/
	$(PY) tools/make_assignments.py

# Grading runs every submission in a bubblewrap sandbox; as root on Debian or Ubuntu (CI)
# it is installed here, elsewhere the message says how.
sandbox: ## install bubblewrap, the grading sandbox, if it is missing
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing bubblewrap (the grading sandbox)"; \
	    apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	      { apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; }; \
	  else echo "make grade needs bubblewrap: sudo apt-get install bubblewrap" \
	    "(or grade without a sandbox: make grade UNSAFE=1 ...)" >&2; exit 1; fi; }

# make grade SUBMISSIONS=dir [OUT=build/grades] [CELL_TIMEOUT=600] [JOBS=1] [UNSAFE=1]: files
# are named <student>__NN_topic.ipynb or <student>/NN_topic.ipynb (tools/grade.py says more).
# GRADING_SECRET (or SECRET_FILE=path, outside the repository) seeds the hidden cases.
OUT  ?= build/grades
JOBS ?= 1
grade: $(STAMP) $(if $(UNSAFE),,sandbox) ## grade a folder of submissions into OUT/grades.csv and OUT/feedback/
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir [OUT=build/grades]" >&2; exit 2; }
	$(PY) tools/grade.py "$(SUBMISSIONS)" --out "$(OUT)" --cell-timeout $(CELL_TIMEOUT) \
	    --jobs $(JOBS) $(if $(UNSAFE),--unsafe) $(if $(SECRET_FILE),--secret-file "$(SECRET_FILE)")

test: test-unit test-notebooks ## everything CI checks

test-unit: $(STAMP) sandbox ## ruff, built notebooks and assignments up to date, unit tests
	$(PY) -m ruff check helpers tests tools notebooks/src
	$(PY) tools/build_notebooks.py --check
	$(PY) tools/make_assignments.py --check
	$(PY) -m pytest tests --doctest-modules helpers

test-notebooks: $(STAMP) ## execute every notebook with nbval
	$(PY) -m pytest -p no:cacheprovider $(NB_PARALLEL) --nbval-lax \
	    --nbval-cell-timeout=$(CELL_TIMEOUT) notebooks/[0-9]*.ipynb

# ---- Google Colab parity: make test-colab ---------------------------------------------------
# Every notebook runs, with nbval, on both data tiers, in .venv-colab: a Python 3.13 venv with
# Colab's versions (colab/pip-freeze.txt; colab/README.md says how to update it) as constraints.
#  1. $(COLAB_IMAGE): what Colab has preinstalled and the course uses (requirements.txt, and the
#     dependencies of the setup cell's install that Colab has), at Colab's versions;
#  2. $(COLAB_STAMP): the setup cell of notebooks/00_setup.ipynb, run on a fake Colab, installs
#     helpers and gensim from this repository's COMMITTED HEAD (git+file://...@HEAD, as Colab
#     installs from git: commit first, uncommitted changes are not in this test) and must leave
#     every package of step 1 untouched (tests/colab/setup_cell_on_colab.py); then the test
#     tool Colab lacks (nbval; pytest is Colab's). Reruns reuse the venv: step 1 is redone when
#     the freeze, requirements.txt or pyproject.toml change, step 2 also when HEAD moves.
# Python 3.13: PYTHON313, else the first of python3.13 on PATH, pyenv's 3.13, that runs.
COLAB_PYTHONS := python3.13 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13)
PYTHON313 ?= $(firstword $(foreach p,$(COLAB_PYTHONS),$(shell "$(p)" -c \
    'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1 && echo "$(p)")))
COLAB_VENV        := .venv-colab
COLAB_PY          := $(COLAB_VENV)/bin/python
COLAB_PIP         := $(COLAB_PY) -m pip --disable-pip-version-check
COLAB_CONSTRAINTS := $(COLAB_VENV)/constraints.txt
COLAB_IMAGE       := $(COLAB_VENV)/.colab-image
COLAB_HEAD        := $(COLAB_VENV)/.head
COLAB_STAMP       := $(COLAB_VENV)/.installed
COLAB_URL          = git+file://$(CURDIR)@$(shell git rev-parse HEAD)
COLAB_TEST_TOOLS  := $(or $(shell grep -E '^(nbval|pytest-xdist)==' requirements.txt),nbval pytest-xdist)
COLAB_NBVAL        = $(COLAB_VENV)/bin/pytest -p no:cacheprovider $(NB_PARALLEL) --nbval-lax \
                     --nbval-current-env \
                     --nbval-cell-timeout=$(CELL_TIMEOUT) notebooks/[0-9]*.ipynb

.PHONY: test-colab colab-head-force

$(COLAB_IMAGE): colab/pip-freeze.txt requirements.txt pyproject.toml tools/colab_constraints.py
	@"$(PYTHON313)" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null || { \
	    echo "make test-colab needs Python 3.13, as on Colab, and found none" \
	    "(PYTHON313=$(PYTHON313)): neither python3.13 on PATH nor" \
	    "~/.pyenv/versions/3.13*/bin/python3.13 runs." \
	    "Install Python 3.13 (e.g. pyenv install 3.13), or pass PYTHON313=/path/to/python3.13." >&2; \
	    exit 1; }
	rm -rf $(COLAB_VENV)
	$(PYTHON313) -m venv $(COLAB_VENV)
	$(COLAB_PY) tools/colab_constraints.py constraints colab/pip-freeze.txt > $(COLAB_CONSTRAINTS)
	$(COLAB_PIP) install -q -c $(COLAB_CONSTRAINTS) pip
	$(COLAB_PIP) install -q --dry-run --report $(COLAB_VENV)/setup-cell-plan.json \
	    -c $(COLAB_CONSTRAINTS) "course-helpers[colab] @ $(COLAB_URL)"
	$(COLAB_PIP) install -q -c $(COLAB_CONSTRAINTS) $$($(COLAB_PY) tools/colab_constraints.py \
	    preinstalled colab/pip-freeze.txt --requirements requirements.txt \
	    --report $(COLAB_VENV)/setup-cell-plan.json)
	touch $@

$(COLAB_HEAD): $(COLAB_IMAGE) colab-head-force
	@head=$$(git rev-parse HEAD) && [ "$$(cat $@ 2>/dev/null)" = "$$head" ] || echo "$$head" > $@

$(COLAB_STAMP): $(COLAB_IMAGE) $(COLAB_HEAD) notebooks/00_setup.ipynb \
                tests/colab/setup_cell_on_colab.py
	$(COLAB_PY) tests/colab/setup_cell_on_colab.py --url "$(COLAB_URL)"
	$(COLAB_PIP) install -q -c $(COLAB_CONSTRAINTS) $(COLAB_TEST_TOOLS)
	touch $@

test-colab: $(COLAB_STAMP) ## run every notebook on Google Colab's package versions (Python 3.13)
	@if git status --porcelain -- helpers pyproject.toml | grep -q .; then echo "note: helpers/" \
	    "or pyproject.toml has uncommitted changes, not in this test: like Colab, it installs" \
	    "helpers from git, $(COLAB_URL)"; fi
	COURSE_COLAB_ENV=1 COLAB_URL="$(COLAB_URL)" \
	    $(COLAB_VENV)/bin/pytest -p no:cacheprovider tests/colab
	$(COLAB_NBVAL)
	COURSE_OFFLINE=1 $(COLAB_NBVAL)

# ---- browser tests: make test-browser ---------------------------------------------------------
# Debian's chromium, driven by Playwright (the "browser" extra; `playwright install` downloads
# a browser of its own, which cannot work offline). As root with apt-get (CI) chromium is
# installed here; elsewhere the message says how.
chromium: ## install Debian's chromium for make test-browser, if it is missing
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (for the browser tests)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -qq chromium >/dev/null; }; \
	  else echo "make test-browser needs Chromium: sudo apt-get install chromium" \
	    "(or set CHROMIUM=/path/to/chromium)" >&2; exit 1; fi; }

# BROWSER_BUILD=0 reuses build/ and build/book as they are (to work on the tests).
BROWSER_BUILD ?= 1
test-browser: $(BROWSER_STAMP) chromium ## run + book, then check them and JupyterLab in headless Chromium
	$(if $(filter 1,$(BROWSER_BUILD)),$(MAKE) --no-print-directory book)
	COURSE_BROWSER_TESTS=1 $(PY) -m pytest -p no:cacheprovider tests/test_browser.py \
	    tests/test_book.py
	@echo "screenshots: $(CURDIR)/build/screenshots/"

lab: $(STAMP) ## open JupyterLab on the notebooks
	$(VENV)/bin/jupyter lab notebooks/

data: $(STAMP) ## download and verify every canonical dataset (for a class that will be offline)
	$(PY) -m helpers.data download

lint: $(STAMP) ## ruff
	$(PY) -m ruff check helpers tests tools notebooks/src

clean: ## remove build/
	rm -rf build .pytest_cache
