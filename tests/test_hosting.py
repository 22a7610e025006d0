"""The built site as hosts, search engines and readers of the zh edition meet it (no browser).

URLs: every canonical link, og:url, hreflang alternate and sitemap entry names a file of the
build. The zh edition: no English in the theme's words, no space between Chinese characters.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Comment, Doctype

from conftest import BUILD, DOCS, ROOT
from editions import EDITIONS, by_folder

HTML = BUILD / "html"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module", autouse=True)
def built():
    if not (HTML / "index.html").is_file():
        pytest.fail("the site is not built: run `make html` (`make test` builds it first)")


def page_names() -> list[str]:
    return sorted(p.relative_to(DOCS / "en").with_suffix("").as_posix()
                  for p in (DOCS / "en").rglob("*.md"))


def built_pages(folder: str) -> list[Path]:
    return sorted(p for p in (HTML / folder).rglob("*.html") if "_static" not in p.parts)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.cache
def head_of(path: Path) -> BeautifulSoup:
    """A page's <head> alone, parsed once per test process (tests only read it)."""
    text = path.read_text(encoding="utf-8")
    return BeautifulSoup(text[:text.find("</head>") + len("</head>")], "html.parser").head


@pytest.fixture(scope="module")
def root_url() -> str:
    """The base URL the build was made for, as robots.txt announces it."""
    robots = (HTML / "robots.txt").read_text(encoding="utf-8")
    return re.search(r"^Sitemap: (\S+)sitemap\.xml$", robots, re.M).group(1)


def local_file(url: str, root_url: str) -> Path:
    """The built file a published URL names (the URL must lie under the site's base URL)."""
    assert url.startswith(root_url), f"{url} is not under the site's URL {root_url}"
    rest = urlsplit(url[len(root_url):]).path
    path = HTML / rest
    return path / "index.html" if rest == "" or rest.endswith("/") else path


def test_the_makefile_reads_the_edition_table():
    printed = subprocess.run([sys.executable, str(DOCS / "_ext" / "editions.py")],
                             capture_output=True, text=True, check=True).stdout
    assert printed.splitlines() == [f"{e.folder} {e.language}" for e in EDITIONS]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "docs/_ext/editions.py" in makefile and "zh_CN" not in makefile


@pytest.mark.parametrize("folder", [e.folder for e in EDITIONS])
def test_canonical_and_og_url_are_the_page_itself(folder, root_url):
    for page in page_names():
        head = head_of(HTML / folder / f"{page}.html")
        canonical = head.find("link", rel="canonical")["href"]
        assert canonical == f"{root_url}{folder}/{page}.html", page
        assert head.find("meta", property="og:url")["content"] == canonical, page


@pytest.mark.parametrize("folder", [e.folder for e in EDITIONS])
def test_every_page_names_its_alternates_and_they_exist(folder, root_url):
    expected = {e.hreflang for e in EDITIONS} | {"x-default"}
    for path in built_pages(folder):
        head = head_of(path)
        alternates = {link["hreflang"]: link["href"]
                      for link in head.find_all("link", rel="alternate") if link.get("hreflang")}
        page = path.relative_to(HTML / folder).with_suffix("").as_posix()
        if page in ("search", "genindex"):
            continue
        assert set(alternates) == expected, path
        for edition in EDITIONS:
            assert alternates[edition.hreflang] == f"{root_url}{edition.folder}/{page}.html"
        for url in alternates.values():
            assert local_file(url, root_url).is_file(), (path, url)


def test_root_sitemap_index_robots_and_edition_sitemaps_name_built_files(root_url):
    robots = (HTML / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {root_url}sitemap.xml" in robots
    index = ET.parse(HTML / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    sitemaps = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sitemaps == [f"{root_url}{e.folder}/sitemap.xml" for e in EDITIONS]
    for url in sitemaps:
        urlset = ET.parse(local_file(url, root_url)).getroot()
        locs = [loc.text for loc in urlset.iter(f"{SITEMAP}loc")]
        assert len(locs) == len(page_names())
        for entry in urlset.iter(f"{SITEMAP}url"):
            for link in entry.iter(f"{XHTML}link"):
                assert local_file(link.get("href"), root_url).is_file(), link.get("href")
        for loc in locs:
            assert local_file(loc, root_url).is_file(), loc


def test_search_and_index_pages_are_not_indexed_nor_canonical():
    for edition in EDITIONS:
        head = head_of(HTML / edition.folder / "search.html")
        assert head.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert head.find("meta", attrs={"name": "description"})["content"]
        assert head.find("link", rel="canonical") is None
        assert soup(HTML / edition.folder / "search.html").find("h1")
        head = head_of(HTML / edition.folder / "genindex.html")
        assert [m["content"] for m in head.find_all("meta", attrs={"name": "robots"})] == [
            "noindex"]
        assert head.find("link", rel="canonical") is None


def test_root_page_offers_both_editions_and_marks_the_chinese_heading(root_url):
    root = soup(HTML / "index.html")
    links = {a["data-edition"]: a["href"] for a in root.select("a.edition")}
    assert links == {e.folder: f"{e.folder}/index.html" for e in EDITIONS}
    assert root.find("h1").find(lang="zh-CN").get_text() == by_folder("zh").title
    assert root.head.find("link", rel="canonical")["href"] == root_url
    assert "navigator.language" not in str(root), "the root page must not redirect by language"
    not_found = soup(HTML / "404.html")
    for a in not_found.select("a.home"):
        assert local_file(a["href"], root_url).is_file()


@pytest.mark.parametrize("folder", [e.folder for e in EDITIONS])
def test_every_page_has_a_favicon(folder):
    assert (HTML / folder / "_static" / "favicon.svg").is_file()
    for path in built_pages(folder):
        head = head_of(path)
        assert head.find("link", rel=lambda r: r and "icon" in r), path
    for name in ("index.html", "404.html"):
        assert head_of(HTML / name).find("link", rel="icon")["href"].startswith("data:image/svg")


def test_comparison_table_row_headers_are_th():
    for edition in EDITIONS:
        table = soup(HTML / edition.folder / "choosing.html").find("table")
        rows = table.find("tbody").find_all("tr")
        assert rows and all(row.find(["th", "td"]).name == "th" for row in rows)


# --- the zh edition in Chinese ------------------------------------------------------------------

# Words allowed in the zh edition's chrome: names, and the switch to the English edition.
ALLOWED = {"English", "Sphinx", "Furo", "JavaScript", "Python", "Linux", "IPC", "FIFO", "mmap"}


CHINESE = r"\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
FULL_WIDTH_PUNCTUATION = r"\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
# A space next to full-width punctuation ("传给其他进程： fork(2)"), inside curly quotes, or
# outside the quotes of a Chinese quotation ("“…实现。” 4096").
PUNCTUATION_SPACE = re.compile(
    rf".{{0,6}}(?:[{FULL_WIDTH_PUNCTUATION}\u201c][^\S\n]|[^\S\n][{FULL_WIDTH_PUNCTUATION}\u201d]"
    rf"|[{CHINESE}]\u201d[^\S\n]|[^\S\n]\u201c[{CHINESE}])"
    rf".{{0,6}}")


@functools.cache
def zh_page(path: Path) -> tuple[list[str], list[str], list[str]]:
    """A zh page, parsed once for the tests below: the English words in its chrome, the places
    in its text where a space separates two Chinese characters, and those where a space stands
    next to full-width punctuation or inside curly quotes (in its chrome too)."""
    page = soup(path)
    for tag in page(["script", "style", "pre", "head"]):
        tag.decompose()
    for tag in page(["code", "kbd"]):
        tag.replace_with("x")  # a literal is neither Chinese text nor an English word of chrome
    spaces = []
    if path.name != "genindex.html":
        for block in page.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "td", "th",
                                    "figcaption", "caption"]):
            spaces += re.findall(rf".{{0,6}}[{CHINESE}]\s+[{CHINESE}].{{0,6}}", block.get_text())
    text = re.sub(r"[^\S\n]*\n\s*", "\n", page.body.get_text())  # a line break is markup
    return chrome_words(page, path), spaces, PUNCTUATION_SPACE.findall(text)


def chrome_words(page: BeautifulSoup, path: Path) -> list[str]:
    """English words in what a reader or a screen reader meets outside the page's own content:
    visible text, labels, titles, alternative texts."""
    for comment in page.find_all(string=lambda s: isinstance(s, Comment | Doctype)):
        comment.extract()
    main = page.select_one("article[role=main]")
    if main is not None and path.name != "search.html":
        main.decompose()
    for title in page.select(".toc-tree a, .sidebar-tree a, .related-pages .title"):
        title.decompose()  # the titles of the pages and their sections: content, not chrome
    texts = [s for s in page.find_all(string=True)]
    for tag in page.find_all(True):
        texts += [tag.get(a) for a in ("aria-label", "title", "alt", "placeholder") if tag.get(a)]
    words = set()
    for text in texts:
        words |= set(re.findall(r"[A-Za-z][A-Za-z']{2,}", str(text)))
    return sorted(words - ALLOWED - set(re.findall(r"[A-Za-z]+", by_folder("zh").title)))


@pytest.mark.xdist_group("zh-pages")  # one worker parses the pages once for both
def test_zh_pages_have_no_english_in_the_theme_words():
    left = {}
    for path in built_pages("zh"):
        if words := zh_page(path)[0]:
            left[path.relative_to(HTML).as_posix()] = words
    assert left == {}, f"English left in the zh edition's chrome: {left}"


@pytest.mark.xdist_group("zh-pages")
def test_no_space_between_two_chinese_characters_in_zh_text():
    found = {}
    for path in built_pages("zh"):
        if hits := zh_page(path)[1]:
            found[path.relative_to(HTML).as_posix()] = hits
    assert found == {}


@pytest.mark.xdist_group("zh-pages")
def test_no_space_next_to_full_width_punctuation_nor_inside_curly_quotes_in_zh_text():
    found = {}
    for path in built_pages("zh"):
        if hits := zh_page(path)[2]:
            found[path.relative_to(HTML).as_posix()] = hits
    assert found == {}


def zh_sentences_wrong(path: Path) -> list[str]:
    """What reads wrong in a zh page's sentences: inline code that begins or ends with a Chinese
    character (glued to the text beside it, "`nohup 命令`在"), two parentheses back to back
    ("）（"), and a value cited from a run that is English words rather than a value
    ("asked 65636, took 65536"; an output line the sentence quotes as one, "…一行是：", may be)."""
    page = soup(path)
    for tag in page(["script", "style", "pre", "head"]):
        tag.decompose()
    wrong = [code.get_text() for code in page.find_all("code")
             if re.search(f"^[{HAN}]|[{HAN}]$", code.get_text().strip())]
    text = page.body.get_text()
    wrong += re.findall(r".{0,6}）（.{0,6}", text)
    for value in page.select(".snippet-value"):
        cited = value.get_text().strip()
        before = "".join(reversed(value.find_all_previous(string=True, limit=3)))
        if cited[:1] in "'\"[" or re.search(r"一行(是)?：\s*$", before):
            continue
        words = [w for w in cited.split() if w not in ("s", "ms", "KiB", "MiB")]  # units
        if len(words) > 1 and any(re.search("[A-Za-z]", w) for w in words):
            wrong.append(cited)
    return wrong


@pytest.mark.xdist_group("zh-pages")
def test_zh_sentences_hold_no_chinese_in_code_no_back_to_back_parentheses_nor_english_values():
    found = {}
    for path in built_pages("zh"):
        if path.name != "genindex.html" and (hits := zh_sentences_wrong(path)):
            found[path.relative_to(HTML).as_posix()] = hits
    assert found == {}


def test_zh_descriptions_are_chinese_sentences():
    """description and og:description: the page's first paragraphs, with no space between
    Chinese characters nor next to full-width punctuation, and no debris of a table or a title
    ("各自能做什么:,,,,,,,")."""
    wrong = {}
    for path in built_pages("zh"):
        head = head_of(path)
        found = [m["content"] for m in head.find_all("meta", attrs={"name": "description"})]
        found += [m["content"] for m in head.find_all("meta", property="og:description")]
        if path.name in ("search.html", "genindex.html") or not found:
            continue
        assert len(set(found)) == 1, path
        text = found[0]
        bad = re.findall(rf"[{HAN}]\s+[{HAN}]|[{HAN}][:,;]|,,|:,|\s[，。：；、]", text)
        bad += PUNCTUATION_SPACE.findall(text)
        if bad or len(text) < 20:
            wrong[path.name] = (bad, text)
    assert wrong == {}


def test_zh_footer_says_the_year_and_the_date_as_chinese_writes_them():
    footer = soup(HTML / "zh" / "index.html").select_one(".bottom-of-page")
    copyright_line = " ".join(footer.select_one(".copyright").get_text().split())
    assert re.fullmatch(r"版权所有 © \d{4}《Linux 进程间通信（Python 版）》作者", copyright_line)
    updated = " ".join(footer.select_one(".last-updated").get_text().split())
    assert re.fullmatch(r"最后更新于 \d{4}年[1-9]\d?月[1-9]\d?日", updated), updated


def test_zh_copy_button_says_copied_with_full_width_punctuation():
    script = (HTML / "zh" / "_static" / "copybutton.js").read_text(encoding="utf-8")
    assert "'复制成功！'" in script and "复制成功!" not in script


def test_zh_runs_table_and_run_lines_are_in_chinese():
    runs = soup(HTML / "zh" / "snippet-runs.html").select("table.snippet-runs tbody tr")
    statuses = {row.find_all("td")[2].get_text().strip() for row in runs}
    assert runs and statuses == {"成功"}, statuses
    lines = [str(p) for p in soup(HTML / "zh" / "pipes.html").select("p.snippet-run")]
    assert lines and all(line.startswith('<p class="snippet-run">自己运行：<code')
                         for line in lines)


def test_zh_general_index_is_grouped_and_sorted_by_pinyin():
    from pypinyin import lazy_pinyin

    page = soup(HTML / "zh" / "genindex.html")
    groups = [h2.get_text() for h2 in page.select("article h2")]
    assert groups == sorted(groups) and all(re.fullmatch("[A-Z]", g) for g in groups), groups
    for h2 in page.select("article h2"):
        table = h2.find_next_sibling("table")
        words = [a.get_text().strip() for a in table.select("td > ul > li > a:first-child")]
        keys = [" ".join(p.strip() for p in lazy_pinyin(w)).lower() for w in words]
        assert keys == sorted(keys), (h2.get_text(), words)
        assert all(k[:1].upper() == h2.get_text() for k in keys), (h2.get_text(), words)


def test_zh_glossary_anchors_are_the_english_terms_and_old_ones_still_arrive():
    """A zh glossary term's anchor is its English term's, as in the English edition (半双工 ->
    #term-half-duplex): none is numbered by Sphinx. The anchors of the glossary before that
    (docs/_locale/zh_CN/glossary-ids.json) are still on the terms they named."""
    import json

    zh, en = soup(HTML / "zh" / "glossary.html"), soup(HTML / "en" / "glossary.html")
    zh_terms = zh.select("dl.glossary > dt")
    ids = {dt["id"]: dt for dt in zh_terms}
    assert zh_terms and not [i for i in ids if re.fullmatch(r"term-\d+", i)]
    en_ids = {dt["id"] for dt in en.select("dl.glossary > dt")}
    chinese = [dt["id"] for dt in zh_terms if re.search(f"[{HAN}]", dt.get_text())]
    firsts = [i for i in chinese if not re.search(r"-\d+$", i)]
    assert len(set(firsts) & en_ids) > 0.8 * len(firsts), sorted(set(firsts) - en_ids)
    legacy = json.loads((DOCS / "_locale" / "zh_CN" / "glossary-ids.json").read_text("utf-8"))
    every_id = {tag["id"]: tag.find_parent("dt") or tag for tag in zh.select("[id]")}
    moved = {old: term for old, term in legacy.items()
             if any(dt.get_text().replace("¶", "").strip() == term for dt in zh_terms)}
    assert moved and all(old in every_id for old in moved), sorted(set(moved) - set(every_id))
    for old, term in moved.items():
        assert every_id[old].get_text().replace("¶", "").strip() == term, old


def test_en_glossary_anchors_of_chinese_wordings_are_the_english_terms_and_old_ones_arrive():
    """In the English glossary, an entry's Chinese wording has the anchor of its English term
    with -zh (抽象命名空间 -> #term-abstract-namespace-zh), none numbered by Sphinx; the anchors
    before that (docs/_locale/en/glossary-ids.json) are still on the terms they named."""
    import json

    en = soup(HTML / "en" / "glossary.html")
    terms = en.select("dl.glossary > dt")
    english_ids, chinese = set(), []
    for dt in terms:
        text = dt.get_text().replace("¶", "").strip()
        (chinese.append((dt["id"], text)) if re.search(f"[{HAN}]", text)
         else english_ids.add(dt["id"]))
    assert len(chinese) > 70 and not [i for i, _ in chinese if re.fullmatch(r"term-\d+", i)]
    assert all(re.sub(r"-zh(-\d+)?$", "", i) in english_ids for i, _ in chinese), chinese
    legacy = json.loads((DOCS / "_locale" / "en" / "glossary-ids.json").read_text("utf-8"))
    every_id = {tag["id"]: tag.find_parent("dt") or tag for tag in en.select("[id]")}
    assert legacy and all(old in every_id for old in legacy), sorted(set(legacy) - set(every_id))
    for old, term in legacy.items():
        assert every_id[old].get_text().replace("¶", "").strip() == term, old


def test_links_to_the_glossary_name_an_anchor_it_has():
    for edition in EDITIONS:
        glossary = soup(HTML / edition.folder / "glossary.html")
        anchors = {tag["id"] for tag in glossary.select("[id]")}
        for path in built_pages(edition.folder):
            for a in soup(path).select('a[href*="glossary.html#"]'):
                assert a["href"].split("#", 1)[1] in anchors, (path.name, a["href"])


def test_theme_catalog_is_extracted_from_the_templates_and_translated():
    result = subprocess.run([sys.executable, str(DOCS / "_locale" / "extract.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_own_templates_were_made_from_the_pinned_furo():
    import furo

    for template in ("page.html", "partials/icons.html"):
        text = (DOCS / "_templates" / template).read_text(encoding="utf-8")
        assert f"furo {furo.__version__}'s" in text, (
            f"docs/_templates/{template} was copied from another furo: re-copy it")


# --- links to the Python documentation ----------------------------------------------------------

def test_py_links_follow_the_kept_inventory(tmp_path, monkeypatch):
    import pydoc_links

    kept = tmp_path / "python-inventory.txt"
    kept.write_text("# header\nBrokenPipeError\tlibrary/exceptions/builtin.html#BrokenPipeError\n"
                    "os.pipe\tlibrary/os.html#os.pipe\n", encoding="utf-8")
    monkeypatch.setattr(pydoc_links, "INVENTORY", kept)
    pydoc_links.inventory.cache_clear()
    try:
        assert pydoc_links.target("BrokenPipeError") == (
            "https://docs.python.org/3/library/exceptions/builtin.html#BrokenPipeError")
        assert pydoc_links.target("os.pipe") == "https://docs.python.org/3/library/os.html#os.pipe"
        assert pydoc_links.target("os.no_such_name") is None
    finally:
        pydoc_links.inventory.cache_clear()


def test_every_py_link_on_the_pages_names_a_documented_object():
    import pydoc_links

    used = set()
    for page in DOCS.glob("*/**/*.md"):
        for match in re.finditer(r"\{py\}`([^`]+)`", page.read_text(encoding="utf-8")):
            text = match.group(1)
            used.add(text.rpartition("<")[2].rstrip(">") if text.endswith(">") else text)
    missing = sorted(name for name in used if pydoc_links.target(name) is None)
    assert missing == [], "not in the Python documentation (make pyinventory?)"


@pytest.mark.parametrize("folder, docs", [("en", "https://docs.python.org/3/"),
                                          ("zh", "https://docs.python.org/zh-cn/3/")])
def test_py_links_go_to_the_python_docs_in_the_editions_language(folder, docs):
    """Every link to docs.python.org, on every page of the edition, goes to the Python
    documentation in the edition's language, and is made by the {py} role (class pydoc)."""
    pydoc, wrong = 0, {}
    for path in built_pages(folder):
        for a in soup(path).find_all("a", href=re.compile(r"^https?://docs\.python\.org/")):
            pydoc += "pydoc" in a.get("class", [])
            if not a["href"].startswith(docs) or "pydoc" not in a.get("class", []):
                wrong.setdefault(path.relative_to(HTML).as_posix(), []).append(a["href"])
    assert pydoc > 100 and wrong == {}


# --- the pages' weight and the build's log --------------------------------------------------------

def test_highlighting_drops_only_the_spans_its_style_draws_in_the_code_colour():
    """The pages' code keeps no span for names, punctuation and spaces (docs/_ext/page_html.py,
    PLAIN_TOKEN): right only while the highlighting style gives those tokens the colour of the
    code itself, in light and dark."""
    css = (HTML / "en" / "_static" / "pygments.css").read_text(encoding="utf-8")

    def colour(prefix: str, selector: str) -> set[str]:
        rule = rf"{re.escape(prefix)}\.highlight{re.escape(selector)} \{{[^}}]*?color: (#\w+)"
        return set(re.findall(rule, css))

    for prefix in ("", 'body[data-theme="dark"] '):
        base = colour(prefix, "")
        assert base
        for token in (" .n", " .p"):
            assert colour(prefix, token) <= base, (prefix, token)
    for folder in ("en", "zh"):
        assert '<span class="n">' not in (HTML / folder / "pipes.html").read_text("utf-8")


def test_code_keeps_no_span_that_draws_nothing():
    """A run of string spans is one span (page_html.STRING_CLASSES): right only while the style
    gives every kind of string one colour, in light and dark. Inline code has no span per word
    (class pre), which no stylesheet of the pages styles."""
    from page_html import STRING_CLASSES

    css = (HTML / "en" / "_static" / "pygments.css").read_text(encoding="utf-8")
    sheets = [css] + [(HTML / "en" / "_static" / href).read_text(encoding="utf-8")
                      for href in re.findall(r'rel="stylesheet" type="text/css" href="_static/'
                                             r'([^"?]+)', (HTML / "en" / "pipes.html").read_text())]
    for prefix in ("", r'body\[data-theme="dark"\] ', r'body:not\(\[data-theme="light"\]\) '):
        found = {token: re.findall(rf"^\s*{prefix}\.highlight \.{token} \{{[^}}]*?color: (#\w+)",
                                   css, re.M) for token in STRING_CLASSES}
        assert all(found.values()) and len({c for v in found.values() for c in v}) == 1, found
    assert not any(re.search(r"(^|[,}\s])(span)?\.pre\b", sheet) for sheet in sheets[1:])
    for folder in ("en", "zh"):
        text = (HTML / folder / "pipes.html").read_text("utf-8")
        assert '<span class="pre">' not in text and '<span class="s2">' not in text
        assert '<span class="s">' in text


def test_importing_the_configuration_prints_nothing():
    """sphinxext-opengraph's "matplotlib is not installed" notice is kept out of the log."""
    printed = subprocess.run([sys.executable, "-c", "import runpy; runpy.run_path('conf.py')"],
                             cwd=ROOT, capture_output=True, text=True, check=True)
    assert printed.stdout == "" and printed.stderr == ""


def test_jieba_keeps_its_cache_in_the_build_folder():
    assert (BUILD / "doctrees" / "zh" / "jieba.cache").is_file()
