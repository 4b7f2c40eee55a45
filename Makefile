# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install dirs run migrate demo test lint format check chromium translations messages clean

help:
	@echo "make run    - the portal on http://127.0.0.1:$(PORT) with worker, beat and demo data"
	@echo "make test   - lint, migration and system checks, then the whole test suite"
	@echo "make format - rewrite the code with ruff's formatter and fixes"
	@echo "make messages - gather the text to translate into locale/*/LC_MESSAGES/django.po"
	@echo "make lighthouse - Lighthouse scores of the member's pages, production-like (npm, Chromium)"

# Reinstall only when a requirements file changed since the last install.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The embedded defaults keep their data here: SQLite, the file broker, mail, uploads.
dirs:
	@mkdir -p var/mail var/broker/in var/broker/processed var/broker/control var/media var/cache

# The embedded demo reads the local settings (every entry point reads production ones unless
# told otherwise, loyalty/settings/__init__.py); a DJANGO_SETTINGS_MODULE you set wins.
migrate demo run: export DJANGO_SETTINGS_MODULE ?= loyalty.settings.local

# Translations: the catalogues (locale/<language>/LC_MESSAGES/django.po) are written by people
# and committed; the compiled .mo files are built here, never committed. GNU gettext's msgfmt
# compiles them (installed with apt when missing and allowed). README, "Languages".
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=tools \
	--ignore=node_modules
translations: install
	@command -v msgfmt >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
		else \
			echo "GNU gettext (msgfmt) is needed to compile the translations: apt-get install gettext"; \
			exit 1; \
		fi; }
	DJANGO_SETTINGS_MODULE=loyalty.settings.test $(PY) manage.py compilemessages $(MESSAGES_IGNORE)

# After changing text: gather every msgid into each language's catalogue, then translate the
# new and fuzzy entries (`make test` fails while any is left).
messages: translations
	DJANGO_SETTINGS_MODULE=loyalty.settings.test $(PY) manage.py makemessages --all --no-obsolete \
		--add-location=file $(MESSAGES_IGNORE)

migrate: install dirs translations
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# Web server, Celery worker and Celery beat together. Ctrl-C stops all three, and so does
# any one of them exiting (a port already in use, say), so nothing is left running half-way.
run: demo
	@echo "Portal on http://127.0.0.1:$(PORT)  (demo logins: alice@, staff@, manager@example.com / loyalty-demo)"
	@trap 'kill $$(jobs -p) 2>/dev/null' INT TERM; \
	$(BIN)/celery -A loyalty worker --loglevel=INFO --concurrency=1 & \
	$(BIN)/celery -A loyalty beat --loglevel=INFO --schedule=var/celerybeat-schedule & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT) & \
	wait -n; status=$$?; kill $$(jobs -p) 2>/dev/null; wait; exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install dirs translations
	DJANGO_SETTINGS_MODULE=loyalty.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=loyalty.settings.test $(PY) manage.py check --fail-level WARNING

# The browser tests drive Debian's Chromium, with Noto CJK so that Chinese pages show their
# characters. Install what is missing (root and apt needed); without Chromium the e2e tests skip
# themselves with a message saying so.
chromium:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	fc-list :lang=zh-cn 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's$$missing for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
				|| echo "Could not install$$missing: the browser tests may be skipped"; \
		else \
			echo "$$missing not installed and cannot be installed here: the browser tests may be skipped"; \
		fi; \
	fi

test: lint check chromium
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# Lighthouse (README, "Lighthouse"): the pinned npm package and Debian's Chromium measure the
# member's pages on a production-like portal (loyalty/settings/lighthouse.py). Not part of
# `make test`: it needs npm, and the scores are a measurement, not a test.
.PHONY: lighthouse
LIGHTHOUSE_DIR := tools/lighthouse

$(LIGHTHOUSE_DIR)/node_modules/.installed: $(LIGHTHOUSE_DIR)/package-lock.json
	cd $(LIGHTHOUSE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

lighthouse: install $(LIGHTHOUSE_DIR)/node_modules/.installed
	$(PY) $(LIGHTHOUSE_DIR)/run.py

# Benchmarks (docs/benchmarks.md): PostgreSQL and Redis on this machine, a database of their own.
.PHONY: bench bench-quick bench-db
BENCH_ENV := DJANGO_SETTINGS_MODULE=loyalty.settings.bench

bench-db: install dirs
	@createdb -h 127.0.0.1 -U postgres loyalty_bench 2>/dev/null || true
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v 0

bench: bench-db
	$(BENCH_ENV) $(PY) -m bench

bench-quick: bench-db
	$(BENCH_ENV) $(PY) -m bench --quick
