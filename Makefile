# The README's two commands: `make run` (the app with demo data at http://127.0.0.1:8000)
# and `make test` (the whole suite). Both install what is missing first.
VENV := .venv
PY := $(VENV)/bin/python
# Japanese Mincho font (and DejaVu's fixed-width face for the manual's commands) and WeasyPrint's
# libraries for the PDFs, poppler to look at them,
# gettext to compile the translation, Chromium (in Japanese) for the browser tests and the
# manual's screenshots, age and PostgreSQL's pg_dump, pg_restore and psql for the backups,
# openssl for the signing keys.
SYSTEM_PACKAGES := fonts-ipaexfont fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	poppler-utils gettext chromium chromium-l10n age postgresql-client openssl

.PHONY: setup system-packages messages extract-messages run test lint security manual

# DEBUG is off unless the environment turns it on (mcs_admin/settings.py); these targets are for
# development and CI and run with it on (the development SECRET_KEY, SQLite by default) unless
# the environment says otherwise. `make security` checks production settings (DEPLOY_ENV).
setup messages extract-messages run test lint manual: export DEBUG ?= true

setup: system-packages $(VENV)/.installed node_modules/.installed messages

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; \
	else echo "Missing system packages. Please run: sudo apt-get install $$missing" >&2; exit 1; fi; \
	echo "Installing system packages: $$missing"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

# axe-core for the browser tests' accessibility check; npm from Debian's nodejs when missing
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || $(MAKE) system-packages SYSTEM_PACKAGES="nodejs npm"
	npm ci --no-audit --no-fund --silent
	touch $@

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v0

# After changing interface strings: refresh locale/ja, then translate what it lists as empty.
extract-messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l ja --ignore=.venv --ignore=node_modules --no-location --no-obsolete

run: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	@echo "Open http://127.0.0.1:8000/ and log in with one of the logins above."
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Production settings without a deploy warning, bandit without a high finding, pip-audit
# without a known vulnerability missing from .ci/pip-audit-allowlist.txt (SECURITY.md).
DEPLOY_ENV := DEBUG=false ALLOWED_HOSTS=mcs.example.jp \
	SECRET_KEY=deploy-check-only-not-a-real-key-0123456789abcdefghijklmnopqrstuvwxyz
# The deploy check wants a signing key that is not the published development one: a throwaway.
security: $(VENV)/.installed
	@keys=$$(mktemp -d) && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=deploy-check \
		-keyout $$keys/key.pem -out $$keys/cert.pem 2>/dev/null && \
	$(DEPLOY_ENV) SIGNING_KEY_FILE=$$keys/key.pem SIGNING_CERT_FILE=$$keys/cert.pem \
		$(PY) manage.py check --deploy --fail-level WARNING; status=$$?; rm -rf $$keys; exit $$status
	$(VENV)/bin/bandit -q -r . -x ./.venv,./node_modules,./staticfiles --severity-level high
	$(PY) .ci/pip_audit.py

# The operations manual (docs/manual, docs/manual.md): every browser test saves the pages it looks
# at afresh, then build_manual writes build/manual/manual.html and manual.pdf (and the README's two
# pages), failing when a chapter names a screenshot no test saved.
BROWSER_TESTS = $(shell find tests -name 'test_browser*.py' | sort)
manual: setup
	rm -rf docs/manual/images
	SCREENSHOTS_DIR=docs/manual/images $(PY) -m pytest -q -p no:randomly $(BROWSER_TESTS)
	$(PY) manage.py build_manual --out build/manual --pages docs/manual/pages
