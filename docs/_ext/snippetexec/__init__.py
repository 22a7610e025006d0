"""Executed snippets: run each snippet once, safely, and show what it really did.

The path from a page to what the tests check, with the module that does each step:

    pages ──▶ records ──▶ runs ─────────────────────────────▶ rendering ──▶ report
    sphinx_ext  sphinx_ext   schedule (the runs of a build, side by side,
                             │         started as the pages are read)
                             runner (one run, its limits, cache key)  sphinx_ext   sphinx_ext
                             ├─ contain      the sandbox (bwrap) or the loud fallback; bounds
                             ├─ sandbox_init pid 1 of a run: starts, reports, removes leftovers
                             ├─ observe      the observation's setting and a run's site folder
                             │  ├─ recorder/ what a run did, recorded in each of its processes
                             │  └─ events    the recorded events read back (Event, Events)
                             ├─ tracing      a second run under strace, and its logs
                             ├─ calls        the "Calls made" panel: events matched with strace
                             └─ hostfiles    the build's reads and removals in a run's folders

- ``sphinx_ext``: the Sphinx extension (directive, role, collector, rendering, reports).
- ``schedule``: the build's runs side by side, while Sphinx reads; Ctrl+C stops them all.
- ``runner``: one snippet and its header, run with a time limit; plain Python, no Sphinx (the
  tests use it too).

``recorder/`` is the package a run imports (its own map: ``recorder/__init__.py``); it is plain
Python that imports nothing of the layer, so the tests import it too (tests/test_recorder.py).

tests/test_layout.py imports every module named here and checks that none imports another in a
cycle.
"""
