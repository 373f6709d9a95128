# The developer workflow. `make demo` and `make test` set up everything they need.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
MANAGE := $(PY) manage.py

.PHONY: install demo run worker beat test load bench screenshots lint format messages makemessages wagtail-messages clean

# The venv is rebuilt when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# What the benchmarks need on top (locust), only when they run.
$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

%.mo: %.po
	msgfmt --check -o $@ $<

# Compiled catalogues are build products: made from the .po files by the set-up.
messages: $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po locale_wagtail/*/LC_MESSAGES/*.po))

# Refresh the Spanish catalogue after changing visible strings, then translate it.
makemessages: install
	$(MANAGE) makemessages -l es_MX --ignore=.venv --ignore="*/migrations/*" --no-location

# After a Wagtail upgrade: the admin strings no Spanish catalogue of Wagtail translates.
wagtail-messages: install
	$(PY) -m cococi_site.wagtail_messages

# Links the site prints (a constancia's QR code and address, og:url, e-mails)
# are made from SITE_URL: unless it is given, the address served here.
demo run: export SITE_URL ?= http://127.0.0.1:$(PORT)

demo: install messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	@echo "COCOCI Formación: http://127.0.0.1:$(PORT)/  (admin: /admin/, usuario admin, contraseña cococi-demo; enlaces impresos: $$SITE_URL)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

run: install messages
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# A real worker needs REDIS_URL; with beat (-B) it also runs the periodic tasks.
worker: install
	@test -n "$$REDIS_URL" || (echo "REDIS_URL no está definida: el worker necesita Redis." && exit 1)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-cococi_site.settings.dev} $(BIN)/celery -A cococi_site worker --loglevel=INFO

beat: install
	@test -n "$$REDIS_URL" || (echo "REDIS_URL no está definida: beat necesita Redis." && exit 1)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-cococi_site.settings.dev} $(BIN)/celery -A cococi_site beat --loglevel=INFO

# A bounded load test: 20 signed-in members for 60 s against two gunicorn
# processes in production settings and two Celery workers. Needs DATABASE_URL
# (PostgreSQL holding the bench_data set) and REDIS_URL; writes docs/benchmarks.md.
load: $(VENV)/.bench-installed messages
	@test -n "$$REDIS_URL" || (echo "REDIS_URL no está definida: la prueba de carga necesita Redis." && exit 1)
	$(MANAGE) bench_load --users 20 --seconds 60 --workers 2 --celery-workers 2

# Throughput, latency (wrk at 4 and 16 connections), SQL queries and size of the
# key pages under gunicorn in production settings, on the 50,000-member bench_data
# set, and the signed-in lesson and a static file against wagtail-lms's in the same
# run (bench/peer.py installs it into .bench-peer/, its database PEER_DATABASE_URL,
# by default DATABASE_URL's name with _peer); writes its sections of docs/benchmarks.md. Installs wrk when it is missing,
# creates and migrates the database, and builds the data set only when a complete
# one of that size is not already there (bench_data --if-missing). Smaller runs:
# make bench BENCH_MEMBERS=2000 BENCH_COUNCILS=20 BENCH_ARGS="--seconds 2 --no-output"
BENCH_MEMBERS ?= 50000
BENCH_COUNCILS ?= 500
BENCH_ARGS ?=
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cococi_bench
bench: export REDIS_URL ?= redis://127.0.0.1:6379/3
bench: install messages
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo=sudo; fi; \
	  $$sudo apt-get install -y wrk || { $$sudo apt-get update && $$sudo apt-get install -y wrk; }; }
	$(PY) -m bench.database
	$(MANAGE) migrate --noinput
	$(MANAGE) bench_data --members $(BENCH_MEMBERS) --councils $(BENCH_COUNCILS) --reset --if-missing
	$(MANAGE) bench_pages $(BENCH_ARGS)

# The key pages on a phone and a desktop (docs/screenshots/, shown in the README)
# and the lesson's page weight and largest contentful paint on slow 3G
# (docs/benchmarks.md), in Debian's Chromium (apt-get install chromium).
screenshots: install messages
	@test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || (echo "Chromium no está instalado: apt-get install chromium" && exit 1)
	RECORD_BROWSER_FIGURES=1 $(BIN)/pytest -q tests/e2e/screenshots.py tests/e2e/test_page_weight.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=cococi_site.settings.test $(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

clean:
	rm -rf $(VENV) db.sqlite3 media private_media staticfiles
