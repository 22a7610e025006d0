"""The built site (`make html` runs first in `make test`): both editions, as readers get them."""

from __future__ import annotations

import collections
import json
import re

import pytest

from conftest import BUILD, DOCS

HTML = BUILD / "html"
LANG = {"en": "en", "zh": "zh-CN"}


@pytest.fixture(scope="module", autouse=True)
def built():
    if not (HTML / "en" / "index.html").is_file() or not (HTML / "zh" / "index.html").is_file():
        pytest.fail("the site is not built: run `make html` (`make test` builds it first)")


def page_names() -> list[str]:
    return sorted(p.relative_to(DOCS / "en").with_suffix("").as_posix()
                  for p in (DOCS / "en").rglob("*.md"))


def html(edition: str, page: str) -> str:
    return (HTML / edition / f"{page}.html").read_text(encoding="utf-8")


def search_index(edition: str) -> dict:
    text = (HTML / edition / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def test_root_page_leads_to_both_editions():
    root = (HTML / "index.html").read_text(encoding="utf-8")
    assert 'href="en/index.html"' in root and 'href="zh/index.html"' in root


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_every_page_is_built_in_its_language(edition):
    for page in page_names():
        assert f'<html class="no-js" lang="{LANG[edition]}"' in html(edition, page), page


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_every_page_links_to_the_same_page_in_the_other_edition(edition):
    other = "zh" if edition == "en" else "en"
    for page in page_names():
        links = re.findall(r'<div class="edition-switch">\s*<a [^>]*href="([^"]+)"',
                           html(edition, page))
        assert len(links) == 1, page
        target = (HTML / edition / page).parent / links[0]
        assert target.resolve() == (HTML / other / f"{page}.html").resolve(), page


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_every_snippet_shows_its_code_and_its_output(edition):
    published = json.loads((BUILD / "reports" / f"published-{edition}.json").read_text())
    shows = collections.Counter(place["file"] for record in published.values()
                                for place in record["pages"] if place["how"] == "shows")
    for page in page_names():
        page_html = html(edition, page)
        count = shows[f"docs/{edition}/{page}.md"]
        assert page_html.count("snippet-code ") == count, page
        assert 0 < page_html.count("snippet-output ") <= count or count == 0, page


@pytest.mark.parametrize("word, page", [("管道", "pipes"), ("信号", "signals/index"),
                                        ("共享映射", "mmap"), ("有名管道", "fifo")])
def test_chinese_words_are_in_the_zh_search_index_and_lead_to_their_chapter(word, page):
    index = search_index("zh")
    found = set()
    for kind in ("terms", "titleterms"):
        hits = index[kind].get(word, [])
        found |= {hits} if isinstance(hits, int) else set(hits)
    assert index["docnames"].index(page) in found


def test_zh_search_script_names_a_stemmer_that_exists():
    data = (HTML / "zh" / "_static" / "language_data.js").read_text(encoding="utf-8")
    name = re.search(r"window\.Stemmer = (\w+);", data).group(1)
    assert re.search(rf"\b(var|let|const|class|function)\s+{name}\b|{name}\s*=\s*function", data)


def test_theme_words_are_in_chinese_in_the_zh_edition():
    page = html("zh", "index")
    assert "返回顶部" in page and "Back to top" not in page


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_sitemap_lists_every_page_with_its_counterpart(edition):
    sitemap = (HTML / edition / "sitemap.xml").read_text(encoding="utf-8")
    for page in page_names():
        assert f"/{edition}/{page}.html</loc>" in sitemap, page
    assert sitemap.count('hreflang="zh-CN"') == sitemap.count('hreflang="en"') == len(page_names())


def test_not_found_page_leads_to_both_editions():
    page = (HTML / "404.html").read_text(encoding="utf-8")
    assert 'data-edition="en"' in page and 'data-edition="zh"' in page


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_pages_carry_link_preview_metadata_and_the_edition_title(edition):
    title = {"en": "Linux IPC in Python", "zh": "Linux 进程间通信（Python 版）"}[edition]
    for page in page_names():
        text = html(edition, page)
        assert '<meta property="og:title"' in text and '<meta name="description"' in text, page
        assert re.search(rf"<title>[^<]*{re.escape(title)}</title>", text), page


MAX_PAGE_BYTES = 200_000  # uncompressed: a phone on a slow network gets the page at once


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_no_page_weighs_more_than_200_kb(edition):
    heavy = {p.relative_to(HTML).as_posix(): p.stat().st_size
             for p in (HTML / edition).rglob("*.html")
             if "_static" not in p.parts and p.stat().st_size > MAX_PAGE_BYTES}
    assert heavy == {}


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_every_calls_panel_has_its_rows_in_the_pages_calls_script(edition):
    """The Calls made panels carry their heading; their note and rows are in the page's
    _calls/<page>.js, loaded when a panel opens: every call of the published run is there."""
    published = json.loads((BUILD / "reports" / f"published-{edition}.json").read_text())
    panels = 0
    for page in page_names():
        text = html(edition, page)
        found = re.findall(r'<details class="snippet-calls" [^>]*data-calls="([^"]+)" '
                           r'data-snippet="([^"]+)">', text)
        assert text.count('<details class="snippet-calls"') == len(found), page
        for url, name in found:
            script = (HTML / edition / page).parent / url
            data = script.read_text(encoding="utf-8")
            assert data.startswith("snippetCallsLoaded(") and data.endswith(");\n")
            panel = json.loads(data[len("snippetCallsLoaded("):-3])[name]
            calls = published[name]["run"]["calls"]
            shown = [[c["process"], c["pid"], c["call"], c.get("made_in") or "", c["syscalls"]]
                     for c in calls][:len(panel["rows"])]
            assert panel["rows"] == shown and panel["note"], (page, name)
            assert len(calls) <= len(panel["rows"]) or panel["more"], (page, name)
            panels += 1
    assert panels > 50
