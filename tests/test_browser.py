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
    # Words that are not glossary terms: the page teaching one wins the tie of pages using it.
    ("en", "EAGAIN", "pipes"), ("zh", "EAGAIN", "pipes"),
    ("en", "socketpair", "sockets"), ("zh", "socketpair", "sockets"),
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
        "dl.glossary > dt", "dts => dts.map(dt => dt.textContent.replace(/¶/g, '').trim())")
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


# Each diagram of the page: whether the screen shows all of it (inside the viewport, no box of
# the page cutting it off) and the size its smallest text is drawn at, in CSS pixels: the SVG's
# smallest font size (computed from its own style sheet) times the scale it is shown at.
DIAGRAMS = """async () => Promise.all([...document.querySelectorAll('article img[src$=".svg"]')]
  .map(async (img) => {
    if (!img.complete) await new Promise((done) => img.addEventListener('load', done));
    const box = img.getBoundingClientRect();
    let clipped = false;
    for (let up = img.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up), around = up.getBoundingClientRect();
      const outside = box.left < around.left - 1 || box.right > around.right + 1;
      if (style.overflowX !== 'visible' && outside) clipped = true;
    }
    const source = await (await fetch(img.src)).text();
    const holder = document.createElement('div');
    holder.style.cssText = 'position: absolute; left: -10000px; top: 0';
    holder.innerHTML = source;
    document.body.append(holder);
    const svg = holder.querySelector('svg');
    const sizes = [...svg.querySelectorAll('text')].map(
      (t) => parseFloat(getComputedStyle(t).fontSize));
    const units = svg.viewBox.baseVal.width;
    holder.remove();
    return {src: img.getAttribute('src'), shown: img.naturalWidth > 0,
            inside: box.left >= -1 && box.right <= document.documentElement.clientWidth + 1,
            clipped, textPx: Math.min(...sizes) * box.width / units};
  }))"""
SMALLEST_TEXT_PX = 11  # on a phone's screen


def diagram_misfits(diagrams: list[dict]) -> list[str]:
    wrong = []
    for found in diagrams:
        if not found["shown"] or not found["inside"] or found["clipped"]:
            wrong.append(f"{found['src']} is not shown whole: {found}")
        if found["textPx"] < SMALLEST_TEXT_PX:
            wrong.append(f"{found['src']}: text drawn at {found['textPx']:.1f} px")
    return wrong


PHONE_CHECKS = """async () => {
  const wide = (e) => e.scrollWidth > e.clientWidth + 1;
  const blocks = [...document.querySelectorAll('div.snippet-code pre, div.snippet-output pre')];
  const cells = [...document.querySelectorAll('article table.docutils td')];
  return {
    pageWidth: document.documentElement.scrollWidth,
    blocks: blocks.length, wideBlocks: blocks.filter(wide).length,
    diagrams: await (""" + DIAGRAMS + """)(),
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
    wrong += diagram_misfits(found["diagrams"])
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


# --- diagrams -------------------------------------------------------------------------------------

def pages_with_diagrams() -> list[str]:
    return [name for name in page_names()
            if re.search(r"\]\((\.\./)*images/[\w-]+\.svg\)",
                         (DOCS / "en" / f"{name}.md").read_text(encoding="utf-8"))]


@pytest.mark.parametrize("folder", FOLDERS)
def test_diagrams_are_whole_and_legible_on_a_phone(phone, folder):
    """At 390 px every diagram is inside the screen, cut off by nothing, its smallest text drawn
    at 11 px or more, and the page does not scroll sideways."""
    names = pages_with_diagrams()
    assert len(names) >= 4
    wrong = {}
    for name in names:
        page = phone.open(f"{folder}/{name}.html")
        diagrams = page.evaluate(DIAGRAMS)
        assert diagrams, name
        found = diagram_misfits(diagrams)
        if page.evaluate("document.documentElement.scrollWidth") > 390:
            found.append("the page scrolls sideways")
        if found:
            wrong[name] = found
    assert phone.problems == []
    assert wrong == {}


# The mean luminance (0-255) of an element as the screen shows it, and the share of its pixels
# lighter than 150: the screenshot is decoded by the page's own canvas.
LUMINANCE = """async (png) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + png;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, image.height).data;
  let sum = 0, light = 0;
  for (let i = 0; i < data.length; i += 4) {
    const y = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
    sum += y; light += y > 150;
  }
  return [sum / (data.length / 4), light / (data.length / 4)];
}"""


@pytest.mark.parametrize("folder", FOLDERS)
def test_diagrams_are_dark_in_the_dark_scheme_and_their_text_light(browser, server, folder):
    """No white slab in dark mode, whether the reader's system asks for it (the theme's "auto")
    or the theme's switch does; and light diagrams in light mode."""
    import base64

    context = browser.new_context(**PHONE)
    try:
        tab = Tab(context, server)
        for name in pages_with_diagrams():
            seen = {}
            for system, theme in (("light", None), ("dark", None), ("light", "dark"),
                                  ("dark", "light")):
                page = tab.open(f"{folder}/{name}.html")
                page.emulate_media(color_scheme=system)
                if theme:
                    page.evaluate("(theme) => { document.body.dataset.theme = theme; }", theme)
                page.wait_for_timeout(100)
                for k, img in enumerate(page.locator('article img[src$=".svg"]').all()):
                    png = base64.b64encode(img.screenshot()).decode()
                    seen[(system, theme, k)] = page.evaluate(LUMINANCE, png)
            for (system, theme, k), (mean, light) in seen.items():
                dark = (theme or system) == "dark"
                where = f"{name} diagram {k}, system {system}, theme {theme or 'auto'}"
                if dark:
                    assert mean < 90 and light > 0.01, (where, mean, light)
                else:
                    assert mean > 180, (where, mean)
        assert tab.problems == []
    finally:
        context.close()


# --- code lines -----------------------------------------------------------------------------------

# Each line of code (or output) of the page: its length, whether it wraps, and where the rows
# it wraps onto start compared with the line's own indentation.
CODE_LINES = """(selector) => {
  const lines = [...document.querySelectorAll(selector + ' pre > .line')];
  const pre = document.querySelector(selector + ' pre');
  const probe = document.createElement('span');
  probe.textContent = 'x'.repeat(100);
  pre.append(probe);
  const column = probe.getBoundingClientRect().width / 100;
  probe.remove();
  const style = getComputedStyle(pre);
  const width = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {column, columns: Math.floor(width / column), lines: lines.map((line) => {
    const range = document.createRange();
    range.selectNodeContents(line);
    const rows = [...range.getClientRects()].filter((r) => r.width > 0);
    const first = rows.length ? rows[0].top : 0;
    const later = rows.filter((r) => r.top > first + 2).map((r) => r.left);
    const text = line.textContent;
    const indent = /^ */.exec(text)[0].length;
    const block = line.parentElement, padding = getComputedStyle(block);
    const room = (block.clientWidth - parseFloat(padding.paddingLeft)
                  - parseFloat(padding.paddingRight)) / column;
    return {text, indent, room: Math.floor(room), wraps: later.length > 0,
            hang: later.length ? Math.min(...later) - line.getBoundingClientRect().left : null,
            mark: getComputedStyle(line).backgroundImage.includes('gradient')};
  })};
}"""


def test_at_1280_px_no_line_of_code_wraps(laptop):
    """Every code block of a 1280 px screen, in a list too, has room for CODE_COLUMNS
    characters (tests/test_site.py keeps the snippets' lines within it), and no line of at
    most that many characters wraps, on any page."""
    from test_site import CODE_COLUMNS

    wrapped, narrow, longest = {}, {}, 0
    for folder in FOLDERS:
        for name in page_names():
            page = laptop.open(f"{folder}/{name}.html")
            if not page.locator("div.snippet-code").count():
                continue
            found = page.evaluate(CODE_LINES, "div.snippet-code")
            if rooms := {line["room"] for line in found["lines"] if line["room"] < CODE_COLUMNS}:
                narrow[f"{folder}/{name}"] = sorted(rooms)
            longest = max(longest, *(len(line["text"]) for line in found["lines"]))
            if hits := [line["text"] for line in found["lines"]
                        if line["wraps"] and len(line["text"]) <= CODE_COLUMNS]:
                wrapped[f"{folder}/{name}"] = hits
    assert longest > 40  # the lines were found
    assert narrow == {}, f"code blocks with room for fewer than {CODE_COLUMNS} characters"
    assert wrapped == {}


@pytest.mark.parametrize("folder", FOLDERS)
def test_at_390_px_a_wrapped_line_keeps_its_indentation_visible(phone, folder):
    """On a phone a long line wraps (no block scrolls sideways), and the rows it wraps onto
    start right of the line's own indentation (at most 40 % in), beside a continuation mark."""
    page = phone.open(f"{folder}/pipes.html")
    wrong, wrapped = [], 0
    for selector in ("div.snippet-code", "div.snippet-output"):
        found = page.evaluate(CODE_LINES, selector)
        for line in found["lines"]:
            if not line["wraps"]:
                continue
            wrapped += 1
            column, width = found["column"], found["columns"] * found["column"]
            wanted = min((line["indent"] + 2) * column, 0.4 * width) - 1
            if line["hang"] < wanted or not line["mark"]:
                wrong.append((line["text"], line["indent"], line["hang"]))
    assert wrapped > 10  # a phone does wrap these pages' lines
    assert wrong == []



@pytest.mark.parametrize("folder", FOLDERS)
def test_a_calls_panel_shows_its_note_and_rows_when_opened(laptop, folder):
    """A panel's rows arrive when it is opened (the page's calls script), once; the page-wide
    button opens every panel and each gets its rows."""
    page = laptop.open(f"{folder}/pipes.html")
    panels = page.locator("details.snippet-calls")
    assert panels.count() > 10
    assert page.locator("ol.snippet-calls-list > li").count() == 0  # nothing before asked
    first = panels.first
    first.locator("summary").click()
    page.wait_for_function(
        "(d) => d.querySelector('ol.snippet-calls-list > li')", arg=first.element_handle())
    assert first.locator("p.snippet-calls-note").count() == 1
    assert first.locator("li code.py").count() > 0 and first.locator("li span.proc").count() > 0
    first.locator("summary").click()
    first.locator("summary").click()  # closed and opened again: the rows are not doubled
    rows = first.locator("ol.snippet-calls-list > li").count()
    page.locator("button.snippet-calls-all").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('details.snippet-calls')].every("
        "(d) => d.open && d.querySelector('ol.snippet-calls-list > li'))")
    assert first.locator("ol.snippet-calls-list > li").count() == rows
    assert laptop.problems == []


@pytest.mark.parametrize("folder, colon", [("en", ': "'), ("zh", '："')])
def test_phone_table_cells_are_labelled_with_the_editions_colon(phone, folder, colon):
    page = phone.open(f"{folder}/choosing.html")
    label = page.eval_on_selector(
        "article table.docutils td[data-label]", "td => getComputedStyle(td, '::before').content")
    assert label.endswith(colon), label
