"""Two editions from one conf.py: English (``en``) and Simplified Chinese (``zh_CN``).

``-D language=...`` is applied after conf.py runs, so everything that depends on the language is
decided here, in event handlers:
- the edition's title, and the link to the same page in the other edition;
- the sitemap, which pairs each page with its counterpart;
- the glossary's Chinese terms as words for the search index;
- Chinese search: Sphinx 9.0 writes ``window.Stemmer = ChineseStemmer`` into language_data.js, a
  name no script defines (sphinx-doc/sphinx#14229), so the zh search page stops with a
  ReferenceError. The Chinese search language ships the English stemmer for Latin words; naming
  that stemmer fixes the page. Drop ``_ChineseSearch`` when Sphinx is upgraded past the fix.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jieba
from sphinx.search import languages
from sphinx.search.zh import SearchChinese

EDITIONS = {
    # language: (folder, title, name of the edition in its own language)
    "en": ("en", "Linux IPC in Python", "English"),
    "zh_CN": ("zh", "Linux 进程间通信（Python 版）", "简体中文"),
}

class _ChineseSearch(SearchChinese):
    language_name = "English"  # the stemmer that english-stemmer.js defines; see above


def _edition(app) -> tuple[str, str, str]:
    return EDITIONS.get(app.config.language, EDITIONS["en"])


def configure(app, config) -> None:
    folder, title, _ = _edition(app)
    config.html_title = title
    config.project = title
    if folder == "zh":
        languages["zh"] = _ChineseSearch
        jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at DEBUG
        config.html_search_options = {"dict": str(_glossary_words(app))}


def _glossary_words(app) -> Path:
    """A jieba dictionary of the glossary's Chinese terms, so that 有名管道 or 共享映射 are indexed
    as words, not only as 有名 + 管道."""
    glossary = Path(app.srcdir, "glossary.md").read_text(encoding="utf-8")
    terms = {line.strip() for line in glossary.splitlines()
             if line and not line[0].isspace() and re.search(r"[\u4e00-\u9fff]", line)
             and not line.startswith(("#", "本站", "各章"))}
    words = Path(app.doctreedir) / "jieba-glossary.txt"
    words.parent.mkdir(parents=True, exist_ok=True)
    words.write_text("".join(f"{term.replace(' ', '')} 100000\n" for term in sorted(terms)),
                     encoding="utf-8")
    return words


def page_context(app, pagename, templatename, context, doctree) -> None:
    """Give templates the same page in the other edition (same path, other language folder)."""
    folder, _, _ = _edition(app)
    for language, (other, _, name) in EDITIONS.items():
        if other != folder:
            up = "../" * (pagename.count("/") + 1)
            context["other_edition"] = {"url": f"{up}{other}/{pagename}.html", "name": name,
                                        "lang": language.replace("_", "-")}


def write_sitemap(app, exception) -> None:
    """sitemap.xml for this edition, each page paired with its counterpart (hreflang)."""
    if exception is not None or app.builder.format != "html":
        return
    base = (app.config.html_baseurl or "").rstrip("/") + "/"
    folder, _, _ = _edition(app)
    urlset = ET.Element("urlset", {"xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9",
                                   "xmlns:xhtml": "http://www.w3.org/1999/xhtml"})
    for docname in sorted(app.env.found_docs):
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = f"{base}{folder}/{docname}.html"
        for language, (edition, _, _) in EDITIONS.items():
            ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=language.replace("_", "-"),
                          href=f"{base}{edition}/{docname}.html")
    ET.indent(urlset)
    ET.ElementTree(urlset).write(Path(app.outdir, "sitemap.xml"), encoding="utf-8",
                                 xml_declaration=True)


def setup(app):
    app.connect("config-inited", configure)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", write_sitemap)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
