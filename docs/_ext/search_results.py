"""What the search finds and in which order, in both editions.

- A scorer (Sphinx's ``html_search_scorer``) that ranks first the chapter teaching a glossary
  term (in either language, or a synonym), keeps the glossary itself after the chapters, and
  gives a one-word query's tie to the page whose prose uses the word most. Its term and tie maps
  are computed from the pages once they are read (``env-updated``), before the search page's
  scripts are written.
- Glossary entries whose term, other wording and definition read apart in result summaries
  (``html-page-context``: a line break between ``dt`` and ``dd``).
- An incremental build keeps the whole index: Sphinx's ``IndexBuilder`` is wrapped once, at
  ``setup``, so that the index entries of pages not written again are read back.

Which words the Chinese index holds is zh_search.py.
"""

from __future__ import annotations

import collections
import functools
import json
import re
from pathlib import Path

from editions import Edition, edition_of
from typography import CJK

# --- the chapter that teaches a term first, the glossary after the chapters -----------------------

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


# --- result summaries: a glossary entry's term and definition apart -------------------------------

def split_glossary_entries(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        # A glossary entry's term, its other wording and its definition read apart in search
        # result summaries (which take the text of the page).
        context["body"] = re.sub(r"</dt><d([td])", r"</dt>\n<d\1", context["body"])


# --- an incremental build keeps the whole index ---------------------------------------------------

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
    _keep_search_index_whole()
    app.connect("env-updated", install_scorer)
    app.connect("html-page-context", split_glossary_entries, priority=600)  # after furo's
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
