"""Two editions from one conf.py: English (``en``) and Simplified Chinese (``zh_CN``).

``EDITIONS`` is the one table of editions; conf.py, the extensions, the Makefile
(``python3 docs/_ext/editions.py`` prints "folder language" per line), ``make bench`` and the tests
read it. ``-D language=...`` is applied after conf.py runs, so everything that depends on the
language is decided here, in event handlers:

- hosting: each edition's published URL (``site_url`` + folder, or Read the Docs' URL of the
  edition's own project), so canonical links, ``og:url``, ``hreflang`` alternates, the link to the
  same page in the other edition and the sitemaps all name real pages; the site's root (the
  edition chooser, 404 page, sitemap index, robots.txt) is rendered from docs/index.html and
  docs/404.html beside the editions;
- the Chinese edition's text: no space between two Chinese characters (source line breaks and
  the spaces written around term links render as nothing), the theme's words from the catalog in
  docs/_locale;
- search: the glossary's terms and synonyms as words of the Chinese index, a scorer that ranks the
  chapter teaching a glossary term first and the glossary itself after the chapters, and glossary
  entries whose term and definition read apart in result summaries;
- Chinese search: Sphinx 9.0 writes ``window.Stemmer = ChineseStemmer`` into language_data.js, a
  name no script defines (sphinx-doc/sphinx#14229), so the zh search page stops with a
  ReferenceError. The Chinese search language ships the English stemmer for Latin words; naming
  that stemmer fixes the page. Drop ``language_name`` below when Sphinx is upgraded past the fix.
"""

from __future__ import annotations

import collections
import functools
import json
import logging
import os
import posixpath
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit


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


# --- hosting --------------------------------------------------------------------------------------

def on_read_the_docs() -> bool:
    return os.environ.get("READTHEDOCS") == "True" and bool(
        os.environ.get("READTHEDOCS_CANONICAL_URL"))


def edition_urls(config) -> dict[str, str]:
    """folder -> the absolute URL of that edition's home folder, ending in "/".

    Own hosting (GitHub Pages, `make serve`): one site, each edition in its folder under
    ``site_url``. Read the Docs: each edition is a project of its own, the Chinese one a
    translation of the English one, served at .../<language>/<version>/.
    """
    if on_read_the_docs():
        here = edition_of(config)
        url = os.environ["READTHEDOCS_CANONICAL_URL"].rstrip("/") + "/"
        parts = urlsplit(url)
        segment = f"/{here.rtd_language}/"
        if segment not in parts.path:
            segment = f"/{os.environ.get('READTHEDOCS_LANGUAGE', here.rtd_language)}/"
        prefix = url[: url.index(parts.path)] if parts.path else url
        return {e.folder: prefix + parts.path.replace(segment, f"/{e.rtd_language}/", 1)
                for e in EDITIONS}
    base = (config.site_url or "http://localhost:8000/").rstrip("/") + "/"
    return {e.folder: f"{base}{e.folder}/" for e in EDITIONS}


def site_root_url(config) -> str | None:
    """The URL of the site's root (the edition chooser), or None where the host makes its own."""
    if on_read_the_docs():
        return None
    return (config.site_url or "http://localhost:8000/").rstrip("/") + "/"


def relative_url(source: str, target: str) -> str:
    """``target`` relative to the page at ``source`` when both are on one host, else absolute."""
    src, dst = urlsplit(source), urlsplit(target)
    if (src.scheme, src.netloc) != (dst.scheme, dst.netloc):
        return target
    return posixpath.relpath(dst.path, posixpath.dirname(src.path) or "/") + (
        "/" if dst.path.endswith("/") and dst.path != "/" else "")


def page_urls(config, pagename: str) -> dict[str, str]:
    """hreflang -> the URL of ``pagename`` in every edition, and "x-default"."""
    urls = edition_urls(config)
    alternates = {e.hreflang: f"{urls[e.folder]}{pagename}.html" for e in EDITIONS}
    root = site_root_url(config)
    alternates["x-default"] = (root if pagename == "index" and root
                               else alternates[EDITIONS[0].hreflang])
    return alternates


# --- configuration --------------------------------------------------------------------------------

def configure(app, config) -> None:
    edition = edition_of(config)
    config.html_title = edition.title
    config.project = edition.title
    if config.author and config.author in config.copyright:
        config.copyright = config.copyright.replace(config.author, edition.authors)
        if re.match(f"[{FULL_WIDTH}]", edition.authors):  # "2026《…》作者", not "2026, 《…"
            config.copyright = config.copyright.replace(", " + edition.authors, edition.authors)
    config.author = edition.authors
    here = edition_urls(config)[edition.folder]
    config.html_baseurl = here  # canonical links: <base>/<page>.html
    config.ogp_site_url = here  # og:url
    if edition.language.startswith("zh"):
        import jieba
        from sphinx.search import languages

        # The footer's date as Chinese writes it: 2026年12月7日 (Sphinx's default for zh_CN
        # gives "2026 年 12 月 07 日").
        if not config.html_last_updated_fmt:
            config.html_last_updated_fmt = "%Y年%-m月%-d日"
        _ChineseSearch = _chinese_search()
        languages["zh"] = _ChineseSearch
        jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at DEBUG
        # jieba caches its dictionary in the system's temporary folder by default, a file that
        # another user of a shared machine may own (PermissionError): the build's own folder.
        jieba.dt.tmp_dir = str(Path(app.doctreedir))
        Path(app.doctreedir).mkdir(parents=True, exist_ok=True)
        _TERM_IDS[str(Path(app.srcdir))] = _glossary_term_ids(Path(app.srcdir, "glossary.md"))
        _index_in_pinyin_order()
        groups = _glossary_groups(Path(app.srcdir, "glossary.md"))
        _ChineseSearch.word_groups = [sorted({w for w in g if _is_cjk_word(w)}) for g in groups]
        config.html_search_options = {"dict": str(_glossary_words(app, groups))}


def _chinese_search():
    from sphinx.search.zh import SearchChinese

    class ChineseSearch(SearchChinese):
        language_name = "English"  # the stemmer that english-stemmer.js defines; see above
        word_groups: list[list[str]] = []
        # The query's words as the index has them: a single letter ("I/O" gives "I", "O") is
        # never a word of the Chinese index, so it must not be required.
        js_splitter_code = """
var splitQuery = (query) => query
  .split(/[^\\p{Letter}\\p{Number}_\\p{Emoji_Presentation}]+/gu)
  .filter((term) => term.length > 1);
"""

        def split(self, input: str) -> list[str]:
            """jieba's words, plus every Chinese wording and synonym of a glossary term that the
            text contains in any of its wordings: 命名管道 finds the pages about 有名管道, and a
            term is indexed even where jieba cuts it otherwise (又称命名管道, 非阻塞地)."""
            words = super().split(input)
            for group in self.word_groups:
                if any(word in input for word in group):
                    words.extend(group)
            return words

    return ChineseSearch


CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han characters
CJK_TEXT = CJK + r"\u3000-\u303f\uff00-\uffef"  # and Chinese punctuation, full-width forms
# Full-width punctuation: no space on either side of it in Chinese text ("传给其他进程：fork(2)").
FULL_WIDTH = r"\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"


def _is_cjk_word(word: str) -> bool:
    return bool(word) and re.fullmatch(f"[{CJK}]+", word) is not None


def _glossary_groups(glossary: Path) -> list[set[str]]:
    """Each glossary entry's wordings (its terms, and synonyms its definition names with 又称 or
    "also called"), and the Chinese runs inside them ("非阻塞 I/O" gives 非阻塞 too)."""
    groups: list[set[str]] = []
    lines = glossary.read_text(encoding="utf-8").split("```{glossary}", 1)[-1].splitlines()
    current: set[str] | None = None
    for line in lines:
        if line.startswith("```"):
            break
        if not line.strip() or line.startswith(":"):
            current = None
            continue
        if line[0].isspace():  # the definition
            if current is not None:
                current |= set(re.findall(rf"又称([{CJK}]+)", line))
                current |= {m.lower() for m in re.findall(
                    r"(?:also called|also known as) ([a-z][a-z -]*[a-z])", line)}
                groups.append(current)
            current = None
            continue
        wording = line.strip()
        current = (current or set()) | {wording.lower()}
        current |= set(re.findall(f"[{CJK}]+", wording))
    return groups


def _glossary_words(app, groups: list[set[str]]) -> Path:
    """A jieba dictionary of the glossary's Chinese words, so that 有名管道 or 共享映射 are indexed
    as words, not only as 有名 + 管道."""
    words = Path(app.doctreedir) / "jieba-glossary.txt"
    words.parent.mkdir(parents=True, exist_ok=True)
    chinese = sorted({w for group in groups for w in group if _is_cjk_word(w)})
    words.write_text("".join(f"{word} 100000\n" for word in chinese), encoding="utf-8")
    return words


# --- Chinese text: no space between two Chinese characters ----------------------------------------

def _cjk_spacing_transform():
    from docutils import nodes
    from sphinx.transforms.post_transforms import SphinxPostTransform

    skip = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.comment, nodes.math)
    # Curly double quotes are Chinese punctuation in Chinese text: no space inside them, nor
    # between them and a Chinese character.
    cjk_before = re.compile(f"[{CJK_TEXT}\u201c\u201d]$")
    cjk_after = re.compile(f"^[{CJK_TEXT}\u201c\u201d]")
    punct_before = re.compile(f"[{FULL_WIDTH}\u201c]$")
    punct_after = re.compile(f"^[{FULL_WIDTH}\u201d]")

    class CJKSpacing(SphinxPostTransform):
        """Drop whitespace whose neighbours on both sides (across inline markup such as term
        links) are Chinese: a line break in the source or a space written around a link; and
        whitespace next to full-width punctuation or inside curly quotes, whatever is on its
        other side ("进程： fork(2)", "“ 管道 ”")."""

        default_priority = 900

        def run(self, **kwargs) -> None:
            if not edition_of(self.config).language.startswith("zh"):
                return
            for block in self.document.findall(nodes.TextElement):
                if isinstance(block, skip) or isinstance(block.parent, nodes.TextElement):
                    continue
                self._fix(block)

        def _fix(self, block) -> None:
            pieces: list[tuple[nodes.Node | None, str]] = []  # (editable Text or None, text)
            self._collect(block, pieces)
            text = "".join(t for _, t in pieces)
            drop = [False] * len(text)
            for match in re.finditer(r"\s+", text):
                start, end = match.span()
                before, after = text[max(0, start - 1):start], text[end:end + 1]
                if (cjk_before.search(before) and cjk_after.match(after)
                        or punct_before.search(before) or punct_after.match(after)):
                    drop[start:end] = [True] * (end - start)
            at = 0
            for node, piece in pieces:
                here = drop[at:at + len(piece)]
                at += len(piece)
                if node is None or not any(here):
                    continue
                kept = "".join(ch for ch, gone in zip(piece, here, strict=True) if not gone)
                parent = node.parent  # by identity: Text nodes are strings, equal ones abound
                parent[next(i for i, c in enumerate(parent.children) if c is node)] = \
                    nodes.Text(kept)

        def _collect(self, node, pieces) -> None:
            for child in node.children:
                if isinstance(child, nodes.Text):
                    pieces.append((child, str(child)))
                elif isinstance(child, skip):
                    pieces.append((None, child.astext()))
                elif isinstance(child, nodes.Element):
                    self._collect(child, pieces)

    return CJKSpacing


# --- the first column of a table whose corner is empty holds row headers --------------------------

def _row_header_transform():
    from docutils import nodes
    from sphinx.transforms import SphinxTransform

    class RowHeaders(SphinxTransform):
        """A table whose top-left header cell is empty is a comparison: its first column names
        the rows, so it renders as row headers (``th``)."""

        default_priority = 500

        def apply(self, **kwargs) -> None:
            for tgroup in self.document.findall(nodes.tgroup):
                head = next(iter(tgroup.findall(nodes.thead)), None)
                colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
                if head is None or not colspecs:
                    continue
                first = next(iter(head.findall(nodes.entry)), None)
                if first is not None and not first.astext().strip():
                    colspecs[0]["stub"] = 1

    return RowHeaders


# --- page context: the other edition, alternates, the theme's words -------------------------------

NOINDEX = '\n    <meta name="robots" content="noindex">'
# Pygments' Name, Punctuation and Text.Whitespace tokens: no colour of their own in the theme's
# styles (.highlight .n/.p/.w are the colour of .highlight itself, light and dark).
PLAIN_TOKEN = re.compile(r'<span class="[npw]">([^<]*)</span>')

def page_context(app, pagename, templatename, context, doctree) -> None:
    here = edition_of(app.config)
    urls = page_urls(app.config, pagename)
    this_url = urls[here.hreflang]
    context["edition"] = here
    context["hreflang_alternates"] = sorted(urls.items())
    context["site_root_url"] = site_root_url(app.config)
    for other in EDITIONS:
        if other != here:
            context["other_edition"] = {"url": relative_url(this_url, urls[other.hreflang]),
                                        "name": other.name, "lang": other.hreflang}
    if pagename in ("search", "genindex"):
        context["pageurl"] = None  # not pages to index or to name as canonical
    if pagename == "genindex":  # the search page's template says it itself
        context["metatags"] = context.get("metatags", "") + NOINDEX
    if "body" in context:
        # A glossary entry's term, its other wording and its definition read apart in search
        # result summaries (which take the text of the page).
        body = re.sub(r"</dt><d([td])", r"</dt>\n<d\1", context["body"])
        # Highlighted code without the spans of names, punctuation and spaces: the highlighting
        # style draws them in the code's own colour (light and dark), and they were a third of
        # the longest pages' weight.
        context["body"] = PLAIN_TOKEN.sub(r"\1", body)
    tree = context.get("furo_navigation_tree")
    if tree:
        from sphinx.locale import _

        prefix = _("Toggle navigation of %s") % ""
        context["furo_navigation_tree"] = tree.replace(
            'aria-label="Toggle navigation of ', f'aria-label="{prefix}')


# --- search: the chapter that teaches a term first, the glossary after the chapters ---------------

SCORER = """\
var Scorer = {
  // Sphinx's own weights.
  objNameMatch: 11, objPartialMatch: 6, objPrio: {0: 15, 1: 5, 2: -5}, objPrioDefault: 0,
  title: 15, partialTitle: 7, term: 5, partialTerm: 2,
  // A glossary term (in either language, or a synonym) -> the page that teaches it.
  teaches: %(teaches)s,
  query: () => (new URLSearchParams(window.location.search).get("q") || "")
    .toLowerCase().trim().replace(/\\s+/g, " "),
  score: (result) => {
    const [docname, title, anchor, descr, score, filename, kind] = result;
    const query = Scorer.query();
    const teacher = Scorer.teaches[query] || Scorer.teaches[query.replace(/ /g, "")];
    if (docname === teacher) return score + 1000;
    // The glossary defines every term in a line: it comes after the pages that use the word.
    if (docname === "glossary") return Math.min(score, %(glossary_cap)s);
    // A one-word query's tie goes to the page whose prose uses the word most (Sphinx's own
    // order is by title); less than any of Sphinx's weights, so that only a tie changes.
    return Scorer.ties[query] === docname ? score + 0.5 : score;
  },
  // A word (not a glossary term) used on several pages -> the page whose prose uses it most.
  ties: %(ties)s,
};
"""


def teaching_pages(env, edition: Edition) -> dict[str, str]:
    """Every wording of every glossary term (lower case) -> the page that teaches it: the page
    whose title is the term, else whose section titles name it, else that uses it most."""
    from docutils import nodes
    from sphinx import addnodes

    if "glossary" not in env.found_docs:
        return {}
    groups = []
    for item in env.get_doctree("glossary").findall(nodes.definition_list_item):
        if not isinstance(item.parent.parent, addnodes.glossary):
            continue
        words = {t.astext().strip().lower() for t in item.findall(nodes.term)}
        definition = item.next_node(nodes.definition).astext()
        words |= set(re.findall(rf"又称([{CJK}]+)", definition))
        words |= {m.lower() for m in re.findall(
            r"(?:also called|also known as) ([a-z][a-z -]*[a-z])", definition)}
        groups.append(words)
    every_word = {w for g in groups for w in g}
    pages = sorted(d for d in env.found_docs if d not in ("glossary", "snippet-runs"))
    texts, everything, titles = {}, {}, {}
    for docname in pages:
        tree = env.get_doctree(docname)
        texts[docname] = _prose(tree).lower()
        everything[docname] = tree.astext().lower()
        titles[docname] = [t.astext().lower() for t in tree.findall(nodes.title)]
    teaches = {}
    for words in groups:
        def weight(docname: str, words: set[str] = words) -> tuple[int, int]:
            score = 0
            for word in words:
                if titles[docname] and _same_word(titles[docname][0], word):
                    score += 10_000
                score += 100 * sum(word in t for t in titles[docname])
                score += 10 * _count(texts[docname], word, every_word)
                # As the search matches: by stem, in code and output too, each word of
                # "child process" (where both are used most).
                score += min(_stem_count(everything[docname], part) for part in word.split())
            return score, -pages.index(docname)

        best = max(pages, key=weight)
        if weight(best)[0] == 0:
            continue
        for word in words:
            teaches[word] = best
            teaches[word.replace(" ", "")] = best
    return teaches


@functools.cache
def _stems(text: str) -> collections.Counter:
    """How often each word stem occurs in ``text`` (computed once per page; each distinct word
    is stemmed once: stemming every occurrence took seconds per build)."""
    stems = collections.Counter()
    for word, count in collections.Counter(re.findall(r"\w+", text)).items():
        stems[_stem(word)] += count
    return stems


@functools.cache
def _stem(word: str) -> str:
    import snowballstemmer

    return snowballstemmer.stemmer("english").stemWord(word)


def _stem_count(text: str, word: str) -> int:
    """How many words of ``text`` have the stem of ``word``, as the search matches them."""
    if not word.isascii():
        return text.count(word)
    return _stems(text)[_stem(word)]


def _prose(tree) -> str:
    """The text of a page without its code and program output (what the search indexes)."""
    from docutils import nodes

    tree = tree.deepcopy()
    for node in list(tree.findall(nodes.FixedTextElement)):
        node.parent.remove(node)
    return tree.astext()


def _own_prose(tree) -> str:
    """The page's prose without the labels of its links to other sections and pages (a
    ``{ref}`sockets-socketpair``` in another chapter is not that chapter using the word)."""
    from docutils import nodes
    from sphinx import addnodes

    tree = tree.deepcopy()
    for node in list(tree.findall(nodes.FixedTextElement)):
        node.parent.remove(node)
    for node in list(tree.findall(addnodes.pending_xref)):
        if node.get("reftype") in ("ref", "doc", "numref"):
            node.parent.remove(node)
    return tree.astext()


def _same_word(title: str, word: str) -> bool:
    """A page titled "Signals" teaches "signal"; one titled 管道 teaches 管道."""
    title = re.sub(r"[（(].*", "", title).strip()
    return title == word or title.removesuffix("s") == word.removesuffix("s")


def _count(text: str, word: str, every_word: set[str]) -> int:
    """How often ``word`` occurs in ``text``, not counting it inside a longer glossary word
    (管道 inside 有名管道); a Latin word as a whole word, in the plural too."""
    for longer in sorted((w for w in every_word if word in w and w != word), key=len,
                         reverse=True):
        text = text.replace(longer, " ")
    if not re.fullmatch(r"[\w /-]+", word, re.ASCII):
        return text.count(word)
    stem = re.escape(word[:-1]) + "(?:y|ies)" if word.endswith("y") else \
        re.escape(word) + "(?:e?s)?"
    stem = stem.replace(r"\ ", r"[-\s]+").replace(r"\-", r"[-\s]+")
    return len(re.findall(rf"(?<!\w){stem}(?!\w)", text))


def tie_breakers(env) -> dict[str, str]:
    """Every Latin word (lower case, 3 letters or more) that several pages contain -> the page
    whose prose (not its code nor output, nor its links' labels) uses it most, a section title
    or label counting ten, when one page does: ``EAGAIN`` -> pipes, ``socketpair`` -> sockets.
    The search gives such a page the tie it would otherwise lose to an earlier title."""
    pages = sorted(d for d in env.found_docs if d not in ("glossary", "snippet-runs"))
    word = re.compile(r"(?<!\w)[a-z_][a-z0-9_]{2,}(?!\w)")
    prose: dict[str, collections.Counter] = {}
    anywhere: collections.Counter = collections.Counter()
    from docutils import nodes

    # A section's title or its label naming the word counts ten uses: sockets.md's section
    # labelled sockets-socketpair teaches socketpair more than the tools chapter's one mention.
    labels = collections.defaultdict(list)
    for label, (docname, _id, _title) in env.domaindata["std"]["labels"].items():
        labels[docname].append(label)
    for docname in pages:
        tree = env.get_doctree(docname)
        prose[docname] = collections.Counter(word.findall(_own_prose(tree).lower()))
        named = " ".join([*(t.astext() for t in tree.findall(nodes.title)), *labels[docname]])
        for found in word.findall(named.lower()):
            prose[docname][found] += 10
        anywhere.update(set(word.findall(tree.astext().lower())))
    ties = {}
    for found, pages_with_it in anywhere.items():
        if pages_with_it < 2:
            continue
        counts = sorted(((prose[d][found], d) for d in pages if prose[d][found]), reverse=True)
        if counts and (len(counts) == 1 or counts[0][0] > counts[1][0]):
            ties[found] = counts[0][1]
    return ties


def install_scorer(app, env):
    """Once the pages are read, before the search page's scripts are written: the scorer,
    with this edition's term map (Sphinx reads ``html_search_scorer`` when it starts writing)."""
    teaches = teaching_pages(env, edition_of(app.config))
    scorer = Path(app.doctreedir) / "search-scorer.js"
    scorer.write_text(SCORER % {"teaches": json.dumps(teaches, ensure_ascii=False,
                                                      sort_keys=True),
                                "ties": json.dumps(tie_breakers(env), sort_keys=True,
                                                   separators=(",", ":")),
                                "glossary_cap": 4}, encoding="utf-8")
    app.config.html_search_scorer = str(scorer)
    return []


# --- sitemaps, robots.txt and the site's root -----------------------------------------------------

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def write_sitemap(app, exception) -> None:
    """sitemap.xml for this edition, each page paired with its counterparts (hreflang); in the
    site's root, the sitemap index, robots.txt, the edition chooser and the 404 page."""
    if exception is not None or app.builder.format != "html":
        return
    here = edition_of(app.config)
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS,
                                   "xmlns:xhtml": "http://www.w3.org/1999/xhtml"})
    for docname in sorted(app.env.found_docs):
        urls = page_urls(app.config, docname)
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = urls[here.hreflang]
        for hreflang, href in sorted(urls.items()):
            ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=hreflang, href=href)
    ET.indent(urlset)
    ET.ElementTree(urlset).write(Path(app.outdir, "sitemap.xml"), encoding="utf-8",
                                 xml_declaration=True)
    outdir = Path(app.outdir)
    root_url = site_root_url(app.config)
    if root_url is not None and outdir.name == here.folder:
        write_site_root(outdir.parent, app.config, Path(app.srcdir).parent)
    elif root_url is None:  # Read the Docs: its own root, sitemap and robots.txt; our 404 page
        render_page(Path(app.srcdir).parent / "404.html", outdir / "404.html", app.config)


def write_site_root(root: Path, config, templates: Path) -> None:
    root_url = site_root_url(config)
    urls = edition_urls(config)
    index = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for edition in EDITIONS:
        ET.SubElement(ET.SubElement(index, "sitemap"), "loc").text = \
            f"{urls[edition.folder]}sitemap.xml"
    ET.indent(index)
    ET.ElementTree(index).write(root / "sitemap.xml", encoding="utf-8", xml_declaration=True)
    (root / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {root_url}sitemap.xml\n",
                                     encoding="utf-8")
    for name in ("index.html", "404.html"):
        render_page(templates / name, root / name, config)


def render_page(template: Path, target: Path, config) -> None:
    """docs/index.html and docs/404.html are Jinja templates of their own: the editions and
    their URLs come from the table above."""
    import jinja2

    urls = edition_urls(config)
    page = jinja2.Template(template.read_text(encoding="utf-8"), autoescape=True).render(
        editions=EDITIONS, urls=urls, root_url=site_root_url(config),
        favicon=FAVICON_DATA_URL)
    target.write_text(page, encoding="utf-8")


FAVICON = Path(__file__).resolve().parents[1] / "_static" / "favicon.svg"
FAVICON_DATA_URL = ("data:image/svg+xml," + quote(re.sub(r"\s+", " ", FAVICON.read_text()).strip(),
                                                   safe="/=:',;")) if FAVICON.is_file() else ""


# --- link previews: the description of a page ----------------------------------------------------

def page_description(doctree, description_length: int, known_titles=frozenset()) -> str:
    """The ``description`` and ``og:description`` of a page: its first paragraphs as a reader
    reads them, cut at a sentence when one ends past half the length. (sphinxext-opengraph's
    own walks every node: it put a space between a Chinese word and the link beside it, and
    turned the first table into ",,,,".) Tables, admonitions, code and the snippets' "Run it
    yourself" lines are left out. Returned HTML-escaped, as the extension writes it as is."""
    import html

    from docutils import nodes

    left_out = (nodes.table, nodes.Admonition, nodes.footnote, nodes.citation, nodes.topic,
                nodes.sidebar, nodes.system_message, nodes.field_list, nodes.definition_list)
    text = ""
    for paragraph in doctree.findall(nodes.paragraph):
        if "snippet-run" in paragraph["classes"] or any(
                isinstance(a, left_out) for a in _ancestors(paragraph)):
            continue
        piece = re.sub(r"\s+", " ", paragraph.astext()).strip()
        if not piece:
            continue
        glue = "" if not text or re.search(f"[{CJK_TEXT}]$", text) else " "
        text += glue + piece
        if len(text) >= description_length:
            break
    text = re.sub(rf"(?<=[{CJK_TEXT}]) +(?=[{CJK_TEXT}])", "", text)
    if len(text) > description_length:
        cut = text[:description_length - 1]
        ends = [m.end() for m in re.finditer(r"[。！？](?=.)|[.!?](?= )", cut)]
        if ends and ends[-1] > description_length // 2:
            text = cut[:ends[-1]]
        elif re.search(f"[{CJK}]", cut[-20:]):
            text = cut[:-1] + "……"
        else:
            text = cut.rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return html.escape(text, quote=True)


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


# --- the glossary's anchors: stable, whatever the terms around them -------------------------------

_TERM_IDS: dict[str, dict[str, list[str]]] = {}  # source folder -> term -> [its id, older ids]
LEGACY_TERM_IDS = Path(__file__).resolve().parents[1] / "_locale" / "zh_CN" / "glossary-ids.json"


def _glossary_term_ids(glossary: Path) -> dict[str, list[str]]:
    """Each Chinese wording of a glossary entry -> its anchor, made from the entry's English
    wording: 半双工 -> ``term-half-duplex``, the anchor of the same term in the English edition
    (Sphinx numbers the terms it cannot spell, ``term-34``, and the numbers shift when a term is
    added). A second Chinese wording gets ``-2``, the English wording itself ``-en``. The anchors
    the glossary had before (docs/_locale/zh_CN/glossary-ids.json) stay, as second anchors, on
    the term they named, so old links still arrive."""
    from sphinx.util.nodes import _make_id

    if not glossary.is_file():
        return {}
    legacy: dict[str, list[str]] = collections.defaultdict(list)
    if LEGACY_TERM_IDS.is_file():
        for old_id, term in json.loads(LEGACY_TERM_IDS.read_text(encoding="utf-8")).items():
            legacy[term].append(old_id)
    entries, current = [], []
    lines = glossary.read_text(encoding="utf-8").split("```{glossary}", 1)[-1].splitlines()
    for line in lines:
        if line.startswith("```"):
            break
        if line.strip() and not line[0].isspace() and not line.startswith(":"):
            current.append(line.strip())
        elif current:
            entries.append(current)
            current = []
    ids: dict[str, list[str]] = {}
    for terms in entries:
        english = [t for t in terms if t.isascii()]
        chinese = [t for t in terms if not t.isascii()]
        if not english or not chinese:
            continue
        slug = _make_id(f"term-{english[-1]}")
        for k, term in enumerate(chinese, 1):
            ids[term] = [slug if k == 1 else f"{slug}-{k}"]
        for term in english:
            ids[term] = [_make_id(f"term-{term}") + "-en"]
    new = {i for found in ids.values() for i in found}
    for term, found in ids.items():
        before = legacy.get(term, []) + ([found[0].removesuffix("-en")] if term.isascii() else [])
        found += [old for old in before if old not in new]
    return ids


def _stable_glossary_ids() -> None:
    """Glossary terms take the anchors _glossary_term_ids gives them (the zh edition)."""
    from sphinx.domains import std

    if getattr(std, "_stable_term_ids", False):
        return
    make = std.make_glossary_term

    def make_glossary_term(env, textnodes, index_key, source, lineno, node_id, document):
        textnodes = list(textnodes)
        wanted = _TERM_IDS.get(str(Path(env.srcdir)), {}).get(
            "".join(n.astext() for n in textnodes).strip())
        if node_id or not wanted or wanted[0] in document.ids:
            return make(env, textnodes, index_key, source, lineno, node_id, document)
        term = make(env, textnodes, index_key, source, lineno, wanted[0], document)
        term["ids"].extend(i for i in wanted[1:] if i not in document.ids)
        document.note_explicit_target(term)
        return term

    std.make_glossary_term = make_glossary_term
    std._stable_term_ids = True


# --- the general index in pinyin order ------------------------------------------------------------

def _pinyin(text: str) -> str:
    """``text`` as toneless pinyin, syllable by syllable ("管道" -> "guan dao"); Latin kept."""
    from pypinyin import lazy_pinyin

    return " ".join(part.strip() for part in lazy_pinyin(text)).lower()


def _index_in_pinyin_order() -> None:
    """The zh general index sorts and groups Chinese entries by their pinyin (管道 under G,
    beside the Latin words starting with G; "fork 服务器" as "fork fu wu qi"), not by code
    point (a heading per character)."""
    from sphinx.environment.adapters import indexentries

    if getattr(indexentries, "_in_pinyin", False):
        return
    sort_key, group_of = indexentries._key_func_1, indexentries._group_by_func

    def key_func_1(entry):
        key, (_targets, _sub_items, category_key) = entry
        key = category_key or key
        if not re.search(f"[{CJK}]", key):
            return sort_key(entry)
        return (1, _pinyin(key)), entry[0]

    def group_by_func(entry):
        key, (_targets, _sub_items, category_key) = entry
        if category_key is None and re.match(f"[{CJK}]", key):
            return _pinyin(key)[:1].upper()
        return group_of(entry)

    indexentries._key_func_1, indexentries._group_by_func = key_func_1, group_by_func
    indexentries._in_pinyin = True


# --- the copy button's words ----------------------------------------------------------------------

COPYBUTTON_WORDS = {"zh": {"'复制成功!'": "'复制成功！'"}}  # full-width in Chinese text


def fix_copybutton_words(app, exception) -> None:
    """sphinx-copybutton's messages are fixed in its script: its Chinese "copied" ends with a
    half-width "!". The edition's copy of the script gets the full-width one."""
    if exception is not None or app.builder.format != "html":
        return
    words = COPYBUTTON_WORDS.get(edition_of(app.config).folder, {})
    script = Path(app.outdir, "_static", "copybutton.js")
    if words and script.is_file():
        text = script.read_text(encoding="utf-8")
        for old, new in words.items():
            text = text.replace(old, new)
        script.write_text(text, encoding="utf-8")


# --- search: an incremental build keeps the whole index -------------------------------------------

def _keep_search_index_whole() -> None:
    """Sphinx 9 pickles the environment before it writes the pages, and its search index keeps
    the index entries (the glossary's terms, found by search) in the environment: an incremental
    build lost those of every page it did not write again (the zh index went from 152 entries to
    1). The previous searchindex.js has them: they are read back with the rest. And a word no page
    contains any more is dropped instead of lingering with no page."""
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder, "_whole_on_rebuild", False):
        return
    load, prune = IndexBuilder.load, IndexBuilder.prune

    class _Read:
        def __init__(self, frozen):
            self.frozen = frozen

        def load(self, _stream):
            return self.frozen

    def load_whole(self, stream, format):
        frozen = (self.formats[format] if isinstance(format, str) else format).load(stream)
        load(self, stream, _Read(frozen))
        docnames = frozen["docnames"]
        self._index_entries.clear()
        for entry, places in frozen.get("indexentries", {}).items():
            for doc, entry_id, main in places:
                self._index_entries.setdefault(docnames[doc], []).append(
                    (entry, entry_id, "main" if main else ""))

    def prune_whole(self, docnames):
        docnames = set(docnames)
        prune(self, docnames)
        for doc in [d for d in self._index_entries if d not in docnames]:
            del self._index_entries[doc]
        for mapping in (self._mapping, self._title_mapping):
            for word in [w for w, pages in mapping.items() if not pages]:
                del mapping[word]

    IndexBuilder.load, IndexBuilder.prune = load_whole, prune_whole
    IndexBuilder._whole_on_rebuild = True


def setup(app):
    import sphinxext.opengraph

    _keep_search_index_whole()
    _stable_glossary_ids()
    sphinxext.opengraph.get_description = page_description
    app.add_config_value("site_url", "http://localhost:8000/", "html", types=frozenset({str}))
    app.connect("config-inited", configure)
    app.connect("html-page-context", page_context, priority=600)  # after furo's
    app.connect("env-updated", install_scorer)
    app.connect("build-finished", write_sitemap)
    app.connect("build-finished", fix_copybutton_words)
    app.add_post_transform(_cjk_spacing_transform())
    app.add_transform(_row_header_transform())
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    # `python3 docs/_ext/editions.py`: one line per edition, "folder language", for the Makefile.
    # `python3 docs/_ext/editions.py --folder-for zh_CN`: the folder of the edition in a language
    # (as Read the Docs names a project's language: zh-cn, zh_CN, en).
    if sys.argv[1:2] == ["--folder-for"]:
        print(by_language(sys.argv[2]).folder)
    else:
        sys.stdout.write("".join(f"{e.folder} {e.language}\n" for e in EDITIONS))
