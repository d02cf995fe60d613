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
	$(VENV)/bin/ruff check interviewer tests bench calibration scripts

check: $(STAMP)
	$(VENV)/bin/interviewer check

test: lint check
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/bench_offline_grader.py

# Mutation testing, by hand (it takes long): mutmut mutates the modules listed under
# [tool.mutmut] in pyproject.toml and runs the tests that reach each mutant; results are kept
# in mutants/ so a second run only tries what changed. `make mutate MUTATE_FRESH=1` starts over;
# `make mutate MUTATE_SAMPLE=250` runs a uniform random sample of 250 (seed MUTATE_SEED) when
# all would take too long, and `MUTATE_START=250 MUTATE_SAMPLE=150` grows it to 400 later.
# A throwaway PostgreSQL (scripts/pg-test.sh) runs alongside: without it the PostgreSQL-only
# storage code has no test to reach it.
MUTATE_JOBS ?= 2
MUTATE_SEED ?= 8
MUTATE_START ?= 0
MUTATE_PG = pg="$$(scripts/pg-test.sh)" && eval "$$pg" || echo "no PostgreSQL: its code goes untested" >&2
mutate: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,mutate]'
	$(if $(MUTATE_FRESH),rm -rf mutants)
ifdef MUTATE_SAMPLE
	$(if $(filter 0,$(MUTATE_START)),rm -rf mutants)
	$(MUTATE_PG); $(PY) bench/mutation_sample.py --size $(MUTATE_SAMPLE) \
	  --start $(MUTATE_START) --seed $(MUTATE_SEED) --jobs $(MUTATE_JOBS)
else
	$(MUTATE_PG); $(PY) bench/mutmut_entry.py run --max-children $(MUTATE_JOBS)
	$(PY) bench/mutation_score.py
endif

# Schemathesis at 200 examples an operation, every check (about 10 minutes)
fuzz: $(STAMP)
	FUZZ_EXAMPLES=200 $(PY) -m pytest -q tests/test_fuzz.py

clean:
	rm -rf $(VENV) mutants build dist *.egg-info .pytest_cache .ruff_cache
