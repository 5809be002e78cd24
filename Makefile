# FaceGov — the two commands: `make run` and `make test`. Everything else is a helper of theirs.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CHROMIUM := /usr/bin/chromium
PORT ?= 8000

.PHONY: run run-scaled test install install-dev browser gettext messages migrate seed lint bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Stamp files make re-runs instant while the requirements are unchanged.
$(VENV)/.installed: $(VENV)/bin/activate requirements.txt requirements-nodeps.txt
	$(PIP) install --quiet -r requirements.txt
	$(PIP) install --quiet --no-deps -r requirements-nodeps.txt
	$(PY) -c "import face_recognition, dlib; print('face_recognition ready, dlib', dlib.__version__)"
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Browser tests drive Debian's chromium through Playwright; never a downloaded browser build.
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@$(CHROMIUM) --version

# GNU gettext (xgettext, msgfmt): `make messages` and the catalogue test extract strings with it.
# Running FaceGov needs none of it: the compiled catalogue (.mo) is committed.
gettext:
	@command -v xgettext >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null)

## Extract every marked string into locale/zh_Hans/LC_MESSAGES/django.po and compile the .mo
## (docs/i18n.md): run it, translate the empty msgstr entries, run it again.
messages: install gettext
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks --ignore=docs --ignore=bin
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --enrol-faces

## The platform with demo data, on SQLite and the embedded (filesystem) broker.
run: seed
	PORT=$(PORT) bin/run-local

## The production shape on this machine: PostgreSQL, Redis, gunicorn web workers, shard workers
## holding the galleries, a worker for the other queues, one beat (see README, "At scale").
run-scaled: install
	PORT=$(PORT) bin/run-scaled

## The whole test suite (PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set).
test: install-dev browser gettext
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n 2 --durations=20

lint: install-dev
	$(VENV)/bin/ruff check .

# Every benchmark, or one: `make bench BENCH=gallery_search`. Each prints figure and baseline.
BENCH ?= $(basename $(notdir $(filter-out benchmarks/_%,$(wildcard benchmarks/*.py))))
bench: install
	@for b in $(BENCH); do echo "== $$b"; $(PY) benchmarks/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) var
