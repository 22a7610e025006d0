"""The glossary (docs/<folder>/glossary.md) as the other extensions read it, and its anchors.

- ``glossary_groups``: each entry's wordings and the synonyms its definition names (又称…, "also
  called …"); the Chinese search indexes them as one another (zh_search.py).
- The glossary's anchors of Chinese wordings are made from the entry's English wording instead
  of Sphinx's numbers, which shift when a term is added: in the zh edition ``term-half-duplex``,
  the English edition's anchor of the same term; in the English edition ``term-half-duplex-zh``.
  The anchors they had before stay as second anchors (``config-inited`` reads the glossary;
  Sphinx's ``make_glossary_term`` is wrapped once, at ``setup``).
"""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path

from editions import edition_of
from typography import CJK


def glossary_groups(glossary: Path) -> list[set[str]]:
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


# --- the glossary's anchors: stable, whatever the terms around them -------------------------------

_TERM_IDS: dict[str, dict[str, list[str]]] = {}  # source folder -> term -> [its id, older ids]
LOCALE = Path(__file__).resolve().parents[1] / "_locale"
# The anchors each glossary had before its anchors were made stable: {old id: term}.
LEGACY_TERM_IDS = {"zh": LOCALE / "zh_CN" / "glossary-ids.json",
                   "en": LOCALE / "en" / "glossary-ids.json"}


def _glossary_term_ids(glossary: Path, folder: str = "zh") -> dict[str, list[str]]:
    """Each Chinese wording of a glossary entry -> its anchor, made from the entry's English
    wording (Sphinx numbers the terms it cannot spell, ``term-34``, and the numbers shift when a
    term is added). In the zh edition, 半双工 -> ``term-half-duplex``, the anchor of the same term
    in the English edition; a second Chinese wording gets ``-2``, the English wording itself
    ``-en``. In the English edition, where Sphinx spells the English wordings itself, 半双工 ->
    ``term-half-duplex-zh`` (a second one ``-zh-2``). The anchors the glossary had before
    (docs/_locale/<language>/glossary-ids.json) stay, as second anchors, on the term they named,
    so old links still arrive."""
    from sphinx.util.nodes import _make_id

    if not glossary.is_file():
        return {}
    legacy: dict[str, list[str]] = collections.defaultdict(list)
    kept = LEGACY_TERM_IDS.get(folder)
    if kept is not None and kept.is_file():
        for old_id, term in json.loads(kept.read_text(encoding="utf-8")).items():
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
        zh = folder == "zh"
        slug = _make_id(f"term-{english[-1]}") if zh else _make_id(f"term-{english[0]}") + "-zh"
        for k, term in enumerate(chinese, 1):
            ids[term] = [slug if k == 1 else f"{slug}-{k}"]
        for term in english if zh else ():
            ids[term] = [_make_id(f"term-{term}") + "-en"]
    new = {i for found in ids.values() for i in found}
    for term, found in ids.items():
        before = legacy.get(term, []) + ([found[0].removesuffix("-en")] if term.isascii() else [])
        found += [old for old in before if old not in new]
    return ids


def _stable_glossary_ids() -> None:
    """Glossary terms take the anchors _glossary_term_ids gives them."""
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


def configure(app, config) -> None:
    folder = edition_of(config).folder
    _TERM_IDS[str(Path(app.srcdir))] = _glossary_term_ids(Path(app.srcdir, "glossary.md"), folder)


def setup(app):
    _stable_glossary_ids()
    app.connect("config-inited", configure)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
