"""Two editions from one conf.py: English (``en``) and Simplified Chinese (``zh_CN``).

``EDITIONS`` is the one table of editions; conf.py, the extensions, ``make html``
(build_editions.py), ``make linkcheck`` (``python3 docs/_ext/editions.py`` prints "folder
language" per line), ``make bench`` and the tests read it. ``-D language=...`` is applied after
conf.py runs, so everything that depends on the language is decided in event handlers. This
module sets what the table says directly: each edition's title and who holds its copyright
(``config-inited``).

The map of docs/_ext: a module per concern, each an extension conf.py loads (but the scripts
bench.py and build_editions.py). They import this table, typography's character classes and
glossary's reading of the glossary; none imports another in a cycle (tests/test_layout.py checks
this map and the imports):

    editions.py        the table of editions; titles, authors; the Makefile's list of editions
    hosting.py         URLs: canonical, og:url, hreflang alternates, the link to the other
                       edition, sitemaps, robots.txt, the site's root and 404 page, Read the Docs
    typography.py      Chinese text: spacing, full-width punctuation, the footer's date
    glossary.py        the glossary's wordings and synonyms; zh term anchors that stay put
    zh_search.py       the Chinese search index: jieba, the glossary's words and synonyms
    search_results.py  the order of results (the teaching page first), their summaries, an
                       index kept whole by incremental builds
    pinyin_index.py    the zh general index sorted and grouped by pinyin
    page_html.py       tables' row headers, lighter code, the theme's navigation labels, and
                       the description link previews show
    pydoc_links.py     the {py} role: links to the Python documentation, offline
    snippetexec/       the executed snippets (its own map: snippetexec/__init__.py)
    build_editions.py  ``make html``: the editions built side by side (not an extension)
    bench.py           ``make bench``: build times against plain Sphinx (not an extension)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Edition:
    """One edition of the site: where its pages live and how it names itself."""

    folder: str  # docs/<folder>/ and the URL path /<folder>/
    language: str  # Sphinx's language (``-D language=...``)
    hreflang: str  # BCP 47 tag: <html lang>, hreflang alternates, sitemaps
    title: str  # the site's title in this edition
    name: str  # the edition's name in its own language, as the switch shows it
    authors: str  # who holds the copyright, as the footer says it

    @property
    def rtd_language(self) -> str:
        """The language path Read the Docs gives a project in this language ("zh-cn")."""
        return self.hreflang.lower()


# The one table of editions: conf.py, the extensions, the Makefile, `make bench` and the tests
# read it. The first one is the default (x-default, and the language of a config without one).
EDITIONS: tuple[Edition, ...] = (
    Edition("en", "en", "en", "Linux IPC in Python", "English",
            "The Linux IPC in Python authors"),
    Edition("zh", "zh_CN", "zh-CN", "Linux 进程间通信（Python 版）", "简体中文",
            "《Linux 进程间通信（Python 版）》作者"),
)


def edition_of(config) -> Edition:
    """The edition a Sphinx config builds (by its ``language``); English when it names none."""
    return by_language(getattr(config, "language", None) or EDITIONS[0].language)


def by_language(language: str) -> Edition:
    wanted = language.replace("-", "_").lower()
    for edition in EDITIONS:
        if edition.language.lower() == wanted or edition.rtd_language.replace("-", "_") == wanted:
            return edition
    for edition in EDITIONS:
        if edition.language.split("_")[0] == wanted.split("_")[0]:
            return edition
    return EDITIONS[0]


def by_folder(folder: str) -> Edition:
    return next(edition for edition in EDITIONS if edition.folder == folder)


def configure(app, config) -> None:
    """Each edition's title, and its authors as the copyright holder (typography.py drops the
    comma before a holder that starts with full-width punctuation)."""
    edition = edition_of(config)
    config.html_title = edition.title
    config.project = edition.title
    if config.author and config.author in config.copyright:
        config.copyright = config.copyright.replace(config.author, edition.authors)
    config.author = edition.authors


def setup(app):
    app.connect("config-inited", configure)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    # `python3 docs/_ext/editions.py`: one line per edition, "folder language", for the Makefile.
    # `python3 docs/_ext/editions.py --folder-for zh_CN`: the folder of the edition in a language
    # (as Read the Docs names a project's language: zh-cn, zh_CN, en).
    if sys.argv[1:2] == ["--folder-for"]:
        print(by_language(sys.argv[2]).folder)
    else:
        sys.stdout.write("".join(f"{e.folder} {e.language}\n" for e in EDITIONS))
