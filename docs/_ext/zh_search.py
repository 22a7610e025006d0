"""The Chinese search index (zh edition): which words a page and a query are made of.

At ``config-inited``, for the zh edition only:

- Sphinx's Chinese search language is replaced by one that splits text with jieba, with the
  glossary's Chinese words as a dictionary of their own (有名管道 is one word, not 有名 + 管道),
  and that indexes every wording and synonym of a glossary term wherever a page uses one of them
  (命名管道 finds the pages about 有名管道). The query splitter keeps no single letters ("I/O").
- Sphinx 9.0 writes ``window.Stemmer = ChineseStemmer`` into language_data.js, a name no script
  defines (sphinx-doc/sphinx#14229), so the zh search page stops with a ReferenceError. The
  Chinese search language ships the English stemmer for Latin words; naming that stemmer fixes
  the page. Drop ``language_name`` below when Sphinx is upgraded past the fix.
- jieba caches its dictionary in the build's own folder and logs quietly.

How results are ranked, for both editions, is search_results.py.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from editions import edition_of
from glossary import glossary_groups
from typography import CJK


def configure(app, config) -> None:
    if not edition_of(config).language.startswith("zh"):
        return
    import jieba
    from sphinx.search import languages

    _ChineseSearch = _chinese_search()
    languages["zh"] = _ChineseSearch
    jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at DEBUG
    # jieba caches its dictionary in the system's temporary folder by default, a file that
    # another user of a shared machine may own (PermissionError): the build's own folder.
    jieba.dt.tmp_dir = str(Path(app.doctreedir))
    Path(app.doctreedir).mkdir(parents=True, exist_ok=True)
    groups = glossary_groups(Path(app.srcdir, "glossary.md"))
    _ChineseSearch.word_groups = [sorted({w for w in g if _is_cjk_word(w)}) for g in groups]
    config.html_search_options = {"dict": str(_glossary_words(app, groups))}
    # Its dictionary, loaded now, beside the reading of the pages and the snippets' runs (half
    # a second of a cold build), not when the pages are written and nothing else is left to do.
    # jieba holds a lock while it loads: the index, when it needs the dictionary, waits.
    threading.Thread(target=jieba.initialize, name="jieba-dictionary", daemon=True).start()


def _chinese_search():
    from sphinx.search.zh import SearchChinese

    class ChineseSearch(SearchChinese):
        language_name = "English"  # the stemmer that english-stemmer.js defines (the docstring)
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


def _is_cjk_word(word: str) -> bool:
    return bool(word) and re.fullmatch(f"[{CJK}]+", word) is not None


def _glossary_words(app, groups: list[set[str]]) -> Path:
    """A jieba dictionary of the glossary's Chinese words, so that 有名管道 or 共享映射 are indexed
    as words, not only as 有名 + 管道."""
    words = Path(app.doctreedir) / "jieba-glossary.txt"
    words.parent.mkdir(parents=True, exist_ok=True)
    chinese = sorted({w for group in groups for w in group if _is_cjk_word(w)})
    words.write_text("".join(f"{word} 100000\n" for word in chinese), encoding="utf-8")
    return words


def setup(app):
    app.connect("config-inited", configure)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
