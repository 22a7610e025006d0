"""Executed snippets: run each snippet once, safely, and show what it really printed.

- ``runner``: run one snippet in isolation, with a time limit (no Sphinx; the tests use it too).
- ``pages``: find the snippets a page shows.
- ``sphinx_ext``: the Sphinx extension (the ``exec_code`` directive, the cache, the reports).
"""
