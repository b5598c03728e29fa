# Two commands do everything on a fresh Debian machine with Python 3.11 (see README):
#   make site   install into .venv/ and build the demo portal into site/
#   make test   install the test tools (Chromium, CJK fonts, test extras) and run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: site check test test-fast system-deps bench screenshots clean

$(STAMP): pyproject.toml requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e . >/dev/null 2>&1 || $(BIN)/pip install --no-deps -e .
	touch $@

$(TSTAMP): $(STAMP) requirements-test.txt
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@

site: $(STAMP)
	$(BIN)/portal build

check: $(STAMP)
	$(BIN)/portal check

# Debian packages the browser tests need; installed only when missing.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  echo "Installing chromium and fonts-noto-cjk from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

test: $(TSTAMP) system-deps
	$(BIN)/python -m pytest

test-fast: $(TSTAMP)
	$(BIN)/python -m pytest -m "not browser and not site"

screenshots: $(TSTAMP) system-deps
	PORTAL_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q tests/test_browser.py

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf site .venv
