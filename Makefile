# The two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run test install install-dev chromium migrate seed serve lint security screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed load
	$(FLASK) matches rebuild

# HOST and PORT reach the app too: without BASE_URL (environment or .env), its links name http://HOST:PORT.
run: seed
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Debian's Chromium for the browser tests (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

test: install-dev chromium
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# Slow (several minutes), not part of `make test`: bandit, schemathesis, sqlmap and wapiti against gunicorn on loopback.
security: install-dev
	bash scripts/security.sh

# ruff, then the layer contracts of .importlinter (docs/architecture.md); the suite checks them too (tests/test_layers.py).
lint: install-dev
	$(BIN)/ruff check app tests bench
	$(BIN)/lint-imports --no-cache --no-logo

# The main pages of each role at desktop and phone width into docs/screenshots/ (a throw-away seeded database).
screenshots: install-dev chromium
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
