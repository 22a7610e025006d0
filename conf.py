"""Sphinx configuration shared by both editions.

The Makefile builds each edition from its own folder with its own language:
    sphinx-build -c . -D language=en    docs/en _build/html/en
    sphinx-build -c . -D language=zh_CN docs/zh _build/html/zh
Whatever depends on the language is decided by the extensions in docs/_ext, after ``-D`` is
applied (docs/_ext/editions.py holds the table of editions they read).
"""

import contextlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

# sphinxext-opengraph prints "matplotlib is not installed, social cards will not be generated"
# when it is imported; the site makes no social cards (ogp_social_cards below), so that line is
# noise in every build's log.
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: F401

# -- Project ------------------------------------------------------------------------------------
project = "Linux IPC in Python"
author = "The Linux IPC in Python authors"
copyright = "2026, " + author
language = "en"  # overridden per edition with -D language=...

# -- Extensions ---------------------------------------------------------------------------------
extensions = [
    "myst_parser",
    "sphinx_copybutton",
    "sphinxext.opengraph",  # link previews: og:title, og:description
    "snippetexec.sphinx_ext",  # executed snippets (sphinx-exec-code's exec_code, made safe)
    "pydoc_links",  # the {py} role: links to the Python documentation, offline
    # One concern each (the map of docs/_ext: docs/_ext/editions.py's docstring).
    "editions",  # the table of the two editions: their titles and authors
    "hosting",  # each edition's URLs: canonical, alternates, sitemaps, the site's root
    "typography",  # Chinese text: spacing, full-width punctuation, the footer's date
    "glossary",  # the glossary's wordings and synonyms; zh term anchors that stay put
    "zh_search",  # the Chinese search index: jieba, the glossary's words and synonyms
    "search_results",  # the teaching page first, readable summaries, a whole index
    "pinyin_index",  # the zh general index in pinyin order
    "page_html",  # tables' row headers, lighter code, the theme's labels, page descriptions
]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
manpages_url = "https://man7.org/linux/man-pages/man{section}/{page}.{section}.html"

# -- Executed snippets --------------------------------------------------------------------------
snippet_dir = str(ROOT / "snippets")
snippet_cache_dir = str(ROOT / "_build" / "snippet-cache")
snippet_report_dir = str(ROOT / "_build" / "reports")

# -- HTML output --------------------------------------------------------------------------------
html_theme = "furo"
html_static_path = [str(ROOT / "docs" / "_static")]
html_css_files = ["site.css"]
html_js_files = [("site.js", {"defer": "defer"})]
html_favicon = str(ROOT / "docs" / "_static" / "favicon.svg")
templates_path = [str(ROOT / "docs" / "_templates")]
html_last_updated_fmt = ""  # per-language format, set by docs/_ext/typography.py
html_copy_source = False
html_show_sourcelink = False

# Copy buttons on code, not on the output printed under it.
copybutton_selector = "div.snippet-code div.highlight pre"
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/edition-switch.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/scroll-end.html",
    ]
}

# The theme's words in Chinese: docs/_locale/zh_CN/LC_MESSAGES/sphinx.po, whose messages are
# extracted from the templates by `make locale` (docs/_locale/extract.py).
locale_dirs = [str(ROOT / "docs" / "_locale")]

# -- Hosting ------------------------------------------------------------------------------------
# Where the site is published: each edition at <site_url><folder>/ (GitHub Pages: the Pages URL,
# set by CI through SITE_URL; a local build: `make serve`). On Read the Docs each edition is a
# project of its own and the URLs come from Read the Docs (docs/_ext/hosting.py). Canonical
# links, og:url, hreflang alternates, the sitemaps and robots.txt are all derived from it.
site_url = os.environ.get("SITE_URL", "http://localhost:8000/")
ogp_description_length = 200
ogp_enable_meta_description = True
ogp_social_cards = {"enable": False}  # would need matplotlib; the pages have no images to share
