# The two commands of the README: `make demo` and `make test`.
# Everything they need is installed here (apt + two venvs), so they work on
# a fresh machine; a second run skips what is already in place.
SHELL := /bin/bash
PYTHON ?= python3
DASH_VENV := .venvs/dash
DASH_PY := $(DASH_VENV)/bin/python
CLOUD := $(PYTHON) tools/democloud/democloud.py
HORIZON := tools/horizon/horizon.sh
ADMIN_USER ?= admin
export DEMOCLOUD_ADMIN_PASSWORD ?= admin
export DEMOCLOUD_DEMO_PASSWORD ?= demo
# Browser tests run their own Horizon, apart from the demo's port 8000.
export HORIZON_TEST_PORT ?= 8001

.PHONY: demo demo-stop test test-unit test-integration test-browser \
        system-deps dash-venv cloud

system-deps:
	@need=""; \
	command -v chromium >/dev/null || need="$$need chromium"; \
	command -v chromedriver >/dev/null || need="$$need chromium-driver"; \
	[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || command -v rabbitmq-server >/dev/null || need="$$need rabbitmq-server"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
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

test-integration: dash-venv cloud
	$(DASH_PY) -m pytest tests/integration

test-browser: dash-venv cloud
	$(HORIZON) setup
	$(DASH_PY) -m pytest tests/browser

# One pytest run over every suite, so the closing line counts them all.
test: system-deps dash-venv cloud
	$(HORIZON) setup
	$(DASH_PY) -m pytest tests/unit tests/integration tests/browser

# API calls, render time and memory per page against Horizon's own pages
# (fake cloud at the HTTP layer, then the demo cloud if it runs).
bench: dash-venv
	$(DASH_PY) tools/bench/bench.py
