# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install lint format messages migrations-check deploy-check ci vendor clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Re-install whenever the dependencies or their pinned versions change.
$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

demo: export DEBUG ?= true
demo: export REQUIRE_2FA_FOR ?=
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py demo_serve

# In parallel (pytest-xdist, one database per worker; heavy tests first, and a worker that
# is done takes tests from the other: tests/conftest.py); `make test PYTEST_WORKERS=0` runs
# in one process, `PYTEST_ARGS='-m "not slow"'` leaves out the slow tests while developing.
# Byte-code is written even where the environment says not to (PYTHONDONTWRITEBYTECODE):
# otherwise every test process compiles the project and pytest rewrites every test module
# from source again (about 5 s of CPU per process).
PYTEST_WORKERS ?= 2
test: export PYTHONDONTWRITEBYTECODE :=
test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

ci:
	bash .ci/run

# Translations (docs/languages.md): extract the marked strings into locale/<lang>/*.po,
# then compile them. The compiled .mo files are committed, so `make demo` needs no
# gettext tools on the machine; tests/isms/i18n/ fails when a .po and its .mo differ
# or a shipped language has an untranslated string.
LANGS := fr de
messages: install
	DEBUG=true $(PY) manage.py makemessages $(addprefix -l ,$(LANGS)) \
	  --no-obsolete --ignore=".venv/*" --ignore="tests/*" --ignore="var/*"
	DEBUG=true $(PY) manage.py compilemessages --ignore=".venv/*"

# Refresh the vendored front-end files from the npm registry (see static/vendor/README.md).
vendor:
	rm -rf var/vendor && mkdir -p var/vendor
	cd var/vendor && npm pack --silent @tabler/core@1.6.1 htmx.org@2.0.11 bootstrap-icons@1.13.2 tom-select@2.6.2 \
	  && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp var/vendor/tabler-core-*/package/dist/css/tabler.min.css static/vendor/tabler/
	cp var/vendor/tabler-core-*/package/dist/js/tabler.min.js static/vendor/tabler/
	cp var/vendor/htmx.org-*/package/dist/htmx.min.js static/vendor/htmx/
	cp var/vendor/bootstrap-icons-*/package/font/bootstrap-icons.min.css static/vendor/bootstrap-icons/
	cp var/vendor/bootstrap-icons-*/package/font/fonts/* static/vendor/bootstrap-icons/fonts/
	cp var/vendor/tom-select-*/package/dist/js/tom-select.complete.min.js static/vendor/tom-select/
	cp var/vendor/tom-select-*/package/dist/css/tom-select.bootstrap5.min.css static/vendor/tom-select/
	sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##; s#//\# sourceMappingURL=.*##' static/vendor/tabler/* static/vendor/tom-select/*

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache
