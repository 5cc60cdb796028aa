# The two commands: `make run` (service on SQLite, with this machine inventoried) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_SERVER := $(VENV)/.server-installed
STAMP_DEV := $(VENV)/.dev-installed
export INVENTORY_DATABASE_URL ?= sqlite:///var/inventory.db

.PHONY: run demo test lint migrations clean

# Debian packages the tests need: Chromium for the browser tests (Playwright never downloads a browser here),
# pciutils, whose lspci the collector's tests compare with on this machine's real hardware, rpm, whose rpmbuild
# builds the collector's RPM (tests/deploy/test_rpm.py), and fusioninventory-agent and ocsinventory-agent, which
# the agents' end-to-end tests point at a running server.
TEST_TOOLS := /usr/bin/chromium /usr/bin/lspci /usr/bin/rpmbuild /usr/bin/fusioninventory-agent /usr/bin/ocsinventory-agent
TEST_PACKAGES := chromium pciutils rpm fusioninventory-agent ocsinventory-agent
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_SERVER): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[server]'
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_SERVER)

run: $(STAMP_SERVER)
	mkdir -p var
	$(BIN)/inventory-api migrate
	$(BIN)/inventory-api quickstart

# `make run` on a believable organisation: the demo data go into a fresh database first (it refuses one with records).
DEMO_SCALE ?= small
demo: $(STAMP_SERVER)
	mkdir -p var
	$(BIN)/inventory-api migrate
	$(BIN)/inventory-api demo-data --scale $(DEMO_SCALE)
	$(BIN)/inventory-api quickstart

$(TEST_TOOLS):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(TEST_PACKAGES) || \
	  ($(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(TEST_PACKAGES))

test: $(STAMP_DEV) $(TEST_TOOLS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP_DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerates inventory_api/alembic/versions/0001_initial.py from the models (no release has shipped yet).
migrations: $(STAMP_DEV)
	$(BIN)/python -m inventory_api.tools.regen_migration

clean:
	rm -rf $(VENV) var .pytest_cache
