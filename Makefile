# Linux IPC in Python: the one entry point. `make` alone lists the targets.
#   make html    build both editions into _build/html/{en,zh}
#   make test    lint, build (warnings are errors) and run every test
# Both set up .venv from requirements.txt first, again only when requirements.txt changes, and
# make it anew when the Python it was made with is not $(PYTHON) (`make test PYTHON=python3.12`).

PYTHON    ?= python3
PYTHON_MIN := 3.11
VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
VENV_PYTHON := $(VENV)/.python
BUILDDIR  ?= _build
SNIPPET_CACHE ?= $(BUILDDIR)/snippet-cache
export BUILDDIR
# One line per edition, "folder language", from the edition table in docs/_ext/editions.py.
EDITIONS  = $(BIN)/python docs/_ext/editions.py
SPHINXOPTS ?= -W --keep-going
# pytest workers: one more than the cores, as several tests mostly wait (time limits, the browser).
JOBS      ?= $(shell echo $$(( $$(nproc) + 1 )))
export JOBS
PORT      ?= 8000

.PHONY: help html test lint serve clean bench linkcheck locale audit pyinventory FORCE
.DEFAULT_GOAL := help

help:  ## list the targets
	@echo "Linux IPC in Python / Linux 进程间通信"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -e 's|$$(PORT)|$(PORT)|g' \
	  -e 's|$$(BUILDDIR)|$(BUILDDIR)|g' | awk -F':.*## ' '{ printf "  make %-12s %s\n", $$1, $$2 }'
	@echo "Settings (name=value after the target; the current value in brackets):"
	@echo "  FRESH=1     with html: run every snippet again, ignoring the cache"
	@echo "  EDITION=zh  with html: build one edition only (en or zh)"
	@echo "  PYTHON=python3.12  the Python that .venv is made with, $(PYTHON_MIN) or newer [$(PYTHON)]"
	@echo "  RUNS=fresh  with test: run every snippet again instead of checking the published runs"
	@echo "  JOBS=N      with test: pytest workers [$(JOBS)]"
	@echo "  BUILDDIR=dir  where the build goes [$(BUILDDIR)]"
	@echo "  PORT=N      with serve [$(PORT)]"
	@echo "  SITE_URL=https://example.org/linux-ipc/  the published base URL [$${SITE_URL:-http://localhost:8000/}]"
	@echo "System tools the build and tests use when present (.ci/run requires them; README: What you need):"
	@echo "  bwrap       contains each snippet run (SNIPPET_CONTAIN=off|require); apt-get install bubblewrap"
	@echo "  strace      the system calls in the 'Calls made' panels; apt-get install strace"
	@echo "  chromium    the browser tests; apt-get install chromium (Ubuntu: Google Chrome; or CHROME_PATH=...)"
	@echo "Without one, make test skips what needs it and says so at its end."

# Which Python .venv is made with: the real interpreter behind $(PYTHON) and its version. The
# file changes (and .venv is made anew) only when that changes.
PY_IDENT := import os, sys; print(os.path.realpath(getattr(sys, "_base_executable", sys.executable)), sys.version.split()[0])
$(VENV_PYTHON): FORCE
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: no '$(PYTHON)' here. Install Python $(PYTHON_MIN) or newer, or name one: make $(MAKECMDGOALS) PYTHON=python3.12" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < ($(subst .,$(comma) ,$(PYTHON_MIN))))' || { echo "make: $(PYTHON) is $$($(PYTHON) -V 2>&1); this site needs $(PYTHON_MIN) or newer. Name another: make $(MAKECMDGOALS) PYTHON=python3.12" >&2; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "make: $(PYTHON) cannot make a virtual environment: install python3-venv (Debian, Ubuntu: sudo apt-get install python3-venv)" >&2; exit 1; }
	@want="$$($(PYTHON) -c '$(PY_IDENT)')"; \
	have="$$(cat $@ 2>/dev/null || { [ -x $(BIN)/python ] && $(BIN)/python -c '$(PY_IDENT)'; } || true)"; \
	if [ "$$want" != "$$have" ] || [ ! -x $(BIN)/python ]; then \
	  [ -z "$$have" ] || echo "make: .venv was made with $$have; making it anew with $$want"; \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && echo "$$want" > $@; \
	elif [ ! -f $@ ]; then echo "$$want" > $@; fi

$(STAMP): requirements.txt $(VENV_PYTHON)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --use-pep517 -r requirements.txt
	touch $@

comma := ,
FORCE:

html: $(STAMP)  ## build both editions (warnings are errors)
ifdef FRESH
	rm -rf $(SNIPPET_CACHE) $(BUILDDIR)/doctrees
endif
	@# The editions side by side (docs/_ext/build_editions.py): one runs a snippet, both show it.
	@switch="$$($(BIN)/python docs/_ext/snippetexec/contain.py --for-make)" || exit 1; \
	SNIPPET_CONTAIN="$$switch" $(BIN)/python docs/_ext/build_editions.py $(abspath $(BUILDDIR)) \
	  $(abspath $(SNIPPET_CACHE)) "$(EDITION)" -- $(SPHINXOPTS)
	@echo "open $(BUILDDIR)/html/index.html"

RUNS ?= published
test: $(STAMP) lint html  ## lint, build both editions, run the tests
	@# The tests' own small builds run as `make html` does: uncontained on purpose, and said so,
	@# where this machine cannot contain runs.
	@switch="$$($(BIN)/python docs/_ext/snippetexec/contain.py --for-make)" || exit 1; \
	echo "$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup --runs=$(RUNS)"; \
	SNIPPET_CONTAIN="$$switch" $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup --runs=$(RUNS)

lint: $(STAMP)  ## ruff over snippets, tests, conf.py and the extensions
	$(BIN)/ruff check .

bench: $(STAMP)  ## time clean, unchanged and one-snippet builds against plain Sphinx
	$(BIN)/python docs/_ext/bench.py

linkcheck: $(STAMP)  ## check the external links (needs the network)
	@$(EDITIONS) | while read -r ed lang; do \
	  $(BIN)/sphinx-build -b linkcheck -c . -D language=$$lang -d $(BUILDDIR)/doctrees-links/$$ed \
	    -D snippet_execute=0 -q docs/$$ed $(BUILDDIR)/linkcheck/$$ed || exit 1; \
	done

pyinventory: $(STAMP)  ## refresh the Python documentation's inventory for {py} links (INV=file)
	$(BIN)/python docs/_ext/pydoc_links.py --update $(INV)

locale: $(STAMP)  ## extract the theme's messages for the zh edition into docs/_locale
	$(BIN)/python docs/_locale/extract.py

audit: html  ## Nu HTML Checker and Lighthouse over the built site (needs Java, Node.js, Chromium)
	$(BIN)/python .ci/audit/audit.py $(BUILDDIR)

serve: html  ## preview on http://localhost:$(PORT)
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(BUILDDIR)/html $(PORT)

clean:  ## remove the build and the virtual environment
	rm -rf $(BUILDDIR) $(VENV) .pytest_cache .ruff_cache
