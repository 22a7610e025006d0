"""The Sphinx side: sphinx-exec-code's ``exec_code`` directive, made safe, cached, parallel.

- Before Sphinx reads the pages, every snippet they show that has no cached result is run, side
  by side on all cores (``runner.run``: fresh temporary directory, time limit, nothing left behind).
- The directive shows the snippet file and the output of that run. The page depends on the file,
  so editing a snippet re-reads every page that shows it, in both editions.
- Successful runs are cached on disk, keyed on what changes the output (``runner.cache_key``), so
  the second edition and later builds reuse them. A failed run is never cached: its pages are read
  again by the next build, and the failure is reported again.
- At the end every failure is reported with its file, line and the end of its output, the runs
  are written as JUnit XML, and the ``snippet-runs`` directive lists them with their run times.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import hashlib
import os
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx_exec_code.sphinx_exec import ExecCode
from sphinx_exec_code.sphinx_spec import get_specs

from . import pages, runner

logger = logging.getLogger(__name__)
SLOW_NOTICE = 10.0  # seconds after which a running snippet is named in the log


class Results:
    """Runs by cache key: in memory for this build, on disk for the successful ones."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self.memory: dict[str, runner.Run] = {}
        self.ran: set[str] = set()  # keys run by this build (not taken from the cache)

    def get(self, key: str) -> runner.Run | None:
        if key not in self.memory:
            file = self.cache_dir / f"{key}.json"
            if file.is_file():
                self.memory[key] = runner.Run.from_json(file.read_text(encoding="utf-8"))
        return self.memory.get(key)

    def put(self, key: str, run: runner.Run) -> None:
        self.memory[key] = run
        self.ran.add(key)
        if run.ok:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_dir / f"{key}.json.tmp{os.getpid()}"
            tmp.write_text(run.to_json(), encoding="utf-8")
            tmp.replace(self.cache_dir / f"{key}.json")


_results: Results | None = None


def _snippet(app, filename: str) -> Path:
    return Path(app.config.snippet_dir, filename).resolve()


def _timeout(app, block_timeout: float | None) -> float:
    return float(block_timeout or app.config.snippet_timeout)


def _key(app, filename: str, timeout: float) -> str | None:
    path = _snippet(app, filename)
    return runner.cache_key(path, timeout) if path.is_file() else None


# --- before reading: run what is missing, in parallel -------------------------------------------

def run_missing(app, env, docnames) -> None:
    if not app.config.snippet_execute:
        return
    wanted: dict[str, tuple[Path, float]] = {}
    for docname in docnames:
        source = Path(env.doc2path(docname))
        if source.suffix != ".md" or not source.is_file():
            continue
        for block in pages.exec_blocks(source.read_text(encoding="utf-8")):
            timeout = _timeout(app, block.timeout)
            key = _key(app, block.filename, timeout)
            if key and _results.get(key) is None:
                wanted[key] = (_snippet(app, block.filename), timeout)
    if wanted:
        # Most snippets spend their time waiting (on pipes, timers, children), so two per core.
        _run_all(wanted, app.config.snippet_jobs or 2 * (os.cpu_count() or 1))


def _run_all(wanted: dict[str, tuple[Path, float]], jobs: int) -> None:
    total = len(wanted)
    logger.info(f"running {total} snippet(s) on {jobs} worker(s)")
    started: dict[str, float] = {}
    lock = threading.Lock()

    def one(key: str) -> runner.Run:
        path, timeout = wanted[key]
        with lock:
            started[key] = time.monotonic()
        try:
            return runner.run(path, timeout)
        finally:
            with lock:
                del started[key]

    done, failed, noticed, next_report = 0, 0, set(), 0.25
    begin = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(one, key): key for key in sorted(wanted, key=lambda k: wanted[k][0])}
        pending = set(futures)
        while pending:
            finished, pending = concurrent.futures.wait(pending, timeout=1.0)
            for future in finished:
                run = future.result()
                _results.put(futures[future], run)
                done += 1
                failed += not run.ok
            if done / total >= next_report or not pending:
                logger.info(f"snippets: {done}/{total} done, {failed} failed "
                            f"({time.monotonic() - begin:.1f} s)")
                while next_report <= done / total:
                    next_report += 0.25
            with lock:
                slow = [(k, time.monotonic() - t) for k, t in started.items()
                        if time.monotonic() - t > SLOW_NOTICE and k not in noticed]
            for key, seconds in slow:
                noticed.add(key)
                logger.info(f"snippets: {runner._shown_as(wanted[key][0])} still running after "
                            f"{seconds:.0f} s (limit {wanted[key][1]:g} s)")


# --- the directive ------------------------------------------------------------------------------

class ExecSnippet(ExecCode):
    """``exec_code`` with ``:filename:``: show the snippet file and what running it printed."""

    option_spec = dict(ExecCode.option_spec, timeout=directives.positive_int)

    def _run(self) -> list[nodes.Node]:
        options = dict(self.options)
        block_timeout = options.pop("timeout", None)
        code_spec, output_spec = get_specs(options)
        if not code_spec.filename:
            raise self.error("exec_code needs :filename: here (the code lives in snippets/)")
        path = _snippet(self.env.app, code_spec.filename)
        if not path.is_file():
            raise self.error(f"no snippet {code_spec.filename} in {self.config.snippet_dir}")
        self.env.note_dependency(str(path))
        timeout = _timeout(self.env.app, block_timeout)
        key = runner.cache_key(path, timeout)
        if self.config.snippet_execute:
            run = _results.get(key)
            if run is None:  # not seen by run_missing (should be rare): run it now
                run = runner.run(path, timeout)
                _results.put(key, run)
        else:
            run = runner.Run(f"snippets/{code_spec.filename}", "(not run: snippet_execute is off)",
                             0, 0.0, timeout)
        _pages(self.env).setdefault(self.env.docname, []).append((code_spec.filename, timeout))

        code: list[nodes.Node] = []
        self.create_literal_block(code, path.read_text(encoding="utf-8"), code_spec, 1)
        output: list[nodes.Node] = []
        printed = run.output if run.ok else f"{run.output}\n[{run.status}]"
        self.create_literal_block(output, printed, output_spec, 1)
        for group, css in ((code, "snippet-code"), (output, "snippet-output")):
            for node in group:
                node["classes"].append(css)
        return code + [self._run_it_yourself(path, code_spec.filename)] + output

    def _run_it_yourself(self, path: Path, filename: str) -> nodes.Node:
        """A line under the code: the command that runs it from a clone, and a download link."""
        label, download = _LABELS[_edition_key(self.config)][5:7]
        shown = f"python3 snippets/{filename}"
        here = Path(self.env.doc2path(self.env.docname)).parent
        line = nodes.paragraph(classes=["snippet-run"])
        line += nodes.Text(label + " ")
        line += nodes.literal(shown, shown)
        line += nodes.Text(" · ")
        line += addnodes.download_reference(
            "", "", nodes.literal(path.name, download), reftarget=os.path.relpath(path, here),
            refdoc=self.env.docname, refexplicit=True, reftype="download", refdomain="")
        return line


def _pages(env) -> dict[str, list[tuple[str, float]]]:
    """docname -> the (snippet, time limit) pairs it shows, kept in the environment."""
    if not hasattr(env, "snippet_pages"):
        env.snippet_pages = {}
    return env.snippet_pages


# --- the runs page ------------------------------------------------------------------------------

class snippet_runs(nodes.General, nodes.Element):
    """Placeholder, filled in once every page has been read."""


class SnippetRuns(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        self.env.snippet_runs_pages = getattr(self.env, "snippet_runs_pages", set())
        self.env.snippet_runs_pages.add(self.env.docname)
        return [snippet_runs()]


_LABELS = {
    "en": ("Snippet", "Page", "Status", "Run time (s)", "Ran at (UTC)", "Run it yourself:",
           "download"),
    "zh": ("示例", "页面", "状态", "运行时间（秒）", "运行于（UTC）", "自己运行：", "下载"),
}


def _edition_key(config) -> str:
    return "zh" if (config.language or "en").startswith("zh") else "en"


def _runs_table(app, env) -> list[tuple[str, str, runner.Run | None]]:
    rows, seen = [], set()
    for docname, shown in sorted(_pages(env).items()):
        for filename, timeout in shown:
            if filename in seen:
                continue
            seen.add(filename)
            key = _key(app, filename, timeout)
            rows.append((filename, docname, _results.get(key) if key else None))
    rows.sort(key=lambda row: -(row[2].duration if row[2] else 0))
    return rows


def fill_runs_table(app, doctree, docname) -> None:
    labels = _LABELS[_edition_key(app.config)]
    for placeholder in doctree.findall(snippet_runs):
        table = nodes.table(classes=["snippet-runs"])
        group = nodes.tgroup(cols=5)
        table += group
        for width in (40, 20, 14, 12, 20):
            group += nodes.colspec(colwidth=width)
        head, body = nodes.thead(), nodes.tbody()
        group += head
        group += body
        head += _row(labels[:5])
        for filename, page, run in _runs_table(app, app.env):
            page_ref = nodes.reference("", app.env.titles[page].astext() if page in app.env.titles
                                       else page, internal=True,
                                       refuri=app.builder.get_relative_uri(docname, page))
            if run is None:
                body += _row([f"snippets/{filename}", page_ref, "not run", "", ""])
                continue
            when = datetime.datetime.fromtimestamp(run.finished_at, datetime.UTC)
            body += _row([f"snippets/{filename}", page_ref, run.status, f"{run.duration:.2f}",
                          when.strftime("%Y-%m-%d %H:%M")])
        placeholder.replace_self(table)


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        paragraph = nodes.paragraph()
        paragraph += cell if isinstance(cell, nodes.Node) else nodes.Text(str(cell))
        entry += paragraph
        row += entry
    return row


# --- keeping pages up to date -------------------------------------------------------------------

def outdated(app, env, added, changed, removed) -> list[str]:
    """Pages whose snippet has no result yet (edited, failed last time, or cache cleared)."""
    if not app.config.snippet_execute:
        return []
    stale = []
    for docname, shown in _pages(env).items():
        for filename, timeout in shown:
            key = _key(app, filename, timeout)
            if key is None or _results.get(key) is None or not _results.get(key).ok:
                stale.append(docname)
                break
    digest = _runs_digest(app, env)
    if digest != getattr(env, "snippet_runs_digest", None):
        stale += sorted(getattr(env, "snippet_runs_pages", set()))
    return stale


def _runs_digest(app, env) -> str:
    rows = [(f, p, r.status if r else None, r.duration if r else None)
            for f, p, r in _runs_table(app, env)]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def remember_digest(app, env) -> None:
    env.snippet_runs_digest = _runs_digest(app, env)


def purge(app, env, docname) -> None:
    _pages(env).pop(docname, None)
    getattr(env, "snippet_runs_pages", set()).discard(docname)


def merge(app, env, docnames, other) -> None:
    _pages(env).update({d: v for d, v in _pages(other).items() if d in docnames})
    env.snippet_runs_pages = getattr(env, "snippet_runs_pages", set())
    env.snippet_runs_pages |= getattr(other, "snippet_runs_pages", set()) & set(docnames)


# --- the end of the build: report ---------------------------------------------------------------

def report(app, exception) -> None:
    if exception is not None:
        return
    rows = _runs_table(app, app.env)
    failures = [(f, r) for f, _, r in rows if r is not None and not r.ok]
    for filename, run in failures:
        where = ", ".join(str(app.env.doc2path(d)) for d, shown in sorted(_pages(app.env).items())
                          if any(f == filename for f, _ in shown))
        logger.warning(f"snippet failed (shown at {where}):\n{run.describe()}", type="snippet")
    if app.config.snippet_report_dir:
        _write_junit(Path(app.config.snippet_report_dir) / f"snippets-{app.config.language}.xml",
                     rows)
    ran = len(_results.ran)
    logger.info(f"snippets: {len(rows)} shown, {ran} run by this build, {len(rows) - ran} from the "
                f"cache, {len(failures)} failed")


def _write_junit(file: Path, rows) -> None:
    suite = ET.Element("testsuite", name="snippets", tests=str(len(rows)))
    failures = 0
    for filename, page, run in rows:
        case = ET.SubElement(suite, "testcase", classname=filename.split("/")[0],
                             name=f"snippets/{filename}",
                             time=f"{run.duration:.3f}" if run else "0")
        ET.SubElement(ET.SubElement(case, "properties"), "property", name="page", value=page)
        if run is None:
            ET.SubElement(case, "skipped", message="not run")
        elif not run.ok:
            failures += 1
            ET.SubElement(case, "failure", message=run.status).text = run.describe(tail_lines=40)
        if run is not None:
            ET.SubElement(case, "system-out").text = run.output
    suite.set("failures", str(failures))
    file.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(file, encoding="utf-8", xml_declaration=True)


def init(app) -> None:
    global _results
    _results = Results(Path(app.config.snippet_cache_dir))


def setup(app):
    app.setup_extension("sphinx_exec_code")
    app.add_config_value("snippet_dir", "snippets", "env")
    app.add_config_value("snippet_timeout", runner.DEFAULT_TIMEOUT, "env")
    app.add_config_value("snippet_cache_dir", "_build/snippet-cache", "")
    app.add_config_value("snippet_report_dir", "", "")
    app.add_config_value("snippet_jobs", 0, "")
    app.add_config_value("snippet_execute", True, "env")  # False: show code only (make bench)
    app.add_directive("exec_code", ExecSnippet, override=True)
    app.add_directive("snippet-runs", SnippetRuns)
    app.add_node(snippet_runs)
    app.connect("builder-inited", init)
    app.connect("env-get-outdated", outdated)
    app.connect("env-before-read-docs", run_missing)
    app.connect("env-updated", remember_digest)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("doctree-resolved", fill_runs_table)
    app.connect("build-finished", report)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
