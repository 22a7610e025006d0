# Linux IPC in Python: the one entry point. `make` alone lists the targets.
#   make html    build both editions into _build/html/{en,zh}
#   make test    lint, build (warnings are errors) and run every test
# Both set up .venv from requirements.txt first, again only when requirements.txt changes.

PYTHON    ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
BUILDDIR  ?= _build
SNIPPET_CACHE ?= $(BUILDDIR)/snippet-cache
export BUILDDIR
# One line per edition, "folder language", from the edition table in docs/_ext/editions.py.
EDITIONS  = $(BIN)/python docs/_ext/editions.py
SPHINXOPTS ?= -W --keep-going
JOBS      ?= auto
PORT      ?= 8000

.PHONY: help html test lint serve clean bench linkcheck
.DEFAULT_GOAL := help

help:  ## list the targets
	@echo "Linux IPC in Python / Linux 进程间通信"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## /  make \1\t/'
	@echo "  FRESH=1     with html: run every snippet again, ignoring the cache"

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

html: $(STAMP)  ## build both editions (warnings are errors)
ifdef FRESH
	rm -rf $(SNIPPET_CACHE) $(BUILDDIR)/doctrees
endif
	@$(EDITIONS) | while read -r ed lang; do \
	  echo "building the $$ed edition"; \
	  $(BIN)/sphinx-build -b html -c . -D language=$$lang -d $(BUILDDIR)/doctrees/$$ed \
	    -D snippet_cache_dir=$(abspath $(SNIPPET_CACHE)) \
	    -D snippet_report_dir=$(abspath $(BUILDDIR))/reports \
	    $(SPHINXOPTS) docs/$$ed $(BUILDDIR)/html/$$ed || exit 1; \
	done
	@echo "open $(BUILDDIR)/html/index.html"

test: $(STAMP) lint html  ## lint, build both editions, run the tests
	$(BIN)/python -m pytest -n $(JOBS)

lint: $(STAMP)  ## ruff over snippets, tests, conf.py and the extensions
	$(BIN)/ruff check .

bench: $(STAMP)  ## time clean, unchanged and one-snippet builds against plain Sphinx
	$(BIN)/python docs/_ext/bench.py

linkcheck: $(STAMP)  ## check the external links (needs the network)
	@$(EDITIONS) | while read -r ed lang; do \
	  $(BIN)/sphinx-build -b linkcheck -c . -D language=$$lang -d $(BUILDDIR)/doctrees-links/$$ed \
	    -D snippet_execute=0 -q docs/$$ed $(BUILDDIR)/linkcheck/$$ed || exit 1; \
	done

serve: html  ## preview on http://localhost:$(PORT)
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(BUILDDIR)/html $(PORT)

clean:  ## remove the build and the virtual environment
	rm -rf $(BUILDDIR) $(VENV) .pytest_cache .ruff_cache
