# The two set-up commands of the README: `make run` (the main job) and `make test`.
# Both create .venv with the project and its dependencies on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench js chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: build the graph to out/ncts-graph.ttl, show what is in it, validate it, then serve it
##      (SPARQL endpoint and query page on http://127.0.0.1:$(PORT)/; Ctrl+C stops)
PORT ?= 8000
run: $(STAMP) js
	mkdir -p out
	$(BIN)/ncts build -o out/ncts-graph.ttl
	$(BIN)/ncts info
	$(BIN)/ncts validate --lang en --quiet
	$(BIN)/ncts serve --port $(PORT)

## js: the JavaScript library of the HTML export, from the npm registry (web/package-lock.json)
js:
	bash scripts/install-js.sh

## chromium: Debian's chromium for the headless browser tests of the HTML export
chromium:
	bash scripts/install-chromium.sh

## test: the whole test suite (hygiene, SHACL, quotes against ../shared/sources, HermiT, query library on
##       every engine and a real oxigraph server, endpoint, exports in headless chromium, CLI)
test: $(STAMP) js chromium
	$(BIN)/python -m pytest

## bench: every benchmark, each against its baseline measured in the same run
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/query.py
	$(BIN)/python benchmarks/export.py
	$(BIN)/python benchmarks/serve_load.py

clean:
	rm -rf $(VENV) out .pytest_cache
