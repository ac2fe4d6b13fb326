# The README's quick start: `make plan` (set up and print a weekly plan) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CACHE := .cache
SR24_JAR := $(CACHE)/cronometer/usr/share/cronometer/usda_sr24.jar
# NUTRIPLAN_SR24_JAR=... only when the jar was fetched (otherwise its test skips and says why)
SR24_ENV = env $$([ -f $(SR24_JAR) ] && echo NUTRIPLAN_SR24_JAR=$(abspath $(SR24_JAR)))

VENV_OLDEST ?= $(CACHE)/venv-oldest

.PHONY: plan test test-oldest bench setup setup-oldest system

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: install once, and again only when pyproject.toml changes (the install is editable,
# so source edits need no reinstall). `make plan` needs no test tools; `make test` adds them.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Editable install with the test extra (pytest, hypothesis, scipy, ruff).
setup: $(VENV)/.installed-test

plan: $(VENV)/.installed
	$(BIN)/nutriplan plan --age 40 --sex female --weight 65 --height 165 --days 7

# The HTML report test renders in Debian's headless Chromium, the client store's tests run on a
# private PostgreSQL server, and the food table test compares the shipped tables with USDA SR24
# from Debian's cronometer package: all three are fetched here when the machine allows it (root
# with apt); without them those tests skip and say why.
system:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the HTML rendering test will skip"; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || \
	  echo "postgresql not installed: the client store's PostgreSQL tests will skip"; }
	@[ -f $(SR24_JAR) ] || { mkdir -p $(CACHE) && cd $(CACHE) && apt-get download cronometer >/dev/null 2>&1 && \
	  dpkg-deb -x cronometer_*.deb cronometer; } || echo "SR24 jar not fetched: the source comparison test will skip"

test: setup system
	$(BIN)/ruff check nutriplan cli tests bench food_data/scripts
	$(SR24_ENV) $(BIN)/pytest -q

# The whole suite again on the oldest versions pyproject.toml allows (each dependency pinned to its
# lower bound by tests/test_oldest_deps.py), in a second virtual environment: CI runs it beside
# `test` (.ci/run). The golden plan files and the README's plan outputs are the solver's picks
# among equally good plans; an older HiGHS may pick another, so those comparisons run on the
# newest versions only.
$(VENV_OLDEST)/.installed: pyproject.toml tests/test_oldest_deps.py
	[ -x $(VENV_OLDEST)/bin/python ] || $(PYTHON) -m venv $(VENV_OLDEST)
	$(PYTHON) tests/test_oldest_deps.py > $(VENV_OLDEST)/constraints.txt
	$(VENV_OLDEST)/bin/python -m pip install --quiet -c $(VENV_OLDEST)/constraints.txt -e '.[test]'
	touch $@

setup-oldest: $(VENV_OLDEST)/.installed

test-oldest: setup-oldest system
	$(VENV_OLDEST)/bin/python -m pip list --format=freeze | grep -iE '^(pandas|numpy|pulp|highspy|click|pydantic)=='
	$(SR24_ENV) $(VENV_OLDEST)/bin/pytest -q -p no:cacheprovider \
	  --deselect tests/test_export.py::test_golden_files -k 'not (test_command_example and plan)'

bench: setup
	$(BIN)/python bench/plan_bench.py
