# Two commands do everything on a fresh Debian machine with Python 3.11 (see README):
#   make site   install into .venv/ and build the demo portal into site/
#   make test   install the test tools (Chromium, CJK fonts, test extras) and run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: site check check-report schema test test-fast system-deps bench screenshots lock audit audit-deps audit-pages clean

# Pagefind's extended build comes from npm, pinned with hashes in tools/pagefind/package-lock.json
# (PyPI has nothing after 1.5.2, whose scoring made broad queries 2 to 3 times slower; README). npm
# installs only this platform's binary, into the venv, and runs no package scripts.
PAGEFIND_NPM := $(VENV)/pagefind
$(STAMP): pyproject.toml requirements.txt tools/pagefind/package.json tools/pagefind/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements.txt
	$(BIN)/pip install -q --no-deps -e . >/dev/null 2>&1 || $(BIN)/pip install --no-deps -e .
	@command -v npm >/dev/null || { echo "需要 Node.js 和 npm：全文检索的索引程序 Pagefind 从 npm 安装（README“安装与运行”）" >&2; exit 1; }
	mkdir -p $(PAGEFIND_NPM) && cp tools/pagefind/package.json tools/pagefind/package-lock.json $(PAGEFIND_NPM)/
	npm ci --prefix $(PAGEFIND_NPM) --ignore-scripts --no-audit --no-fund --loglevel=error
	$(BIN)/python -c "from generator.mkdocs_plugin import pagefind_binary as b, pagefind_version as v; print(v(b()))"
	touch $@

$(TSTAMP): $(STAMP) requirements-test.txt
	$(BIN)/pip install -q --require-hashes -r requirements-test.txt
	touch $@

site: $(STAMP)
	$(BIN)/portal build

check: $(STAMP)
	$(BIN)/portal check

# GitLab CI: the check's findings also as a Code Quality report (shown in the merge request, each
# with its file and line); the plain check last, for the job's log and its exit status.
check-report: $(STAMP)
	$(BIN)/portal check --format json > check.json || true
	$(BIN)/python scripts/code_quality.py check.json gl-code-quality-report.json
	$(BIN)/portal check

# The JSON Schema for editors (.vscode/settings.json maps it to cases/); a test keeps it current.
schema: $(STAMP)
	$(BIN)/portal schema > schema/case.schema.json

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

bench: $(TSTAMP) system-deps
	$(BIN)/python bench/bench.py

# Tools that are not part of the portal live in their own venv, pinned.
TOOLS := .venv-tools
$(TOOLS)/.installed:
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv==0.13.8 pip-audit==2.10.1
	touch $@

# Re-resolve the hash-pinned locks from the exact pins in pyproject.toml (needs the package index).
LOCK := $(TOOLS)/bin/uv pip compile pyproject.toml --generate-hashes --no-header \
	--python-version 3.11.7 --python-platform x86_64-manylinux_2_28
lock: $(TOOLS)/.installed
	cd tools/pagefind && npm install --package-lock-only --ignore-scripts --no-audit --no-fund
	{ sed -n 1,2p requirements.txt; $(LOCK); } > requirements.txt.new && mv requirements.txt.new requirements.txt
	{ sed -n 1,2p requirements-test.txt; $(LOCK) --extra test; } > requirements-test.txt.new && mv requirements-test.txt.new requirements-test.txt

# Known vulnerabilities in the locked dependencies (needs the vulnerability database online).
audit-deps: $(TOOLS)/.installed
	$(TOOLS)/bin/pip-audit --strict --require-hashes --disable-pip -r requirements-test.txt
	cd tools/pagefind && npm audit --audit-level=low

# Lighthouse 12.2.3 (npm, pinned) on one page of each kind, served from site/ on localhost with gzip.
LIGHTHOUSE := $(TOOLS)/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-audit --no-fund --save-exact lighthouse@12.2.3
audit-pages: $(STAMP) system-deps $(LIGHTHOUSE)
	test -f site/index.html || $(BIN)/portal build
	CHROME_PATH=/usr/bin/chromium $(BIN)/python scripts/lighthouse.py site
	CHROME_PATH=/usr/bin/chromium PRESET=desktop $(BIN)/python scripts/lighthouse.py site

audit: audit-deps audit-pages

clean:
	rm -rf site .venv $(TOOLS)
