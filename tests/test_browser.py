"""The built site in a real browser: headless Chromium loads the pages from a local server.

Chromium runs each page's scripts (search, theme) and hands back the resulting DOM and every
console message. `.ci/run` installs Chromium; elsewhere, without it, these tests are skipped with a
message saying how to get it.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.parse

import pytest

from conftest import BUILD, DOCS

HTML = BUILD / "html"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="session")
def chromium() -> str:
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    if os.environ.get("CI"):
        pytest.fail("no Chromium on the CI machine: .ci/run should have installed it")
    pytest.skip("Chromium not found: `sudo apt-get install chromium` to run the browser tests")


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


class Page:
    def __init__(self, dom: str, console: list[str]):
        self.dom, self.console = dom, console

    def lang(self) -> str:
        return re.search(r'<html[^>]* lang="([^"]+)"', self.dom).group(1)


def load(chromium: str, url: str, wait_ms: int = 5000) -> Page:
    """Load ``url`` headless, let its scripts run for up to ``wait_ms`` of virtual time."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
             f"--virtual-time-budget={wait_ms}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120,
        )
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return Page(result.stdout, console)


def page_names() -> list[str]:
    return sorted(p.relative_to(DOCS / "en").with_suffix("").as_posix()
                  for p in (DOCS / "en").rglob("*.md"))


@pytest.mark.parametrize("edition", ["en", "zh"])
@pytest.mark.parametrize("page", page_names())
def test_page_loads_without_console_errors(chromium, server, edition, page):
    loaded = load(chromium, f"{server}/{edition}/{page}.html", wait_ms=2000)
    assert loaded.console == []
    assert loaded.lang() == {"en": "en", "zh": "zh-CN"}[edition]


@pytest.mark.parametrize("edition, word, page", [
    ("zh", "管道", "pipes"),
    ("zh", "信号", "signals/index"),
    ("zh", "共享映射", "mmap"),
    ("zh", "有名管道", "fifo"),
    ("en", "pipe", "pipes"),
    ("en", "signal", "signals/index"),
    ("en", "mmap", "mmap"),
])
def test_search_finds_the_chapter(chromium, server, edition, word, page):
    query = urllib.parse.urlencode({"q": word})
    loaded = load(chromium, f"{server}/{edition}/search.html?{query}", wait_ms=10000)
    assert loaded.console == []
    results = re.search(r'<ul[^>]*class="search"[^>]*>(.*?)</ul>', loaded.dom, re.S)
    assert results, "the search never finished"
    hrefs = re.findall(r'<a href="([^"#?]+)', results.group(1))
    assert f"{page}.html" in hrefs


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_switch_leads_to_the_same_page_in_the_other_edition(chromium, server, edition):
    other = "zh" if edition == "en" else "en"
    page = "pipes"
    loaded = load(chromium, f"{server}/{edition}/{page}.html", wait_ms=1000)
    href = re.search(r'<div class="edition-switch">\s*<a href="([^"]+)"', loaded.dom).group(1)
    target = urllib.parse.urljoin(f"{server}/{edition}/{page}.html", href)
    assert target == f"{server}/{other}/{page}.html"
    arrived = load(chromium, target, wait_ms=1000)
    assert arrived.lang() == {"en": "en", "zh": "zh-CN"}[other]


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_executed_output_is_under_its_code_and_only_code_gets_a_copy_button(
        chromium, server, edition):
    loaded = load(chromium, f"{server}/{edition}/pipes.html", wait_ms=1000)
    blocks = re.findall(r'class="(snippet-code|snippet-output|snippet-run)[ "]', loaded.dom)
    assert blocks[:3] == ["snippet-code", "snippet-run", "snippet-output"]
    assert loaded.dom.count('class="copybtn') == blocks.count("snippet-code")
