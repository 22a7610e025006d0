"""The Sphinx side of executed snippets, as one path: pages → records → runs → rendering → report.

1. **Pages.** ``{exec_code}`` (sphinx-exec-code's directive name, with our ``run``) shows a snippet
   file and leaves a placeholder for its output; the ``{output}`` role leaves a placeholder for one
   labelled value of a run. Both check their input and fail with the page's file and line.
2. **Records.** ``SnippetCollector`` (an EnvironmentCollector) takes from each doctree Sphinx parsed
   which snippets the page shows or cites, and where; it refuses any other code block. One record
   per snippet: the pages and lines, its time limit and the files it uses (runner.Snippet).
3. **Runs.** Each snippet without a cached result is run, side by side (schedule.Runs, runner.run):
   its run starts as soon as a page that shows it is read, and every run has ended before any
   page is written. Results are cached under a key of every file the snippet runs; failures are
   never cached. Pages whose result changed are written again, without being read again.
4. **Rendering.** When a page is written, its placeholders receive the output and values of the
   snippet's run, and the "Snippet runs" page its table.
5. **Report.** At the end: every failure with the pages that show it, a JUnit XML file, and the
   published runs (``published-<edition>.json``) that the tests check.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import html
import json
import os
import posixpath
import resource
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx_exec_code.sphinx_exec import ExecCode
from sphinx_exec_code.sphinx_spec import get_specs

from . import calls, runner, schedule

logger = logging.getLogger(__name__)
CATALOG = "snippetexec"
_ = get_translation(CATALOG)


# --- 1. pages -----------------------------------------------------------------------------------

class snippet_output(nodes.General, nodes.Element):
    """Where a snippet's output goes; replaced when the page is written."""


class snippet_value(nodes.Inline, nodes.TextElement):
    """Where one labelled value of a snippet's output goes; replaced when the page is written."""


class snippet_runs(nodes.General, nodes.Element):
    """Where the table of every run goes; replaced when the page is written."""


def _load(env, name: str) -> runner.Snippet:
    snippet = runner.Snippet.load(name, Path(env.config.snippet_dir))
    for file in snippet.files():
        env.note_dependency(str(file))
    return snippet


class ExecSnippet(ExecCode):
    """``exec_code`` with ``:filename:``: the snippet file, then what running it printed."""

    option_spec = dict(ExecCode.option_spec, timeout=directives.unchanged)

    def run(self) -> list[nodes.Node]:
        if "timeout" in self.options:
            raise self.error(":timeout: is not a page option: declare the limit once, in the "
                             "snippet's header (# snippet: timeout = 60)")
        filename = self.options.get("filename")
        if self.content or not filename:
            raise self.error("exec_code needs :filename: and no inline code: every example is a "
                             "file under snippets/, run by the build")
        try:
            snippet = _load(self.env, filename)
        except runner.SnippetError as error:
            raise self.error(str(error)) from None
        code_spec, output_spec = get_specs({k: v for k, v in self.options.items()})
        code: list[nodes.Node] = []
        self.create_literal_block(code, snippet.shown_code(), code_spec, 1)
        for node in code:
            node["classes"].append("snippet-code")
            for block in node.findall(nodes.literal_block):
                block["snippet"] = snippet.name
        output = snippet_output(snippet=snippet.name, hidden=output_spec.hide,
                                language=output_spec.language)
        self.set_source_info(output)
        return [*code, self._run_it_yourself(snippet), output]

    def _run_it_yourself(self, snippet: runner.Snippet) -> nodes.Node:
        """A line under the code: the command that runs it from a clone, and a download link."""
        shown = f"python3 snippets/{snippet.name}"
        here = Path(self.env.doc2path(self.env.docname)).parent
        line = nodes.paragraph(classes=["snippet-run"])
        label = _("Run it yourself:")
        # No space after a full-width colon (自己运行：python3 ...).
        line += nodes.Text(label if unicodedata.east_asian_width(label[-1]) in "FW"
                           else label + " ")
        line += nodes.literal(shown, shown)
        line += nodes.Text(" · ")
        line += addnodes.download_reference(  # a word, not code: 下载 in the zh edition
            "", "", nodes.inline(snippet.path.name, _("download")),
            reftarget=os.path.relpath(snippet.path, here), refdoc=self.env.docname,
            refexplicit=True, reftype="download", refdomain="")
        return line


class OutputValue(SphinxRole):
    """``{output}`pipes/x.py#label:``: the rest of the one output line that starts with ``label:``.

    Binds a figure that varies from run to run into the prose: it comes from the published run.
    """

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        name, sep, prefix = self.text.partition("#")
        if not sep or not prefix.strip():
            return self._error("{output} needs `snippet.py#start of the line`")
        try:
            snippet = _load(self.env, name.strip())
        except runner.SnippetError as error:
            return self._error(str(error))
        node = snippet_value(self.rawtext, prefix, snippet=snippet.name, prefix=prefix)
        self.set_source_info(node)
        return [node], []

    def _error(self, message: str):
        msg = self.inliner.reporter.error(message, line=self.lineno)
        return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]


# --- 2. records ---------------------------------------------------------------------------------

@dataclasses.dataclass
class Shown:
    """One place a page uses a snippet: shows its code and output, or cites a value of its run."""

    snippet: str
    line: int
    how: str  # "shows", "cites" or "runs-table"


class SnippetCollector(EnvironmentCollector):
    """Keeps ``env.snippet_pages`` (docname -> [Shown]) and drives the runs and the rendering."""

    def __init__(self):
        self.results: Results | None = None
        self.runs: schedule.Runs | None = None

    def enable(self, app) -> None:
        super().enable(app)
        app.connect("builder-inited", self.builder_inited)
        app.connect("env-updated", self.run_missing)
        app.connect("doctree-resolved", self.render)
        app.connect("build-finished", self.report)

    # The collector's part: what each page uses, from the doctree Sphinx made of it.
    def clear_doc(self, app, env, docname: str) -> None:
        _pages(env).pop(docname, None)

    def merge_other(self, app, env, docnames: set[str], other) -> None:
        _pages(env).update({d: v for d, v in _pages(other).items() if d in docnames})

    def process_doc(self, app, doctree: nodes.document) -> None:
        shown = []
        kinds = (snippet_output, snippet_value, snippet_runs, nodes.literal_block)
        for node in doctree.findall(lambda n: isinstance(n, kinds)):
            if isinstance(node, snippet_runs):
                shown.append(Shown("", node.line or 0, "runs-table"))
            elif isinstance(node, snippet_output):
                shown.append(Shown(node["snippet"], node.line or 0, "shows"))
            elif isinstance(node, snippet_value):
                shown.append(Shown(node["snippet"], node.line or 0, "cites"))
            elif "snippet" not in node and not _inside(node, nodes.system_message):
                logger.error("a code block that is not a snippet: every example on a page is a "
                             "file under snippets/, shown with {exec_code} and :filename:",
                             location=node, type="snippet", subtype="not-a-snippet")
        if shown:
            _pages(app.env)[app.env.docname] = shown
        else:
            _pages(app.env).pop(app.env.docname, None)
        # Their runs start now, beside Sphinx reading the next pages (not in parallel readers,
        # forked processes that end with their share of the pages).
        if self.runs is not None and app.parallel <= 1:
            for name in dict.fromkeys(item.snippet for item in shown if item.snippet):
                if key := self.results.key(name):  # "": the file went away, no snippet to load
                    self.runs.start(key, self.results.snippet(name))

    # --- 3. runs ------------------------------------------------------------------------------
    def builder_inited(self, app) -> None:
        self.results = Results(Path(app.config.snippet_cache_dir), Path(app.config.snippet_dir),
                               with_calls=app.config.snippet_calls)
        if app.config.snippet_execute:
            # Most snippets spend their time waiting (on pipes, timers, children): two per core.
            self.runs = schedule.Runs(self.results,
                                      app.config.snippet_jobs or 2 * (os.cpu_count() or 1),
                                      say=logger.info, uncontained=_say_not_contained)

    def run_missing(self, app, env) -> list[str]:
        """Run every snippet the pages use that has no good result; return the pages to write."""
        if not app.config.snippet_execute:
            return []
        records = _records(env, self.results)
        wanted = {key: self.results.snippet(name) for name, (key, _places) in records.items()
                  if key and not self.results.ok(key)}
        self.runs.finish(wanted)  # and the runs started as the pages were read
        # A page is written again when its snippet's run is not the one it shows: run by this
        # build, or taken from the cache under another key than last time (the other edition's
        # build ran it after a change to how runs are made, with no page changed).
        shown = getattr(env, "snippet_shown_keys", {})
        rewrite = {d for name, (key, places) in records.items()
                   if key in self.results.ran or shown.get(name) != key
                   for d, _line, _how in places}
        env.snippet_shown_keys = {name: key for name, (key, _places) in records.items()}
        digest = _runs_digest(env, self.results)
        if digest != getattr(env, "snippet_runs_digest", None):
            rewrite |= _runs_pages(env)
            env.snippet_runs_digest = digest
        return sorted(rewrite)

    # --- 4. rendering -------------------------------------------------------------------------
    def render(self, app, doctree: nodes.document, docname: str) -> None:
        panels: dict[str, dict] = {}
        for node in list(doctree.findall(snippet_output)):
            run = self._run_for(app, node)
            if node["hidden"]:
                node.replace_self([])
                continue
            # Control characters (ESC, BEL, U+FFFE...) shown escaped, as in the log: never raw.
            printed = runner.printable(run.output if run.ok else f"{run.output}\n[{run.status}]")
            block = nodes.literal_block(printed, printed, language=node["language"] or "none",
                                        classes=["snippet-output"])
            block["snippet"] = node["snippet"]
            block.source, block.line = node.source, node.line
            node.replace_self([block, *_calls_panel(run, node["snippet"], panels,
                                                    _calls_url(docname))])
        for node in list(doctree.findall(snippet_value)):
            run = self._run_for(app, node)
            found = [runner.printable(line[len(node["prefix"]):].strip())
                     for line in run.output.splitlines() if line.startswith(node["prefix"])]
            if not app.config.snippet_execute:
                found = ["…"]  # nothing was run (make bench's plain Sphinx builds)
            elif len(found) != 1:
                logger.error(f"{{output}} {node['snippet']}#{node['prefix']}: the run printed "
                             f"{len(found)} lines starting so, not exactly one",
                             location=node, type="snippet", subtype="value")
                found = ["?"]
            node.replace_self(nodes.inline(found[0], found[0], classes=["snippet-value"]))
        for placeholder in list(doctree.findall(snippet_runs)):
            placeholder.replace_self(_runs_table(app, docname, self.results))
        _write_calls(app, docname, panels)

    def _run_for(self, app, node) -> runner.Run:
        if not app.config.snippet_execute:
            return runner.Run(f"snippets/{node['snippet']}", "(not run: snippet_execute is off)",
                              0, 0.0, 0.0)
        run = self.results.get(self.results.key(node["snippet"]))
        if run is None:  # the snippet changed after the run
            return runner.Run(f"snippets/{node['snippet']}", "", None, 0.0, 0.0,
                              leftovers=["not run by this build"])
        return run

    # --- 5. report ----------------------------------------------------------------------------
    def report(self, app, exception) -> None:
        if self.runs is not None and exception is not None:
            runner.CANCEL.set()  # the build failed while runs were under way: stop them
            self.runs.close()
        if exception is not None or not app.config.snippet_execute:
            return
        records = _records(app.env, self.results)
        failures = 0
        for name, (key, places) in sorted(records.items()):
            run = self.results.get(key)
            if run is not None and run.ok:
                continue
            failures += 1
            where = ", ".join(f"{_relative(app.env.doc2path(d))}:{line}" for d, line, _ in places)
            why = run.describe() if run else f"snippets/{name}: not run"
            logger.warning(f"snippet failed (shown at {where}):\n{_printable(why)}",
                           type="snippet", subtype="failed")
        folder = _edition_folder(app)
        if app.config.snippet_report_dir:
            reports = Path(app.config.snippet_report_dir)
            _write_junit(reports / f"snippets-{folder}.xml", records, self.results, app.env)
            _write_published(reports / f"published-{folder}.json", records, self.results, app.env)
        ran = len(self.results.ran)
        how = "contained" if runner.contain.mode().contained else "NOT contained"
        logger.info(f"snippets: {len(records)} shown, {ran} run by this build ({how}), "
                    f"{len(records) - ran} from the cache, {failures} failed")
        if ran:
            own, runs = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                               resource.RUSAGE_CHILDREN))
            logger.info(f"snippets: CPU time of this build {own.ru_utime + own.ru_stime:.1f} s "
                        f"(Sphinx, and the runner's threads), of its runs "
                        f"{runs.ru_utime + runs.ru_stime:.1f} s")
        if ran and schedule.containment_notice():  # said again where a writer reads the outcome
            logger.info(schedule.containment_notice(), color="red")


def _inside(node: nodes.Node, kind) -> bool:
    while node is not None:
        if isinstance(node, kind):
            return True
        node = node.parent
    return False


def _pages(env) -> dict[str, list[Shown]]:
    if not hasattr(env, "snippet_pages"):
        env.snippet_pages = {}
    return env.snippet_pages


def _records(env, results: Results) -> dict[str, tuple[str, list[tuple[str, int, str]]]]:
    """snippet name -> (cache key, [(docname, line, how)]): one record per snippet.

    The key is computed from the files as they are now, not when the page was read: a change to
    the runner changes every key without any page changing.
    """
    records: dict[str, tuple[str, list]] = {}
    for docname, shown in sorted(_pages(env).items()):
        for item in shown:
            if item.how == "runs-table":
                continue
            key, places = records.setdefault(item.snippet, (results.key(item.snippet), []))
            places.append((docname, item.line, item.how))
    return records


def _relative(path) -> str:
    path = Path(path)
    try:
        return path.resolve().relative_to(runner.ROOT).as_posix()
    except ValueError:
        return str(path)


def _edition_folder(app) -> str:
    try:
        from editions import edition_of  # one table of editions, in docs/_ext/editions.py
        return edition_of(app.config).folder
    except (ImportError, AttributeError):
        return Path(app.srcdir).name


class Results:
    """Runs by cache key: in memory for this build, on disk for the successful ones."""

    def __init__(self, cache_dir: Path, snippet_dir: Path, with_calls: bool = False):
        self.cache_dir = cache_dir
        self.with_calls = with_calls  # a good result has its "Calls made" panel
        self.snippet_dir = snippet_dir
        self.memory: dict[str, runner.Run] = {}
        self.ran: set[str] = set()  # keys run by this build (not taken from the cache)
        self.snippets: dict[str, runner.Snippet] = {}
        self.keys: dict[str, str] = {}

    def snippet(self, name: str) -> runner.Snippet:
        """The snippet as its files are now, read once per build."""
        if name not in self.snippets:
            self.snippets[name] = runner.Snippet.load(name, self.snippet_dir)
        return self.snippets[name]

    def key(self, name: str) -> str:
        """The snippet's cache key, computed once per build (files edited during the build wait
        for the next one)."""
        if name not in self.keys:
            try:
                self.keys[name] = self.snippet(name).cache_key()
            except runner.SnippetError:
                self.keys[name] = ""  # removed since its page was read: read again, and fails
        return self.keys[name]

    def get(self, key: str) -> runner.Run | None:
        if key not in self.memory:
            file = self.cache_dir / f"{key}.json"
            try:
                self.memory[key] = runner.Run.from_json(file.read_text(encoding="utf-8"))
            except FileNotFoundError:
                return None
            except (OSError, ValueError, TypeError) as error:
                logger.warning(f"ignoring the unreadable snippet cache entry {file}: {error}",
                               type="snippet", subtype="cache")
                return None
        return self.memory.get(key)

    def ok(self, key: str) -> bool:
        run = self.get(key)
        return run is not None and self._good(run)

    def _good(self, run: runner.Run) -> bool:
        return run.ok and (run.calls_from != "" or not self.with_calls)

    def stored(self, key: str) -> runner.Run | None:
        """The good result on disk now (another build may have stored it since ``get``)."""
        try:
            run = runner.Run.from_json((self.cache_dir / f"{key}.json").read_text("utf-8"))
        except (OSError, ValueError, TypeError):
            return None
        return run if self._good(run) else None

    def store(self, key: str, run: runner.Run) -> None:
        """On disk if good (from any thread: two never store one key, schedule.Claims)."""
        if run.ok:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_dir / f"{key}.json.tmp{os.getpid()}"
            tmp.write_text(run.to_json(), encoding="utf-8")
            tmp.replace(self.cache_dir / f"{key}.json")

    def put(self, key: str, run: runner.Run, ran: bool = True, stored: bool = False) -> None:
        """This build's result for ``key``: ``ran`` by it, or found stored by another build."""
        self.memory[key] = run
        if ran:
            self.ran.add(key)
            if not stored:
                self.store(key, run)


def _say_not_contained() -> None:
    """Loud; a warning (an error under -W) unless the fallback was asked for by name."""
    if runner.contain.asked_off():
        logger.info(schedule.containment_notice(), color="red")
    else:
        logger.warning(schedule.containment_notice() + f" (set {runner.contain.ENV_SWITCH}=off to "
                       "build uncontained on purpose)", type="snippet", subtype="uncontained")


# --- the "Calls made" panel under an output -------------------------------------------------------

def _calls_panel(run: runner.Run, name: str, panels: dict[str, dict],
                 url: str) -> list[nodes.Node]:
    """A collapsed list of the calls the run made: the Python call, the system calls beneath.

    The page carries the panel's heading; its note and rows go to ``panels``, the page's calls
    script at ``url`` (_write_calls), which the panel loads when it is first opened: written out
    as HTML they were a third of the longest pages' weight and most of their elements."""
    if not run.calls:
        return []
    if run.calls_from == "strace" and calls.one_run(runner.Snippet.load(name)):
        note = _("System calls from this very run, made under strace: neither the timing "
                 "tracing changes nor ptrace can change what this snippet prints.")
    elif run.calls_from == "strace":
        note = _("System calls from a second run of the same snippet under strace: tracing "
                 "changes the timing, so the output above comes from the run without it.")
    else:
        reason, _sep, status = runner.printable(run.calls_from).partition(" ")
        why = {"no-strace": _("strace is not installed on the build machine"),
               "opt-out": _("tracing would change what this snippet shows"),
               "trace-failed": _("the traced run failed: {status}").format(status=status),
               }.get(reason, reason)
        note = _("Python calls only ({why}). To see the system calls: "
                 "strace -f python3 snippets/{name}").format(why=why, name=name)
    rows = [[row["process"], row["pid"], row["call"], row.get("made_in") or "", row["syscalls"]]
            for row in run.calls[:calls.MAX_ROWS]]
    more = ""
    if len(run.calls) > calls.MAX_ROWS:
        more = _("… and {n} more calls").format(n=len(run.calls) - calls.MAX_ROWS)
    panels[name] = {"note": note, "rows": rows, "more": more}
    text = (f'<details class="snippet-calls" data-show-all="{html.escape(_("Show all calls"))}" '
            f'data-hide-all="{html.escape(_("Hide all calls"))}" '
            f'data-calls="{html.escape(url)}" data-snippet="{html.escape(name)}">'
            f'<summary>{html.escape(_("Calls made"))}</summary>'
            f'<ol class="snippet-calls-list"></ol></details>')
    return [nodes.raw("", text, format="html")]


CALLS_DIR = "_calls"  # in each edition's output: <page>.js, the rows of the page's panels


def _calls_url(docname: str) -> str:
    """Where a page's calls script is, relative to the page."""
    return posixpath.relpath(f"{CALLS_DIR}/{docname}.js", posixpath.dirname(docname) or ".")


def _write_calls(app, docname: str, panels: dict[str, dict]) -> None:
    """The notes and rows of a page's panels as a script (JSON inside a call, so that it loads
    from file:// too), named by the page."""
    if not panels or app.builder.format != "html":
        return
    script = Path(app.outdir, CALLS_DIR, f"{docname}.js")
    script.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(panels, ensure_ascii=False, separators=(",", ":"))
    script.write_text(f"snippetCallsLoaded({data});\n", encoding="utf-8")


# --- the runs page ------------------------------------------------------------------------------

def _runs_pages(env) -> set[str]:
    return {d for d, shown in _pages(env).items() if any(s.how == "runs-table" for s in shown)}


class SnippetRuns(SphinxDirective):
    """``{snippet-runs}``: the table of every snippet of the edition, slowest first."""

    def run(self) -> list[nodes.Node]:
        node = snippet_runs()
        self.set_source_info(node)
        return [node]


def _table_rows(env, results: Results):
    rows = []
    for name, (key, places) in _records(env, results).items():
        shows = [d for d, _, how in places if how == "shows"] or [places[0][0]]
        rows.append((name, shows[0], results.get(key)))
    rows.sort(key=lambda row: (-(row[2].duration if row[2] else 0), row[0]))
    return rows


def _runs_digest(env, results: Results) -> str:
    rows = [(f, p, r.status if r else None, r.duration if r else None,
             r.contained if r else None, sorted(r.made.items()) if r else None)
            for f, p, r in _table_rows(env, results)]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _runs_table(app, docname: str, results: Results) -> list[nodes.Node]:
    """The table of runs, under a warning if some were not contained."""
    rows = _table_rows(app.env, results)
    bare = [run for _f, _p, run in rows if run is not None and not run.contained]
    notice = []
    if bare:
        warning = nodes.warning()
        warning += nodes.paragraph("", _(
            "{n} of these runs were made without containment (no sandbox on the machine that "
            "built this page): a snippet could reach the build and the machine.").format(
                n=len(bare)))
        notice = [warning]
    return [*notice, *_how_made(rows), _table(app, docname, rows)]


def _how_made(rows) -> list[nodes.Node]:
    """One paragraph per way the runs were made (one, unless a cache mixed machines)."""
    ways = {}
    for _f, _p, run in rows:
        if run is not None and run.made:
            ways.setdefault(json.dumps(run.made, sort_keys=True), []).append(run)
    found = []
    for text, runs in ways.items():
        made = json.loads(text)
        contained = (_("contained: {how}").format(how=made["how"]) if made["contained"] else
                     _("not contained: {how}").format(how=made["how"]))
        found.append(nodes.paragraph("", _(
            "{n} runs made on Linux {kernel} with Python {python}, {user}; {contained}; "
            "system calls of the panels: {strace}.").format(
                n=len(runs), kernel=made["kernel"], python=made["python"],
                user=_("as root") if made["root"] else _("as an ordinary user"),
                contained=contained,
                strace=_("from strace") if made["strace"] else _("none (no strace)")),
            classes=["snippet-runs-made"]))
    return found


def _table(app, docname: str, rows) -> nodes.Node:
    labels = [_("Snippet"), _("Page"), _("Status"), _("Run time (s)"), _("Ran at (UTC)")]
    table = nodes.table(classes=["snippet-runs"])
    group = nodes.tgroup(cols=5)
    table += group
    for width in (40, 20, 14, 12, 20):
        group += nodes.colspec(colwidth=width)
    head, body = nodes.thead(), nodes.tbody()
    group += head
    group += body
    head += _row(labels)
    for filename, page, run in rows:
        title = app.env.titles[page].astext() if page in app.env.titles else page
        page_ref = nodes.reference("", title, internal=True,
                                   refuri=app.builder.get_relative_uri(docname, page))
        if run is None:
            body += _row([f"snippets/{filename}", page_ref, _("not run"), "", ""])
            continue
        when = datetime.datetime.fromtimestamp(run.finished_at, datetime.UTC)
        body += _row([f"snippets/{filename}", page_ref, _status_words(run), f"{run.duration:.2f}",
                      when.strftime("%Y-%m-%d %H:%M")])
    return table


def _status_words(run: runner.Run) -> str:
    """A run's status (runner.Run.status) in the page's language, control characters escaped."""
    status = runner.printable(run.status)
    if status.startswith("exit status "):
        return _("exit status {n}").format(n=run.returncode)
    if status.startswith("killed by "):
        return _("killed by {signal}").format(signal=status.removeprefix("killed by "))
    if status.startswith("printed more than "):
        return _("printed more than {size}").format(size=status.removeprefix("printed more than "))
    return {"ok": _("ok"), "timed out": _("timed out"), "left things behind":
            _("left things behind"), "stopped: the build was interrupted":
            _("stopped: the build was interrupted")}.get(status, status)


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        paragraph = nodes.paragraph()
        paragraph += cell if isinstance(cell, nodes.Node) else nodes.Text(str(cell))
        entry += paragraph
        row += entry
    return row


# --- reports ------------------------------------------------------------------------------------

_printable = runner.printable  # control characters escaped: safe for a terminal, log and XML


def _write_junit(file: Path, records, results: Results, env) -> None:
    suite = ET.Element("testsuite", name="snippets", tests=str(len(records)))
    failures = 0
    for name, (key, places) in sorted(records.items()):
        run = results.get(key)
        case = ET.SubElement(suite, "testcase", classname=name.split("/")[0],
                             name=f"snippets/{name}", time=f"{run.duration:.3f}" if run else "0")
        properties = ET.SubElement(case, "properties")
        for docname, line, _how in places:
            ET.SubElement(properties, "property", name="page",
                          value=f"{_relative(env.doc2path(docname))}:{line}")
        if run is None:
            ET.SubElement(case, "skipped", message="not run")
            continue
        if not run.ok:
            failures += 1
            ET.SubElement(case, "failure", message=_printable(run.status)).text = _printable(
                run.describe(tail_lines=40))
        ET.SubElement(case, "system-out").text = _printable(run.output)
    suite.set("failures", str(failures))
    file.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(file, encoding="utf-8", xml_declaration=True)


def _write_published(file: Path, records, results: Results, env) -> None:
    """Every snippet of the edition with the pages that use it and the run they publish."""
    published = {}
    for name, (key, places) in sorted(records.items()):
        run = results.get(key)
        published[name] = {
            "key": key,
            "pages": [{"file": _relative(env.doc2path(d)), "line": line, "how": how}
                      for d, line, how in places],
            # Its fields are JSON values already: asdict's deep copy of some 10 000 events
            # took a fifth of a second per build.
            "run": {f.name: getattr(run, f.name) for f in dataclasses.fields(run)} if run else None,
        }
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(f".tmp{os.getpid()}")
    # One line: json's fast encoder does not indent (`python3 -m json.tool FILE` does).
    tmp.write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    tmp.replace(file)


# --- set-up -------------------------------------------------------------------------------------

def _compile_catalog() -> Path:
    """Compile the extension's own message catalogs (.po → .mo) when they changed."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    locale = Path(__file__).with_name("locale")
    for po in locale.glob(f"*/LC_MESSAGES/{CATALOG}.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
    return locale


def _add_static(app) -> None:
    """The panels' style and their page-wide switch."""
    app.config.html_static_path.append(str(Path(__file__).with_name("static")))
    app.add_css_file("snippetexec.css")
    app.add_js_file("snippetexec.js", loading_method="defer")


def setup(app):
    app.setup_extension("sphinx_exec_code")
    app.add_config_value("snippet_dir", str(runner.SNIPPETS), "env")
    app.add_config_value("snippet_cache_dir", "_build/snippet-cache", "")
    app.add_config_value("snippet_report_dir", "", "")
    app.add_config_value("snippet_jobs", 0, "")
    app.add_config_value("snippet_execute", True, "env")  # False: show code only (make bench)
    app.add_config_value("snippet_calls", True, "env")  # the "Calls made" panels (make bench)
    app.add_message_catalog(CATALOG, str(_compile_catalog()))
    app.connect("builder-inited", _add_static)
    app.add_directive("exec_code", ExecSnippet, override=True)
    app.add_directive("snippet-runs", SnippetRuns)
    app.add_role("output", OutputValue())
    for node in (snippet_output, snippet_value, snippet_runs):
        app.add_node(node)
    app.add_env_collector(SnippetCollector)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 2}
