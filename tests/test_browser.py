"""The built site in a real browser, used the way people use it: clicks, Tab, typing into the
search box, a phone's viewport.

Playwright for Python drives the system's Chromium (never a browser of its own: nothing is
downloaded); one browser serves the whole session, in one xdist worker, and each test gets a
fresh page, in a context that lasts the session (a laptop's and a phone's, which the tests leave
as they found them; the searches and the root page's remembered choice have contexts of their
own). `.ci/run` installs Chromium where it is missing; elsewhere, without it, these tests are
skipped with a message saying how to get it.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from urllib.parse import quote

import pytest

from conftest import BUILD, DOCS
from editions import EDITIONS, by_folder

# One worker runs them all: one Chromium, while the other workers build and wait.
pytestmark = pytest.mark.xdist_group("browser")

HTML = BUILD / "html"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# As the machine notes say for a closed network: no background connections, no sandbox as root.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


def chromium_path() -> str | None:
    if path := os.environ.get("CHROME_PATH"):
        return path
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium on the CI machine: .ci/run should have installed it")
        pytest.skip("Chromium not found: `sudo apt-get install chromium` to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server():
    if not (HTML / "index.html").is_file():
        pytest.fail("the site is not built: run `make html` (`make test` builds it first)")
    handler = functools.partial(QuietHandler, directory=str(HTML))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class Tab:
    """A page in a fresh browser context that records console errors and failed requests."""

    def __init__(self, context, server: str):
        self.context, self.server = context, server
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning")
                     and self.problems.append(f"console {m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("response", lambda r: r.status >= 400
                     and self.problems.append(f"{r.status} {r.url}"))

    def open(self, path: str):
        self.page.goto(f"{self.server}/{path}", wait_until="load")
        return self.page


@pytest.fixture(scope="session")
def contexts(browser):
    """A laptop and a phone context shared by the tests, which store nothing in them (the root
    page's remembered choice and the searches, which store their words, get contexts of their
    own); their HTTP cache spares each test the theme's files."""
    made = {"laptop": browser.new_context(**LAPTOP), "phone": browser.new_context(**PHONE)}
    yield made
    for context in made.values():
        context.close()


def make_tab(context, server):
    tab = Tab(context, server)
    yield tab
    tab.page.close()


@pytest.fixture
def laptop(contexts, server):
    yield from make_tab(contexts["laptop"], server)


@pytest.fixture
def phone(contexts, server):
    yield from make_tab(contexts["phone"], server)


def page_names() -> list[str]:
    return sorted(p.relative_to(DOCS / "en").with_suffix("").as_posix()
                  for p in (DOCS / "en").rglob("*.md"))


FOLDERS = [e.folder for e in EDITIONS]


# --- every page ---------------------------------------------------------------------------------

@pytest.mark.parametrize("folder", FOLDERS)
def test_every_page_loads_without_errors_in_its_language_and_fits_a_phone(phone, folder):
    misfits = {}
    for name in [*page_names(), "search", "genindex"]:
        page = phone.open(f"{folder}/{name}.html")
        assert page.get_attribute("html", "lang") == by_folder(folder).hreflang, name
        if wrong := misfit(page.evaluate(PHONE_CHECKS)):
            misfits[name] = wrong
    for name in ("index.html", "404.html"):
        phone.open(name)
    assert phone.problems == []
    assert misfits == {}


# --- search -------------------------------------------------------------------------------------

def search_by_typing(page, query: str) -> list[str]:
    """Type ``query`` into the sidebar's search box, press Enter, return the result links in
    the order shown (page, with its #anchor when the result is a place in a page)."""
    box = page.locator("input.sidebar-search")
    if not box.is_visible():  # a phone: the box is in the drawer
        page.locator("label.nav-overlay-icon").click()
    box.fill(query)
    with page.expect_navigation(wait_until="load"):
        box.press("Enter")
    return search_results(page)


@pytest.fixture(scope="session")
def searching(browser):
    """The context the searches run in. A search stores its words for sphinx_highlight.js, which
    marks them on the next page the context opens: the other tests' pages must not get them."""
    context = browser.new_context(**LAPTOP)
    yield context
    context.close()


@pytest.fixture
def search_tab(searching, server):
    yield from make_tab(searching, server)


@pytest.fixture(scope="session")
def search(searching, server):
    """``search(folder, query)``: the results and the page's problems, as a reader gets them
    typing the query on a page of that edition. One tab per edition stays open: each query is
    typed on the page of the previous one's results (the first, on the edition's home page),
    and a query asked twice is typed once."""
    tabs, done = {}, {}

    def run(folder: str, query: str) -> tuple[list[str], list[str]]:
        if (folder, query) not in done:
            if folder not in tabs:
                tabs[folder] = Tab(searching, server)
                tabs[folder].open(f"{folder}/index.html")
            tab = tabs[folder]
            before = len(tab.problems)
            results = search_by_typing(tab.page, query)
            done[folder, query] = results, tab.problems[before:]
        return done[folder, query]

    return run


def search_results(page) -> list[str]:
    page.wait_for_function(
        "() => { const s = document.querySelector('p.search-summary');"
        " return s && /\\d/.test(s.textContent); }", timeout=15000)
    return page.eval_on_selector_all(
        "ul.search li > a", "links => links.map(a => a.getAttribute('href'))")


def page_of(href: str) -> str:
    return re.sub(r"\.html.*$", "", href)


# The queries of the published findings, and the chapter that teaches each.
TAUGHT = [
    ("zh", "管道", "pipes"), ("zh", "信号", "signals/index"), ("zh", "套接字", "sockets"),
    ("zh", "命名管道", "fifo"), ("zh", "有名管道", "fifo"), ("zh", "共享映射", "mmap"),
    ("zh", "非阻塞", "pipes"),
    ("en", "pipe", "pipes"), ("en", "process group", "signals/sending"),
    ("en", "signal", "signals/index"), ("en", "FIFO", "fifo"), ("en", "named pipe", "fifo"),
]


@pytest.mark.parametrize("folder, query, chapter", TAUGHT)
def test_search_puts_the_chapter_that_teaches_a_term_first(search, folder, query, chapter):
    links, problems = search(folder, query)
    results = [page_of(href) for href in links]
    assert results[0] == chapter, results[:5]
    assert problems == []


def test_search_finds_every_page_that_contains_a_word(search):
    """非阻塞 occurs in several pages, inside longer phrases: every one of them is found."""
    results = {page_of(h) for h in search("zh", "非阻塞")[0]}
    for path in sorted((DOCS / "zh").rglob("*.md")):
        name = path.relative_to(DOCS / "zh").with_suffix("").as_posix()
        if "非阻塞" in path.read_text(encoding="utf-8"):
            assert name in results, name


GLOSSARY_RANKS = """(terms) => terms.map((term) => {
  history.replaceState(null, "", "?q=" + encodeURIComponent(term));
  const shown = Search._performSearch(...Search._parseQuery(term)).reverse();
  return [term, Scorer.teaches[term.toLowerCase()] || null, shown.map((r) => r[0])];
})"""


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_glossary_term_finds_its_chapter_above_the_glossary(laptop, search_tab, folder):
    """For every glossary term, in each edition's language: the chapter that teaches it is among
    the first three results and above the glossary."""
    page = laptop.open(f"{folder}/glossary.html")
    terms = page.eval_on_selector_all(
        "dl.glossary > dt", "dts => dts.map(dt => dt.firstChild.textContent.trim())")
    chinese = [t for t in terms if re.search("[\u4e00-\u9fff]", t)]
    terms = chinese if folder == "zh" else sorted(set(terms) - set(chinese))
    assert len(terms) > 40  # each edition in its own language
    page = search_tab.open(f"{folder}/search.html")
    page.wait_for_function("() => Search._index !== null", timeout=15000)
    wrong = []
    for term, chapter, shown in page.evaluate(GLOSSARY_RANKS, terms):
        if not set(shown) - {"glossary"}:
            continue  # only the glossary uses the term
        if chapter is None:
            wrong.append((term, "no chapter teaches it, but these use it:", shown[:4]))
        elif chapter not in shown[:3] or ("glossary" in shown
                                          and shown.index("glossary") < shown.index(chapter)):
            wrong.append((term, chapter, shown[:4]))
    assert wrong == [], "\n".join(map(str, wrong))


def test_glossary_results_read_term_then_definition(search_tab):
    page = search_tab.open("zh/search.html?q=" + quote("套接字"))
    search_results(page)
    # Each result's summary comes later than the result (searchtools fetches the page's text).
    glossary = "ul.search li:has(> a[href^='glossary.html#'])"
    page.wait_for_function(
        "sel => { const items = [...document.querySelectorAll(sel)];"
        " return items.length > 0 && items.every(li => li.querySelector('p.context')); }",
        arg=glossary, timeout=15000)
    summaries = page.eval_on_selector_all(
        "ul.search li", "items => items.filter(li => li.querySelector('a').getAttribute('href')"
        ".startsWith('glossary.html#')).map(li => li.querySelector('p.context').textContent)")
    assert summaries
    for summary in summaries:
        assert re.match(r"^\S[^—]* · [^—]+ — \S", summary), summary


# --- the switch between editions, the root page ---------------------------------------------------

@pytest.mark.parametrize("folder", FOLDERS)
def test_switch_leads_to_the_same_page_in_the_other_edition(laptop, folder):
    other = next(e for e in EDITIONS if e.folder != folder)
    page = laptop.open(f"{folder}/signals/masks.html")
    page.locator(".sidebar-drawer .edition-switch a").click()
    page.wait_for_url(f"**/{other.folder}/signals/masks.html")
    assert page.get_attribute("html", "lang") == other.hreflang


@pytest.mark.parametrize("folder", FOLDERS)
def test_phone_shows_the_switch_without_opening_a_menu(phone, folder):
    other = next(e for e in EDITIONS if e.folder != folder)
    page = phone.open(f"{folder}/pipes.html")
    switch = page.locator("a.edition-switch-header")
    assert switch.is_visible()
    box = switch.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390 and box["y"] < 100
    switch.click()
    page.wait_for_url(f"**/{other.folder}/pipes.html")


def test_root_page_shows_the_choice_and_remembers_it(browser, server):
    context = browser.new_context(locale="zh-CN", **PHONE)
    try:
        tab = Tab(context, server)
        page = tab.open("index.html")
        page.wait_for_timeout(300)  # a redirect by language, if there were one, happens now
        assert page.url == f"{server}/index.html"
        assert page.locator("a.edition").count() == len(EDITIONS)
        page.locator('a.edition[data-edition="zh"]').click()
        page.wait_for_url("**/zh/index.html")
        page = tab.open("index.html")
        page.wait_for_url("**/zh/index.html")
        page = tab.open("index.html#choose")
        page.wait_for_timeout(300)
        assert page.url.endswith("/index.html#choose")
        assert tab.problems == []
    finally:
        context.close()


# --- keyboards and phones -------------------------------------------------------------------------

def tab_through(page, presses: int, wanted: tuple[str, ...]) -> set[str]:
    """Press Tab until every control (CSS selector) in ``wanted`` had the focus, at most
    ``presses`` times; return the ones that had it."""
    reached: set[str] = set()
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached |= set(page.evaluate(
            "(wanted) => wanted.filter((s) => document.activeElement.matches(s))", wanted))
        if reached == set(wanted):
            break
    return reached


def test_phone_controls_are_reachable_with_tab_and_open_with_enter(phone):
    page = phone.open("zh/pipes.html")
    controls = ("input#__navigation", "input#__toc", "a.skip-to-content",
                "a.edition-switch-header", "button.theme-toggle")
    assert tab_through(page, 12, controls) == set(controls)
    page.focus("#__navigation")
    outline = page.eval_on_selector(
        "label.nav-overlay-icon", "label => getComputedStyle(label).outlineStyle")
    assert outline != "none", "the ☰ button does not show that it has the focus"
    page.keyboard.press("Enter")
    assert page.is_checked("#__navigation")
    page.wait_for_function(
        "() => document.querySelector('.sidebar-drawer').getBoundingClientRect().left >= 0")
    assert page.locator(".sidebar-drawer input.sidebar-search").is_visible()
    page.keyboard.press("Space")
    assert not page.is_checked("#__navigation")


def test_laptop_controls_are_reachable_with_tab(laptop):
    page = laptop.open("en/pipes.html")
    controls = ("a.skip-to-content", "input.sidebar-search", "button.theme-toggle",
                "a.edition-switch-link")
    assert tab_through(page, 80, controls) == set(controls)


PHONE_CHECKS = """() => {
  const wide = (e) => e.scrollWidth > e.clientWidth + 1;
  const blocks = [...document.querySelectorAll('div.snippet-code pre, div.snippet-output pre')];
  const diagrams = [...document.querySelectorAll('article img[src$=".svg"]')].map(
    (img) => img.getBoundingClientRect().width / img.naturalWidth);
  const cells = [...document.querySelectorAll('article table.docutils td')];
  return {
    pageWidth: document.documentElement.scrollWidth,
    blocks: blocks.length, wideBlocks: blocks.filter(wide).length,
    diagramScales: diagrams,
    cellsOutside: cells.filter((c) => c.getBoundingClientRect().right > innerWidth + 1).length,
    cellsUnlabelled: cells.filter((c) => c.textContent.trim() && !c.dataset.label).length,
  };
}"""


def misfit(found: dict) -> list[str]:
    """What of a page does not fit a phone's screen (PHONE_CHECKS' findings)."""
    wrong = []
    if found["pageWidth"] > 390:
        wrong.append(f"the page is {found['pageWidth']} px wide")
    if found["wideBlocks"]:
        wrong.append(f"{found['wideBlocks']} blocks of code or output scroll sideways")
    # Diagram text is drawn at 13-14 px: at 80 % or more it stays 11 px or larger.
    if small := [scale for scale in found["diagramScales"] if scale < 0.8]:
        wrong.append(f"diagrams shrunk to {small}")
    if found["cellsOutside"] or found["cellsUnlabelled"]:
        wrong.append(f"{found['cellsOutside']} table cells outside the screen, "
                     f"{found['cellsUnlabelled']} without their column's name")
    return wrong


def test_laptop_code_fits_without_scrolling(laptop):
    page = laptop.open("en/pipes.html")
    found = page.evaluate(PHONE_CHECKS)
    assert found["blocks"] > 10 and found["wideBlocks"] == 0


OUTPUT_STYLE = """() => {
  const out = document.querySelector('div.snippet-output');
  const code = document.querySelector('div.snippet-code div.highlight');
  return {
    label: getComputedStyle(out, '::before').content,
    output: getComputedStyle(out.querySelector('div.highlight')).backgroundColor,
    code: getComputedStyle(code).backgroundColor,
  };
}"""


@pytest.mark.parametrize("folder, label", [("en", "Output"), ("zh", "输出")])
def test_output_is_labelled_and_set_apart_from_code(laptop, folder, label):
    page = laptop.open(f"{folder}/pipes.html")
    styles = {}
    for scheme in ("light", "dark"):  # as the reader's system asks (furo's default: "auto")
        page.emulate_media(color_scheme=scheme)
        styles[scheme] = page.evaluate(OUTPUT_STYLE)
    for style in styles.values():
        assert style["label"] == f'"{label}"'
        assert style["output"] != style["code"]
    assert styles["light"]["code"] != styles["dark"]["code"]  # the scheme did change


@pytest.mark.parametrize("folder", FOLDERS)
def test_executed_output_is_under_its_code_and_only_code_gets_a_copy_button(laptop, folder):
    page = laptop.open(f"{folder}/pipes.html")
    blocks = page.eval_on_selector_all(
        "div.snippet-code, p.snippet-run, div.snippet-output",
        "els => els.map(e => ['snippet-code', 'snippet-run', 'snippet-output']"
        ".find(c => e.classList.contains(c)))")
    assert blocks[:3] == ["snippet-code", "snippet-run", "snippet-output"]
    copy_buttons = page.locator("button.copybtn").count()
    assert copy_buttons == blocks.count("snippet-code")
    assert page.locator("div.snippet-output button.copybtn").count() == 0
