"""Executed snippets: run each snippet once, safely, and show what it really did.

The path from a page to what the tests check, with the module that does each step:

    pages ──▶ records ──▶ runs ─────────────────────────────▶ rendering ──▶ report
    sphinx_ext  sphinx_ext   runner (one run, its limits, cache key)  sphinx_ext   sphinx_ext
                             ├─ contain      the sandbox (bwrap) or the loud fallback; bounds
                             ├─ sandbox_init pid 1 of a run: starts, reports, removes leftovers
                             ├─ observe      what a run did, recorded as events (and read back)
                             ├─ tracing      a second run under strace, and its logs
                             ├─ calls        the "Calls made" panel: events matched with strace
                             └─ hostfiles    the build's reads and removals in a run's folders

- ``sphinx_ext``: the Sphinx extension (directive, role, collector, rendering, reports).
- ``runner``: one snippet and its header, run with a time limit; plain Python, no Sphinx (the
  tests use it too).

tests/test_layout.py imports every module named here and checks that none imports another in a
cycle.
"""
