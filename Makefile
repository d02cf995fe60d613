# `make run` and `make test` are the whole set-up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint check bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	INTERVIEWER_MODEL=$${INTERVIEWER_MODEL:-offline} $(VENV)/bin/interviewer serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(VENV)/bin/ruff check interviewer tests bench

check: $(STAMP)
	$(VENV)/bin/interviewer check

test: lint check
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/bench_offline_grader.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
