"""Executed snippets: run each snippet once, safely, and show what it really did.

- ``runner``: one snippet and its header, run in isolation with a time limit (no Sphinx; the
  tests use it too).
- ``observe``: what a run did (processes, signals, pipes, sockets, mappings), recorded as events.
- ``sphinx_ext``: the Sphinx extension: pages → records → runs → rendering → report.
"""
