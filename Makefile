# avgflow: a new user needs two commands (README).
#   make run    checks the system, builds the environment, migrates, seeds the demo and starts
#               the web server and the background sweeps (scripts/run-dev)
#   make test   lint, then the whole suite in parallel; SQLite unless DATABASE_URL is set
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := help

PY := .venv/bin/python
# Recursively expanded: scripts/check-system-packages may just have put uv in ~/.local/bin.
UV = $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
# Two xdist workers (fewer on a one-core machine): the CI machines have two cores.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 2 ? n : 2 )))
PYTEST_ARGS ?=

# The suite runs with DEBUG off, as production does, which needs a secret key and a webhook
# secret; cookies without the Secure flag and no redirect to HTTPS, so the live server's
# plain-HTTP pages keep working (tests that need HTTPS ask for it per request).
test lint pytest messages: export SECRET_KEY ?= insecure-test-only-key
test lint pytest messages: export SECURE_COOKIES ?= false
test lint pytest messages: export SECURE_SSL_REDIRECT ?= false
test lint pytest messages: export ANYMAIL_WEBHOOK_SECRET ?= webhook:insecure-test-only-secret

.PHONY: help run test lint pytest env messages security

help:
	@echo "make run     start avgflow on http://127.0.0.1:8000/ with demo data (Ctrl-C stops it)"
	@echo "make test    lint and run the whole test suite (PostgreSQL when DATABASE_URL is set)"
	@echo "make lint    ruff check, ruff format --check, makemigrations --check"
	@echo "make pytest  only the suite; e.g. make pytest PYTEST_ARGS='tests/e2e -x'"
	@echo "make security  check --deploy, bandit and pip-audit (scripts/security-checks)"

run:
	scripts/run-dev

test: lint pytest

env:
	scripts/check-system-packages --test
	$(UV) sync --frozen --quiet

messages: env
	scripts/compile-messages

lint: env
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	@# an in-memory database: the check needs no data, and CI's DATABASE_URL may not exist yet
	DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run

security: env
	scripts/security-checks

pytest: messages
	@rc=0; \
	$(PY) -m pytest -n $(PYTEST_WORKERS) \
		--output=test-artifacts/playwright --screenshot=only-on-failure $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: treated as a failure." >&2; fi; \
	exit $$rc
