# PESEM 2015-2021 follow-up dashboard. `make run` serves it, `make test` checks everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
REPORT ?= ../shared/seed/reporte-seguimiento-pesem-rree-2020.md
RUNTIME_STAMP := $(VENV)/.requirements.stamp
DEV_STAMP := $(VENV)/.requirements-dev.stamp

.PHONY: help run test test-fast lint format bench import browser node-deps lock

help:
	@echo "make run     serve the dashboard with gunicorn (PORT=8050, WEB_CONCURRENCY=2)"
	@echo "make cluster  nginx over REPLICAS gunicorn instances (PORT=8080, REPLICAS=2; README Deploy)"
	@echo "make test    ruff + the whole pytest suite (browser tests on /usr/bin/chromium)"
	@echo "make test-fast  ruff + the tests without browser or extra servers (everyday loop)"
	@echo "make lock    re-lock requirements*.txt (with hashes) from requirements*.in"
	@echo "make lint    ruff check + ruff format --check"
	@echo "make format  ruff format + ruff check --fix"
	@echo "make bench   run the benchmarks (bench/)"
	@echo "make import  REPORT=path/to/report.md [DATA_DIR=dir]: (re)build DATA_DIR (default data/)"

$(PY):
	python3.11 -m venv $(VENV) 2>/dev/null || python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

# Reinstall only when a lock file changed (the stamp is older than it). The lock files pin every
# package of the tree with its hashes: pip refuses anything else (--require-hashes).
$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --require-hashes -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --require-hashes -r requirements-dev.txt
	@touch $@ $(RUNTIME_STAMP)

# Re-lock after editing requirements*.in (pip-tools, from requirements-dev.txt).
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: $(DEV_STAMP)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

# Chromium (Debian's) renders the static charts and the PNG downloads with kaleido; without it
# every chart is interactive and the downloads answer 503. Installed only when missing.
run: $(RUNTIME_STAMP)
	@command -v chromium >/dev/null || [ -n "$$BROWSER_PATH" ] || { SUDO=""; [ "$$(id -u)" != "0" ] && SUDO="sudo"; \
		echo "Installing Debian chromium (static charts and PNG downloads)"; \
		$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends chromium fonts-dejavu-core; }
	@echo "PESEM dashboard: http://127.0.0.1:$${PORT:-8050}/  (Ctrl+C to stop)"
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py app:server

# Debian's Chromium for the browser tests (Playwright never downloads a browser here), and
# LibreOffice Impress + poppler for the test that converts a presenter deck to PDF pages.
# Installs only when one of the binaries is missing.
browser:
	@missing=""; for bin in /usr/bin/chromium /usr/bin/soffice /usr/bin/pdftoppm /usr/bin/pdfinfo; do [ -x "$$bin" ] || missing="$$missing $$bin"; done; \
	if [ -n "$$missing" ]; then \
		SUDO=""; if [ "$$(id -u)" != "0" ]; then SUDO="sudo"; fi; \
		echo "Missing$$missing: installing chromium, libreoffice-impress and poppler-utils"; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			chromium chromium-driver fonts-dejavu-core libreoffice-impress poppler-utils \
			fonts-liberation2 fonts-crosextra-carlito; \
	fi

# `make cluster`: the dashboard through Debian's nginx in front of REPLICAS gunicorn instances on
# loopback ports (deploy/cluster.py, README "Deploy"). Foreground; Ctrl+C stops all it started.
.PHONY: cluster nginx
cluster: $(RUNTIME_STAMP) nginx
	exec $(PY) -m deploy.cluster --port $(or $(PORT),8080) --replicas $(or $(REPLICAS),2)

# Debian's nginx for `make cluster` and its tests (installed only when missing).
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
		SUDO=""; if [ "$$(id -u)" != "0" ]; then SUDO="sudo"; fi; \
		echo "Installing Debian nginx"; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx; \
	fi

node-deps:
	@if [ -f package.json ]; then \
		if [ -f package-lock.json ]; then npm ci; else npm install; fi; \
	fi

test: $(DEV_STAMP) browser node-deps nginx
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/pytest -q

# The everyday loop (≤ 60 s): no browser, no test that starts its own gunicorn servers.
test-fast: $(DEV_STAMP) nginx
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && \
		$(VENV)/bin/pytest -q -m "not browser and not slow"

# Known vulnerabilities of the pinned runtime dependencies (pip-audit needs PyPI's JSON API or
# api.osv.dev; --strict fails when a dependency could not be audited instead of passing
# silently). Not part of `make test`: see README.md, "Security".
.PHONY: audit
audit: $(DEV_STAMP)
	$(VENV)/bin/pip-audit --strict --progress-spinner off -r requirements.txt

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

bench: $(DEV_STAMP) browser
	@command -v wrk >/dev/null || { SUDO=""; [ "$$(id -u)" != "0" ] && SUDO="sudo"; \
		$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends wrk; }
	$(PY) -m bench

# Writes only DATA_DIR, replaced whole when the import succeeded (curated files kept).
DATA_DIR ?= data/
import: $(RUNTIME_STAMP)
	$(PY) -m pesem.importer "$(REPORT)" --out "$(DATA_DIR)"
