"""The zh edition's general index (genindex.html) in pinyin order.

Sphinx sorts and groups index entries by code point: a heading per Chinese character. For the zh
edition (``config-inited``), Sphinx's sort key and grouping are wrapped once so that a Chinese
entry sorts and groups by its toneless pinyin (pypinyin), among the Latin words: 管道 under G.
"""

from __future__ import annotations

import re

from editions import edition_of
from typography import CJK


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


def configure(app, config) -> None:
    if edition_of(config).language.startswith("zh"):
        _index_in_pinyin_order()


def setup(app):
    app.connect("config-inited", configure)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
