# The README's quick start: `make plan` (set up and print a weekly plan) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CACHE := .cache
SR24_JAR := $(CACHE)/cronometer/usr/share/cronometer/usda_sr24.jar

.PHONY: plan test bench setup

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Editable install with the test extra (pytest, hypothesis, scipy, ruff).
setup: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

plan: setup
	$(BIN)/nutriplan plan --age 40 --sex female --weight 65 --height 165 --days 7

# The HTML report test renders in Debian's headless Chromium, and the food table test compares
# the shipped tables with USDA SR24 from Debian's cronometer package: both are fetched here when
# the machine allows it (root with apt); without them those tests skip and say why.
test: setup
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the HTML rendering test will skip"; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || \
	  echo "postgresql not installed: the client store's PostgreSQL tests will skip (issue 10)"; }
	@[ -f $(SR24_JAR) ] || { mkdir -p $(CACHE) && cd $(CACHE) && apt-get download cronometer >/dev/null 2>&1 && \
	  dpkg-deb -x cronometer_*.deb cronometer; } || echo "SR24 jar not fetched: the source comparison test will skip"
	$(BIN)/ruff check nutriplan cli tests bench food_data/scripts
	NUTRIPLAN_SR24_JAR=$(abspath $(SR24_JAR)) $(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/plan_bench.py
