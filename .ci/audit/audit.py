"""`make audit`: the built site checked as the published findings checked it.

- the Nu HTML Checker (npm package vnu-jar, run with Java) over every HTML file: 0 errors;
- Lighthouse (npm package lighthouse, run with Node.js on the system's Chromium) over every
  content page of both editions, served locally: accessibility, best practices and SEO at 100
  (the search and index pages are left out: they are `noindex` on purpose).

The tools are installed from .ci/audit/package-lock.json into <build>/audit-tools (npm ci), once.
Usage: python .ci/audit/audit.py [BUILDDIR]   (exit status 1 when anything falls short)
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CATEGORIES = ("accessibility", "best-practices", "seo")
SKIPPED = {"search.html", "genindex.html"}
FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update --disable-sync")


def tools(build: Path) -> Path:
    where = build / "audit-tools"
    if not (where / "node_modules" / ".bin" / "lighthouse").exists():
        where.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(HERE / name, where / name)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=where,
                       check=True)
    return where / "node_modules"


def chromium() -> str:
    for name in ("CHROME_PATH",):
        if os.environ.get(name):
            return os.environ[name]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    sys.exit("audit: no Chromium (sudo apt-get install chromium)")


def nu_checker(modules: Path, html: Path) -> list[str]:
    jar = modules / "vnu-jar" / "build" / "dist" / "vnu.jar"
    result = subprocess.run(["java", "-jar", str(jar), "--skip-non-html", "--errors-only",
                             "--exit-zero-always", str(html)], capture_output=True, text=True)
    return [line for line in result.stderr.splitlines() if line.strip()]


def lighthouse(modules: Path, url: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as where:
        report = Path(where) / "report.json"
        subprocess.run(
            [str(modules / ".bin" / "lighthouse"), url,
             f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={FLAGS}",
             "--output=json", f"--output-path={report}", "--quiet"],
            env={**os.environ, "CHROME_PATH": chromium()}, check=True, timeout=300)
        data = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
    failed = sorted(name for name, audit in data["audits"].items()
                    if audit.get("score") is not None and audit["score"] < 1
                    and audit.get("scoreDisplayMode") in ("binary", "numeric"))
    return {"scores": scores, "failed": failed}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> int:
    build = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "_build").resolve()
    html = build / "html"
    if not (html / "index.html").is_file():
        sys.exit(f"audit: {html} is not built: run `make html`")
    modules = tools(build)
    started = time.monotonic()
    errors = nu_checker(modules, html)
    print(f"Nu HTML Checker: {len(errors)} errors ({time.monotonic() - started:.0f} s)")
    for line in errors:
        print("  " + line)
    pages = sorted(p.relative_to(html).as_posix() for p in html.glob("*/**/*.html")
                   if p.name not in SKIPPED and "_static" not in p.parts
                   and p.parent != html)
    handler = functools.partial(Quiet, directory=str(html))
    short = []
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = pool.map(lambda page: (page, lighthouse(modules, base + page)), pages)
            for page, result in results:
                scores = result["scores"]
                print(f"Lighthouse {page}: " + ", ".join(f"{k} {v}" for k, v in scores.items())
                      + (f"; failed: {', '.join(result['failed'])}" if result["failed"] else ""))
                if min(scores.values()) < 100:
                    short.append(page)
        httpd.shutdown()
    print(f"Lighthouse: {len(pages)} pages, {len(short)} below 100 "
          f"({time.monotonic() - started:.0f} s)")
    return 1 if errors or short else 0


if __name__ == "__main__":
    sys.exit(main())
