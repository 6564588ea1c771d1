VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py src/entitybase/store/_parts.c
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(VENV)/bin/entitybase serve

test: install
	$(PY) -m pytest -n 2
	# The API, CLI, service and lifecycle suites again, on MariaDB and S3 (moto_server).
	ENTITYBASE_TEST_BACKEND=mariadb-s3 $(PY) -m pytest -n 2 tests/api tests/cli tests/service \
		tests/lifecycle

bench: install
	# The HTTP figures need wrk (Debian package); without it they are left out.
	command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && \
		apt-get install -y wrk) || echo "wrk is not installed: no HTTP figures"
	$(PY) bench/run.py --quick

clean:
	rm -rf $(VENV) data
