# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Each creates .venv from the exact pins in requirements.txt first (scripts/setup-env.sh).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSIGNMENTS := $(notdir $(wildcard source/*))
PYTEST_WORKERS ?= 2

.PHONY: venv test test-fast demo release lab lab-instructor bench mutation clean help

help:
	@echo "make demo     grade a simulated class of ~30 (hostile included) with autograder grade; print the summary and where the report, feedback and exports are"
	@echo "make test     run the whole test suite (contract tests included)"
	@echo "make release  regenerate release/ from source/ with nbgrader generate_assignment"
	@echo "make lab      start JupyterLab on your own copy of the notebooks (my-work/, made from release/ if absent)"
	@echo "make lab-instructor  start JupyterLab on the whole course (source/, formgrader, rubrics/)"
	@echo "make bench    time every answer key, then autograder grade (whole command) against stock autograde + generate_feedback and the floor"
	@echo "make mutation mutate every answer key and show which mutants the hidden tests miss (fails below 95 %)"

$(STAMP): requirements.txt pyproject.toml scripts/setup-env.sh
	@bash scripts/setup-env.sh

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope

# The quick checks only (no notebook execution), while editing.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

demo: $(STAMP) release
	$(BIN)/python -m tools.demo

release: $(STAMP)
	$(BIN)/python -m tools.release $(ASSIGNMENTS)
	$(BIN)/python -m course.rubrics

# A learner sees only their own copy: source/ (solutions, hidden tests) and rubrics/ are not one click away.
lab: $(STAMP)
	$(BIN)/python -m course.notebooks my-work
	COURSE_LEARNER=1 $(BIN)/jupyter lab --ServerApp.root_dir=my-work --ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root)

lab-instructor: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP)
	$(BIN)/python -m tools.bench

# The hidden tests' own test: every solution cell mutated, each mutant must lose points (tools/mutation.py).
mutation: $(STAMP)
	$(BIN)/python -m tools.mutation $(MODULES)

clean:
	rm -rf $(VENV) submitted autograded feedback gradebook.db demo .artifacts
