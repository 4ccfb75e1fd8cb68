# 办公室工作手册 — the commands a maintainer needs (see README.md).
# Each target creates .venv and installs the pinned requirements first, so a fresh
# machine with Python 3.11 and make needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Material 9.7+ prints a long notice about MkDocs 2.0 on every build; it is not ours to act on.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build check test bench schema browser clean

serve: $(VENV)/.build-deps
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# site/ also works opened from disk (file://, e.g. from a USB stick), search included:
# the offline plugin and the vendored iframe-worker shim (mkdocs.yml), no other target needed.
build: $(VENV)/.build-deps
	$(BIN)/python -m macros build

check: $(VENV)/.build-deps
	$(BIN)/python -m macros check

test: $(VENV)/.test-deps browser
	$(BIN)/python -m pytest

# Build times (both editions, data at 1x/10x/50x), bytes on first load, search latency.
# Prints figures only; not part of `make test`. See macros/bench.py.
bench: $(VENV)/.test-deps browser
	$(BIN)/python -m macros.bench

schema: $(VENV)/.build-deps
	$(BIN)/python -m macros schema

# The browser tests drive the system Chromium; install it (and CJK fonts) when missing.
browser:
	@sh tests/ensure-chromium.sh

clean:
	rm -rf site .site-* .venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.build-deps: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.test-deps: requirements-test.txt $(VENV)/.build-deps
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@
