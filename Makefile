# The two set-up commands of the README: `make run` (the main job) and `make test`.
# Both create .venv with the project and its dependencies on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench js chromium format-checks a11y virtuoso shacl-tests clients clean

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

## js: the JavaScript of the HTML export (cytoscape) and of the query page (YASGUI), from the npm registry (web/package-lock.json)
js:
	bash scripts/install-js.sh

## chromium: Debian's chromium for the headless browser tests of the HTML export
chromium:
	bash scripts/install-chromium.sh

## format-checks: xmllint, the official GraphML/GEXF XSDs (Debian's libjgrapht-java) and graphology (npm),
##                 for the schema tests of the exports (cached in .cache/ and tests/readers/node_modules)
format-checks:
	bash scripts/install-format-checks.sh

## a11y: axe-core (npm, pinned by tests/a11y/package-lock.json), the accessibility checker of the browser tests
a11y:
	bash scripts/install-a11y.sh

## virtuoso: Debian's virtuoso-opensource, the second real triple store of the tests (docs/stores.md)
virtuoso:
	bash scripts/install-virtuoso.sh

## shacl-tests: the W3C SHACL test suite from the pinned pyshacl's source distribution, into .cache/ (once)
shacl-tests: $(STAMP)
	PYTHON=$(BIN)/python bash scripts/fetch-shacl-tests.sh

## clients: two npm SPARQL clients (tests/clients, pinned) and the W3C SPARQL 1.1 Protocol test manifest
##          (from the installed rdflib's source distribution, into .cache/), for the endpoint tests
clients: $(STAMP)
	PYTHON=$(BIN)/python bash scripts/install-clients.sh

## test: the whole test suite (hygiene, SHACL, quotes against ../shared/sources, HermiT, query library on
##       every engine, a real oxigraph server and a real Virtuoso, endpoint, exports in headless chromium, CLI,
##       W3C SHACL suite)
test: $(STAMP) js chromium format-checks a11y virtuoso shacl-tests clients
	$(BIN)/python -m pytest

## bench: every benchmark, each against its baseline measured in the same run
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/inference.py
	$(BIN)/python benchmarks/query.py
	$(BIN)/python benchmarks/export.py
	$(BIN)/python benchmarks/figures.py
	$(BIN)/python benchmarks/serve_load.py
	$(BIN)/python benchmarks/pages.py

## figures: the README's two figures in docs/img/ (after a change to the data or to the figures)
.PHONY: figures
figures: $(STAMP)
	$(BIN)/ncts export --view partners --format svg --lang en -o docs/img/partners.svg
	$(BIN)/ncts export --view measures --format svg --lang en -o docs/img/measures.svg

clean:
	rm -rf $(VENV) out .pytest_cache .cache
