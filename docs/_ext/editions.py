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
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Edition:
    """One edition of the site: where its pages live and how it names itself."""

    folder: str  # docs/<folder>/ and the URL path /<folder>/
    language: str  # Sphinx's language (``-D language=...``)
    hreflang: str  # BCP 47 tag: <html lang>, hreflang alternates, sitemaps
    title: str  # the site's title in this edition
    name: str  # the edition's name in its own language, as the switch shows it


# The one table of editions: conf.py, the extensions, the Makefile, `make bench` and the tests
# read it. The first one is the default (x-default, and the language of a config without one).
EDITIONS: tuple[Edition, ...] = (
    Edition("en", "en", "en", "Linux IPC in Python", "English"),
    Edition("zh", "zh_CN", "zh-CN", "Linux 进程间通信（Python 版）", "简体中文"),
)


def edition_of(config) -> Edition:
    """The edition a Sphinx config builds (by its ``language``); English when it names none."""
    return by_language(getattr(config, "language", None) or EDITIONS[0].language)


def by_language(language: str) -> Edition:
    for edition in EDITIONS:
        if edition.language == language or edition.language.split("_")[0] == language:
            return edition
    return EDITIONS[0]


def by_folder(folder: str) -> Edition:
    return next(edition for edition in EDITIONS if edition.folder == folder)


def _chinese_search():
    from sphinx.search.zh import SearchChinese

    class ChineseSearch(SearchChinese):
        language_name = "English"  # the stemmer that english-stemmer.js defines; see above

    return ChineseSearch


def configure(app, config) -> None:
    edition = edition_of(config)
    config.html_title = edition.title
    config.project = edition.title
    if edition.language.startswith("zh"):
        import jieba
        from sphinx.search import languages

        languages["zh"] = _chinese_search()
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
    here = edition_of(app.config)
    up = "../" * (pagename.count("/") + 1)
    for other in EDITIONS:
        if other != here:
            context["other_edition"] = {"url": f"{up}{other.folder}/{pagename}.html",
                                        "name": other.name, "lang": other.hreflang}


def write_sitemap(app, exception) -> None:
    """sitemap.xml for this edition, each page paired with its counterpart (hreflang)."""
    if exception is not None or app.builder.format != "html":
        return
    base = (app.config.html_baseurl or "").rstrip("/") + "/"
    here = edition_of(app.config)
    urlset = ET.Element("urlset", {"xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9",
                                   "xmlns:xhtml": "http://www.w3.org/1999/xhtml"})
    for docname in sorted(app.env.found_docs):
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = f"{base}{here.folder}/{docname}.html"
        for edition in EDITIONS:
            ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=edition.hreflang,
                          href=f"{base}{edition.folder}/{docname}.html")
    ET.indent(urlset)
    ET.ElementTree(urlset).write(Path(app.outdir, "sitemap.xml"), encoding="utf-8",
                                 xml_declaration=True)


def setup(app):
    app.connect("config-inited", configure)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", write_sitemap)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    # `python3 docs/_ext/editions.py`: one line per edition, "folder language", for the Makefile.
    sys.stdout.write("".join(f"{e.folder} {e.language}\n" for e in EDITIONS))
