# The developer workflow. `make demo` and `make test` set up everything they need.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
MANAGE := $(PY) manage.py

.PHONY: install demo run worker beat test lint format messages makemessages clean

# The venv is rebuilt when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

# Compiled catalogues are build products: made from the .po files by the set-up.
messages: $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

# Refresh the Spanish catalogue after changing visible strings, then translate it.
makemessages: install
	$(MANAGE) makemessages -l es_MX --ignore=.venv --ignore="*/migrations/*" --no-location

demo: install messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	@echo "COCOCI Formación: http://127.0.0.1:$(PORT)/  (admin: /admin/, usuario admin, contraseña cococi-demo)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

run: install messages
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# A real worker needs REDIS_URL; with beat (-B) it also runs the periodic tasks.
worker: install
	@test -n "$$REDIS_URL" || (echo "REDIS_URL no está definida: el worker necesita Redis." && exit 1)
	$(BIN)/celery -A cococi_site worker --loglevel=INFO

beat: install
	@test -n "$$REDIS_URL" || (echo "REDIS_URL no está definida: beat necesita Redis." && exit 1)
	$(BIN)/celery -A cococi_site beat --loglevel=INFO

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
