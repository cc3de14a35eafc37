# The two set-up commands of the README: `make run` (the main job) and `make test`.
# Both create .venv with the project and its dependencies on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: build the knowledge graph to out/ncts-graph.ttl and show what is in it
run: $(STAMP)
	mkdir -p out
	$(BIN)/ncts build -o out/ncts-graph.ttl
	$(BIN)/ncts info

## test: the whole test suite (hygiene, quotes against ../shared/sources, HermiT, competency questions, CLI)
test: $(STAMP)
	$(BIN)/python -m pytest

## bench: embedded engines against rdflib's (baseline), same run
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out .pytest_cache
