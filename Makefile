# `make run` and `make test` are the whole set-up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint check bench mutate clean

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

# Mutation testing, by hand (it takes long): mutmut mutates the modules listed under
# [tool.mutmut] in pyproject.toml and runs the tests that reach each mutant; results are kept
# in mutants/ so a second run only tries what changed. `make mutate MUTATE_FRESH=1` starts over;
# `make mutate MUTATE_SAMPLE=300` runs a random sample of 300 when all would take too long.
MUTATE_JOBS ?= 2
mutate: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,mutate]'
	$(if $(MUTATE_FRESH)$(MUTATE_SAMPLE),rm -rf mutants)
ifdef MUTATE_SAMPLE
	$(PY) bench/mutation_sample.py --size $(MUTATE_SAMPLE) --jobs $(MUTATE_JOBS)
else
	$(PY) bench/mutmut_entry.py run --max-children $(MUTATE_JOBS)
	$(PY) bench/mutation_score.py
endif

# Schemathesis at 200 examples an operation, every check (about 10 minutes)
fuzz: $(STAMP)
	FUZZ_EXAMPLES=200 $(PY) -m pytest -q tests/test_fuzz.py

clean:
	rm -rf $(VENV) mutants build dist *.egg-info .pytest_cache .ruff_cache
