"""The site's rules: every code block is an executed snippet, and the two editions stay in step."""

from __future__ import annotations

import re

import pytest

from conftest import DOCS, ROOT, SNIPPETS, published_runs
from snippetexec import runner

EDITIONS = ("en", "zh")
# The longest line of code that fits every code block of a 1280 px screen without wrapping,
# measured in Chromium: a character of the code's font (13 px) is 7.8 px wide, a block has 708
# px for its text (90 characters), 689 px in a list (88). tests/test_browser.py checks that
# every block still has room for them.
CODE_COLUMNS = 88


def page_names(edition: str) -> set[str]:
    return {p.relative_to(DOCS / edition).as_posix() for p in (DOCS / edition).rglob("*.md")}


def all_pages() -> list[str]:
    return sorted(page_names("en") | page_names("zh"))


def snippet_files() -> list[str]:
    return sorted(p.relative_to(SNIPPETS).as_posix() for p in SNIPPETS.rglob("*.py")
                  if "__pycache__" not in p.parts)


def shown(edition: str, page: str) -> list[str]:
    """The snippets a page shows, in order, as the build parsed the page."""
    places = [(place["line"], name) for name, record in published_runs(edition).items()
              for place in record["pages"]
              if place["file"] == f"docs/{edition}/{page}" and place["how"] == "shows"]
    return [name for _, name in sorted(places)]


def test_both_editions_have_the_same_pages():
    assert page_names("en") == page_names("zh")


@pytest.mark.parametrize("page", all_pages())
def test_each_page_shows_the_same_snippets_in_the_same_order_in_both_editions(page):
    assert shown("en", page) == shown("zh", page)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_snippet_is_shown_in_the_edition(edition):
    used = {name for page in page_names(edition) for name in shown(edition, page)}
    assert sorted(set(snippet_files()) - used) == []


def test_every_snippet_is_checked_by_a_test():
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py")
                      if p.name not in ("test_site.py", "test_snippetexec.py"))
    assert [s for s in snippet_files() if f'"{s}"' not in tests] == []


def test_snippets_use_the_standard_library_only():
    allowed = set(__import__("sys").stdlib_module_names)
    imports = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_][\w]*)", re.MULTILINE)
    foreign = {(name, m) for name in snippet_files()
               for m in imports.findall((SNIPPETS / name).read_text(encoding="utf-8"))
               if m not in allowed and m != "__future__"}
    assert foreign == set()


def test_snippet_names_carry_no_ordering_numbers():
    assert [s for s in snippet_files() if re.search(r"(^|/)\d|example\d", s)] == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_tools_table_and_the_mechanism_chapters_link_both_ways(edition):
    """Each row of the Tools chapter's closing table names the tool's section and the chapters
    that explain its mechanism; each of those chapters links forward to that section."""
    tools = (DOCS / edition / "tools" / "index.md").read_text(encoding="utf-8")
    rows = [line for line in tools.splitlines() if line.startswith("| ") and "{doc}" in line]
    assert len(rows) >= 10
    missing = []
    for row in rows:
        sections = re.findall(r"\{ref\}`(?:[^`<]*<)?(tools-[\w-]+)>?`", row)
        named = re.findall(r"\{doc\}`([\w/]+)`", row.rsplit("|", 2)[1])
        chapters = [chapter.lstrip("/") for chapter in named]
        assert sections and chapters, row
        for chapter in chapters:
            text = (DOCS / edition / f"{chapter}.md").read_text(encoding="utf-8")
            missing += [f"{chapter}.md -> {s}" for s in sections if f"<{s}>" not in text]
    assert missing == [], "mechanism chapters that do not link forward to the tools on them"


def test_snippet_lines_fit_the_code_column_of_a_laptop():
    """Every line a page shows of a snippet fits the code column at 1280 px (CODE_COLUMNS), so
    that no line wraps there: a wrapped line of Python reads as wrong indentation."""
    long = {}
    for name in snippet_files():
        code = runner.Snippet.load(name, SNIPPETS).shown_code()
        if found := [f"{k}: {len(line)}" for k, line in enumerate(code.splitlines(), 1)
                     if len(line) > CODE_COLUMNS]:
            long[name] = found
    count = sum(map(len, long.values()))
    assert long == {}, f"{count} lines longer than {CODE_COLUMNS} characters (line: length)"


# One wording per concept in each edition (the zh glossary names the others, and is the one page
# allowed to).
OTHER_WORDINGS = {
    "zh": {
        r"CAP_[A-Z_]+`?[^，。；]{0,6}能力": "权能 for a capability (CAP_KILL)",
        r"捕获的?信号|信号[^，。；]{0,4}被捕获": "捕捉 a signal (捕获 is for exceptions)",
        r"递送": "信号递达",
        r"转储核心|转储了核心": "产生核心转储 (the Core action)",
        r"SigIgn`?\s*掩码": "SigIgn is the set of ignored signals, not a mask",
        r"真实": "实际运行, 构建时运行, 普通文件... (真实 reads as a translation of real)",
    },
    "en": {
        r"terminate with (a )?core dump": "terminate and dump core (the Core action)",
        r"SigIgn`?\s+mask": "SigIgn is the set of ignored signals, not a mask",
    },
}


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_concept_has_one_wording_in_the_edition(edition):
    found = []
    for page in sorted(page_names(edition)):
        if (edition, page) == ("zh", "glossary.md"):
            continue
        text = (DOCS / edition / page).read_text(encoding="utf-8")
        for pattern, wording in OTHER_WORDINGS[edition].items():
            found += [f"{page}:{text.count(chr(10), 0, m.start()) + 1}: {m.group()!r}, "
                      f"say {wording}" for m in re.finditer(pattern, text)]
    assert found == []


# The reading order: every chapter page, and the page its "Next" line leads to.
READING_ORDER = ["index", "pipes", "fifo", "signals/index", "signals/handling", "signals/sending",
                 "signals/masks", "signals/kernel", "mmap", "sockets", "tools/index",
                 "tools/servers", "choosing", "corrections"]
PRACTICE = {"en": "**In practice:**", "zh": "**实践中：**"}
HOOD = {"en": "Under the hood: ", "zh": "深入："}
NEXT = {"en": ("**Next:**",), "zh": ("**下一章：**", "**下一页：**")}
ORIGINAL = {"en": r"\boriginal\b(?! desc)", "zh": r"原文|原教程"}


def outline(edition: str, page: str) -> dict:
    """A page's shape: per level-2 section, whether it is "Under the hood" and how many
    "In practice" lines each of its parts (itself, each level-3 subsection) holds; the first
    {doc} of its last paragraph but a toctree; the mentions of the original tutorial."""
    text = (DOCS / edition / f"{page}.md").read_text(encoding="utf-8")
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    sections = []
    for section in re.split(r"^## ", prose, flags=re.M)[1:]:
        parts = re.split(r"^### ", section, flags=re.M)
        sections.append((section.startswith(HOOD[edition]),
                         [part.count(PRACTICE[edition]) for part in parts]))
    last = [p for p in re.split(r"\n\s*\n", prose.strip()) if p.strip()][-1]
    target = re.search(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`", last) if last.startswith(
        NEXT[edition]) else None
    if target:
        base = page.rpartition("/")[0]
        name = target.group(1)
        name = name.lstrip("/") if name.startswith("/") else (
            re.sub(r"^\.\./", "", name) if name.startswith("../") else
            f"{base}/{name}".lstrip("/"))
    return {"sections": sections, "next": target and name,
            "original": re.findall(ORIGINAL[edition], text)}


@pytest.mark.parametrize("page", READING_ORDER[1:-1])
def test_every_chapter_page_teaches_first_and_leads_to_the_next(page):
    """Teaching sections first, the "Under the hood" ones after them all; one "In practice" line
    per section (a subsection may have its own, none has two); no word about the original
    tutorial (its corrections are on one page); a last line "Next" to the next page of the
    reading order; both editions with the same sections."""
    shapes = {edition: outline(edition, page) for edition in EDITIONS}
    for edition, shape in shapes.items():
        hood = [is_hood for is_hood, _ in shape["sections"]]
        assert hood == sorted(hood), (edition, "a teaching section after an Under the hood one")
        for number, (_, parts) in enumerate(shape["sections"], 1):
            assert max(parts) <= 1 and sum(parts) >= 1, (edition, page, f"section {number}", parts)
        assert shape["original"] == [], edition
        assert shape["next"] == READING_ORDER[READING_ORDER.index(page) + 1], edition
    assert ([h for h, _ in shapes["en"]["sections"]] == [h for h, _ in shapes["zh"]["sections"]])


@pytest.mark.parametrize("page", ["pipes", "fifo", "signals/index", "mmap", "sockets",
                                  "tools/index"])
def test_every_chapter_opens_with_a_short_program_to_copy(page):
    """The first program of a chapter is the idiom to reuse: short, and no ctypes or /proc."""
    first = shown("en", f"{page}.md")[0]
    source = (SNIPPETS / first).read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 45, first
    assert "ctypes" not in source and "/proc" not in source, first
