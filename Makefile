# The two commands of the README: `make demo` and `make test`.
# Everything they need is installed here (apt + two venvs), so they work on
# a fresh machine; a second run skips what is already in place.
SHELL := /bin/bash
PYTHON ?= python3
DASH_VENV := .venvs/dash
DASH_PY := $(DASH_VENV)/bin/python
# The oldest supported Horizon (README: Supported releases), for a second
# run of the unit and view suite.
OLDEST_VENV := .venvs/horizon25
OLDEST_PY := $(OLDEST_VENV)/bin/python
OLDEST_CONSTRAINTS := tools/horizon25-constraints.txt
CLOUD := $(PYTHON) tools/democloud/democloud.py
HORIZON := tools/horizon/horizon.sh
ADMIN_USER ?= admin
export DEMOCLOUD_ADMIN_PASSWORD ?= admin
export DEMOCLOUD_DEMO_PASSWORD ?= demo
# Browser tests run their own Horizon, apart from the demo's port 8000.
export HORIZON_TEST_PORT ?= 8001

.PHONY: demo demo-stop test test-unit test-integration test-browser \
        test-oldest-horizon system-deps dash-venv oldest-horizon-venv cloud \
        mutation messages

system-deps:
	@need=""; \
	command -v chromium >/dev/null || need="$$need chromium"; \
	command -v chromedriver >/dev/null || need="$$need chromium-driver"; \
	[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || command -v rabbitmq-server >/dev/null || need="$$need rabbitmq-server"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	command -v memcached >/dev/null || need="$$need memcached"; \
	command -v faketime >/dev/null || need="$$need faketime"; \
	if [ -n "$$need" ]; then \
	  echo "apt-get install:$$need"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	fi

$(DASH_VENV)/.stamp: setup.cfg tools/dash-constraints.txt
	$(PYTHON) -m venv $(DASH_VENV)
	$(DASH_PY) -m pip install -q --upgrade pip
	$(DASH_PY) -m pip install -q -c tools/dash-constraints.txt -e '.[test]'
	touch $@

dash-venv: $(DASH_VENV)/.stamp

# Horizon 25 goes in first, as in a deployment; the plugin is then installed
# without the horizon pin and must leave Horizon 25 in place.
$(OLDEST_VENV)/.stamp: setup.cfg $(OLDEST_CONSTRAINTS)
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_PY) -m pip install -q --upgrade pip
	$(OLDEST_PY) -m pip install -q -c $(OLDEST_CONSTRAINTS) horizon
	grep -v '^horizon==' $(OLDEST_CONSTRAINTS) > $(OLDEST_VENV)/constraints.txt
	$(OLDEST_PY) -m pip install -q -c $(OLDEST_VENV)/constraints.txt -e '.[test]'
	@$(OLDEST_PY) -m pip show horizon | grep -q '^Version: 25\.' || \
	  { echo "pip install replaced Horizon 25:"; \
	    $(OLDEST_PY) -m pip show horizon | grep '^Version'; exit 1; }
	touch $@

oldest-horizon-venv: $(OLDEST_VENV)/.stamp

cloud: system-deps
	$(CLOUD) install
	$(CLOUD) start

demo: dash-venv cloud
	$(HORIZON) setup
	$(HORIZON) start
	@echo
	@echo "  Dashboard:  http://127.0.0.1:$${HORIZON_PORT:-8000}  (Admin > Maintenance & Migration)"
	@echo "  Admin:      $(ADMIN_USER) / $$DEMOCLOUD_ADMIN_PASSWORD   (admin role)"
	@echo "  Non-admin:  demo / $$DEMOCLOUD_DEMO_PASSWORD   (member of project demo)"
	@echo "  Stop:       make demo-stop"

demo-stop:
	-$(HORIZON) stop
	$(CLOUD) stop

test-unit: dash-venv
	$(DASH_PY) -m pytest tests/unit

# Mutation testing of core/ and api/ (mutmut, configured in pyproject.toml):
# too slow for CI or make test; run by hand, record the score in
# docs/mutation.md.  MUTANTS narrows the run, e.g.
# MUTANTS='migration_dashboard.api*'.  mutmut goes into its own directory,
# not the dashboard venv: installed beside it with the venv's own versions
# of what both need (pytest...), so neither shadows the other.  nice 19:
# it takes only idle CPU.
MUTMUT_VERSION ?= 3.8.1
MUTMUT_DIR := .venvs/mutmut-$(MUTMUT_VERSION)
MUTMUT_PY := PYTHONPATH=$(MUTMUT_DIR)
MUTANTS ?=
$(MUTMUT_DIR)/.stamp: $(DASH_VENV)/.stamp
	$(DASH_PY) -m pip freeze --exclude-editable > $(MUTMUT_DIR).constraints
	$(DASH_PY) -m pip install -q --target $(MUTMUT_DIR) \
	  -c $(MUTMUT_DIR).constraints mutmut==$(MUTMUT_VERSION)
	touch $@

mutation: dash-venv $(MUTMUT_DIR)/.stamp
	$(MUTMUT_PY) nice -n 19 $(DASH_PY) -m mutmut run $(if $(MUTANTS),"$(MUTANTS)")
	$(MUTMUT_PY) $(DASH_PY) -m mutmut results --all true | $(DASH_PY) tools/mutation_score.py \
	  $(subst *,,$(MUTANTS))

# The unit and view suite on the oldest supported Horizon and Django, with
# the machine's clock set back before every date in the test fixtures
# (libfaketime): a test that reads the real clock instead of the time it
# sets fails here.
CLOCK_BEFORE_FIXTURES := 2025-06-01 12:00:00
OLDEST_UNIT := faketime -f "@$(CLOCK_BEFORE_FIXTURES)" $(OLDEST_PY) -m pytest tests/unit -q
test-oldest-horizon: system-deps oldest-horizon-venv
	$(OLDEST_UNIT)

test-integration: dash-venv cloud
	$(DASH_PY) -m pytest tests/integration

test-browser: dash-venv cloud
	$(HORIZON) setup
	$(DASH_PY) -m pytest tests/browser

# The unit suite on the oldest Horizon first; then one pytest run over every
# suite, so the closing line counts them all.  A failure of the first fails
# make too, after the second has run (its line stays the last).
test: system-deps dash-venv oldest-horizon-venv cloud
	$(HORIZON) setup
	@rc=0; echo '$(OLDEST_UNIT)'; \
	$(OLDEST_UNIT) || rc=$$?; \
	echo "$(DASH_PY) -m pytest tests/unit tests/integration tests/browser"; \
	$(DASH_PY) -m pytest tests/unit tests/integration tests/browser || exit $$?; \
	exit $$rc

# API calls, render time and memory per page against Horizon's own pages
# (fake cloud at the HTTP layer, then the demo cloud if it runs).
bench: dash-venv
	$(DASH_PY) tools/bench/bench.py

# The message catalogue: migration_dashboard/locale/en/LC_MESSAGES/django.po
# (commit it after adding or changing a user-visible string), compiled to
# check it; LOCALES="en de" for more.
LOCALES ?= en
messages: dash-venv
	$(DASH_PY) tools/i18n/messages.py $(LOCALES)
