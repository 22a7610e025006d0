"""The execution machinery (docs/_ext/snippetexec): isolation, time limits, failures, rebuilds.

Each build test makes a small site of its own in a temporary directory, with the project's conf.py.
"""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, requires
from snippetexec import runner

SPHINX_BUILD = Path(sys.executable).with_name("sphinx-build")


# --- runner -------------------------------------------------------------------------------------

def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_snippet_runs_in_a_fresh_temporary_directory_not_the_repository(tmp_path):
    script = write(tmp_path / "where.py", """\
        import os, tempfile
        print(os.getcwd())
        print(tempfile.gettempdir())
        print(sorted(os.listdir()))
    """)
    first, second = runner.run(script), runner.run(script)
    cwd, tmpdir, listing = first.output.splitlines()
    assert first.ok and listing == "[]" and second.ok
    assert not cwd.startswith(str(ROOT)) and not cwd.startswith(str(ROOT.parent) + os.sep + "main")
    if not first.contained:  # contained, each run has the same paths in its own mount namespace
        assert not Path(cwd).exists() and not Path(tmpdir).exists()  # removed afterwards
        assert cwd != second.output.splitlines()[0]


def test_time_limit_kills_the_whole_process_group(tmp_path):
    marker = f"{300 + os.getpid() % 1000}.{time.time_ns() % 10**6}"
    script = write(tmp_path / "hangs.py", f"""\
        import os, subprocess, time
        child = subprocess.Popen(["sleep", "{marker}"])
        print("child", child.pid, flush=True)
        time.sleep(300)
    """)
    started = time.monotonic()
    result = runner.run(script, timeout=2)
    assert time.monotonic() - started < 15
    assert result.timed_out and not result.ok and result.returncode is None
    time.sleep(0.5)
    assert not [p for p in Path("/proc").iterdir() if p.name.isdigit()
                and marker.encode() in _read(p / "cmdline")]
    assert "hangs.py:4: exceeded its time limit of 2 s" in result.describe()  # the stuck line


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


@pytest.mark.usefixtures("short_grace")  # the escaped process never exits on its own
def test_process_escaping_to_a_new_session_is_killed_and_reported(tmp_path):
    script = write(tmp_path / "escapes.py", """\
        import subprocess
        subprocess.Popen(["sleep", "300"], start_new_session=True)
        print("started")
    """)
    started = time.monotonic()
    result = runner.run(script, timeout=20)
    assert time.monotonic() - started < 10  # the held output pipe does not stall the run
    assert not result.ok and result.returncode == 0
    assert any("sleep 300" in item for item in result.leftovers)
    assert result.status == "left things behind"


def test_files_left_in_the_working_directory_or_tmpdir_are_reported(tmp_path):
    script = write(tmp_path / "litter.py", """\
        import os, tempfile
        open("junk.txt", "w").close()
        os.mkfifo(os.path.join(tempfile.gettempdir(), "forgotten.fifo"))
    """)
    result = runner.run(script)
    assert not result.ok
    assert result.leftovers == ["working directory: junk.txt", "TMPDIR: forgotten.fifo"]


def test_failure_names_the_snippet_file_and_the_true_line(tmp_path):
    script = write(tmp_path / "broken.py", """\
        def helper():
            return 1 / 0


        print("before")
        helper()
    """)
    result = runner.run(script)
    assert result.returncode == 1 and result.failing_line() == 2
    report = result.describe()
    assert report.startswith(f"{script}:2: exit status 1")
    assert "ZeroDivisionError" in report and "before" in report


def test_snippet_starts_with_default_signals_whatever_its_caller_ignored_or_blocked(tmp_path):
    script = write(tmp_path / "dispositions.py", """\
        import signal
        print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
        print(signal.getsignal(signal.SIGQUIT) == signal.SIG_DFL)
        print(signal.pthread_sigmask(signal.SIG_BLOCK, set()) == set())
    """)
    # A shell's background job starts with SIGINT and SIGQUIT ignored, as make may be.
    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    old_quit = signal.signal(signal.SIGQUIT, signal.SIG_IGN)
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    try:
        result = runner.run(script)
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGQUIT, old_quit)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    assert result.output.split() == ["True", "True", "True"]


def test_death_by_signal_is_reported_by_name(tmp_path):
    script = write(tmp_path / "killed.py",
                   "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n")
    result = runner.run(script)
    assert result.returncode == -15 and result.status == "killed by SIGTERM"


def test_output_keeps_the_order_of_writing_across_streams_and_processes(tmp_path):
    """One pipe for stdout and stderr: what was written (flushed) first comes first."""
    script = write(tmp_path / "order.py", """\
        import os, sys
        print("1 parent stdout", flush=True)
        print("2 parent stderr", file=sys.stderr)
        pid = os.fork()
        if pid == 0:
            print("3 child stdout", flush=True)
            print("4 child stderr", file=sys.stderr)
            os._exit(0)
        os.waitpid(pid, 0)
        print("5 parent again")
    """)
    lines = runner.run(script).output.splitlines()
    assert lines == ["1 parent stdout", "2 parent stderr", "3 child stdout", "4 child stderr",
                     "5 parent again"]


def test_a_snippet_runs_as_a_reader_runs_it_with_its_output_to_a_pipe(tmp_path):
    """No PYTHONUNBUFFERED, the real interpreter, a fresh working folder: stdout to a pipe is
    block-buffered, so an unflushed line before fork() is printed twice, as it is for a reader
    who runs ``python3 x.py | less``."""
    script = write(tmp_path / "buffered.py", """\
        import os, sys
        print("PYTHONUNBUFFERED" in os.environ, sys.stdout.isatty(), sys.stdout.line_buffering)
        print("executable", sys.executable)
        print("folder", sorted(os.listdir()))
        print("before fork")
        pid = os.fork()
        if pid == 0:
            sys.exit(0)  # flushes the copy of the buffer the child inherited
        os.waitpid(pid, 0)
    """)
    result = runner.run(script)
    assert result.ok, result.describe()
    lines = result.output.splitlines()
    assert lines.count("False False False") == 2
    assert lines.count("before fork") == 2  # the buffer was copied by fork
    assert f"executable {runner.contain.interpreter()}" in lines
    assert "folder []" in lines


def test_cache_key_changes_with_the_files_a_snippet_uses_and_its_limit_only(tmp_path):
    helper = write(tmp_path / "snippets" / "demo" / "helper.py", "print('helper')\n")
    script = write(tmp_path / "snippets" / "demo" / "a.py",
                   "# snippet: uses = helper.py\nprint(1)\n")
    key = runner.cache_key(script)
    assert runner.cache_key(script) == key
    assert runner.cache_key(script, 31) != key
    os.utime(script, (0, 0))
    assert runner.cache_key(script) == key  # touching is not editing
    helper.write_text("print('helper, edited')\n")
    assert runner.cache_key(script) != key  # a file it runs changed: a new run
    key = runner.cache_key(script)
    script.write_text("# snippet: uses = helper.py\nprint(2)\n")
    assert runner.cache_key(script) != key


def test_header_declares_time_limit_and_used_files_once_and_is_not_shown(tmp_path):
    root = tmp_path / "snippets"
    write(root / "demo" / "helper.py", "")
    script = write(root / "demo" / "a.py", """\
        \"\"\"Doc.\"\"\"
        # snippet: timeout = 5
        # snippet: uses = helper.py
        print(1)
    """)
    snippet = runner.Snippet.load("demo/a.py", root)
    assert snippet.timeout == 5.0 and snippet.uses == ((root / "demo" / "helper.py").resolve(),)
    assert snippet.shown_code() == '"""Doc."""\nprint(1)\n'
    assert snippet.files() == [script.resolve(), (root / "demo" / "helper.py").resolve()]
    assert runner.run(snippet).timeout == 5.0


@pytest.mark.parametrize("header, message", [
    ("# snippet: timeout = soon", "a.py:1: timeout must be a number of seconds, not 'soon'"),
    ("# snippet: timeout = 0", "a.py:1: timeout must be above 0 and at most 120 s"),
    ("# snippet: timeout = 600", "a.py:1: timeout must be above 0 and at most 120 s"),
    ("# snippet: uses = missing.py", "a.py:1: uses missing.py, which does not exist"),
    ("# snippet: uses = ../../outside.py", "a.py:1: uses ../../outside.py, which is outside"),
    ("# snippet: colour = blue", "a.py:1: unknown header key 'colour'"),
    ("# snippet: observe = most", "a.py:1: observe must be 'all', 'first N' or 'off'"),
    ("# snippet: calls = gdb", "a.py:1: calls must be 'strace' or 'python', not 'gdb'"),
    ("# snippet: alone = maybe", "a.py:1: alone must be 'yes' or 'no', not 'maybe'"),
    ("# snippet: runs = three", "a.py:1: runs must be 'one' or 'two', not 'three'"),
])
def test_bad_headers_are_refused_with_the_snippet_line(tmp_path, header, message):
    write(tmp_path / "outside.py", "")
    write(tmp_path / "snippets" / "demo" / "a.py", header + "\nprint(1)\n")
    with pytest.raises(runner.SnippetError, match=re.escape(message)):
        runner.Snippet.load("demo/a.py", tmp_path / "snippets")


@pytest.mark.parametrize("name, message", [
    ("demo/missing.py", "no snippet demo/missing.py in"),
    ("../outside.py", "../outside.py is outside"),
    ("demo/notes.txt", "demo/notes.txt is not a Python file"),
])
def test_missing_or_outside_snippets_are_refused(tmp_path, name, message):
    write(tmp_path / "outside.py", "")
    write(tmp_path / "snippets" / "demo" / "notes.txt", "")
    with pytest.raises(runner.SnippetError, match=re.escape(message)):
        runner.Snippet.load(name, tmp_path / "snippets")


# --- builds -------------------------------------------------------------------------------------

class Site:
    """A small two-edition site in a temporary directory, built with the project's conf.py."""

    EDITIONS = {"en": "en", "zh": "zh_CN"}

    def __init__(self, root: Path):
        self.root = root
        self.snippets = root / "snippets"
        for folder in self.EDITIONS:
            write(root / "docs" / folder / "index.md",
                  "# Home\n\n```{toctree}\none\ntwo\nglossary\n```\n")
            write(root / "docs" / folder / "glossary.md", "# Glossary\n")
        # The pages outside the editions (the sitemap step reads them).
        for page in ("index.html", "404.html"):
            write(root / "docs" / page, "<!doctype html><title>Home</title>\n")

    def page(self, name: str, *snippets: str, extra: str = "", text: str = "",
             folders=("en",)) -> None:
        blocks = "".join(f"\n```{{exec_code}}\n:filename: {s}\n{extra}```\n" for s in snippets)
        for folder in folders:
            write(self.root / "docs" / folder / f"{name}.md", f"# Page {name}\n{blocks}\n{text}")

    def raw_page(self, name: str, text: str, folder: str = "en") -> Path:
        return write(self.root / "docs" / folder / f"{name}.md", text)

    def snippet(self, name: str, code: str) -> Path:
        return write(self.snippets / name, code)

    def command(self, *options: str, folder: str = "en") -> list[str]:
        if not (self.root / "docs" / folder / "two.md").exists():
            self.raw_page("two", "# Page two\n", folder)
        # No "Calls made" panels unless a test asks (tests/test_calls.py covers them): a traced
        # second run per snippet would only slow these builds down.
        if not any(option.startswith("snippet_calls=") for option in options):
            options = ("-D", "snippet_calls=0", *options)
        return [str(SPHINX_BUILD), "-b", "html", "-c", str(ROOT), "-W", "--keep-going",
                "--no-color", "-d", str(self.root / "doctrees" / folder),
                "-D", f"language={self.EDITIONS[folder]}",
                "-D", f"snippet_dir={self.snippets}",
                "-D", f"snippet_cache_dir={self.root / 'cache'}",
                "-D", f"snippet_report_dir={self.root / 'reports'}",
                *options, str(self.root / "docs" / folder), str(self.root / "html" / folder)]

    def build(self, *options: str, folder: str = "en",
              env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*options, folder=folder), capture_output=True,
                              text=True, timeout=300, env=env)

    def html(self, name: str, folder: str = "en") -> str:
        return (self.root / "html" / folder / f"{name}.html").read_text(encoding="utf-8")

    def published(self, folder: str = "en") -> dict:
        return json.loads((self.root / "reports" / f"published-{folder}.json").read_text())


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path)


def test_build_shows_the_code_and_what_it_printed(site):
    site.snippet("demo/hello.py", "import os\n# snippet: timeout = 9\nprint('hello from', "
                                  "os.getcwd() != '/')\n")
    site.page("one", "demo/hello.py")
    result = site.build()
    assert result.returncode == 0, result.stderr
    html = site.html("one")
    assert "snippet-code" in html and "snippet-output" in html
    assert "hello from True" in html
    assert "snippet: timeout" not in html  # the header is not part of the code shown


def test_the_record_names_every_page_and_line_and_the_published_run(site):
    site.snippet("demo/hello.py", "print('hello')\n")
    site.page("one", "demo/hello.py", text="It said {output}`demo/hello.py#hel`.\n")
    site.page("two", "demo/hello.py")
    assert site.build().returncode == 0
    record = site.published()["demo/hello.py"]
    assert record["pages"] == [
        {"file": f"{site.root}/docs/en/one.md", "line": 3, "how": "shows"},
        {"file": f"{site.root}/docs/en/one.md", "line": 7, "how": "cites"},
        {"file": f"{site.root}/docs/en/two.md", "line": 3, "how": "shows"},
    ]
    assert record["run"]["output"] == "hello\n" and record["run"]["returncode"] == 0
    assert record["key"] == runner.Snippet.load("demo/hello.py", site.snippets).cache_key()
    assert "It said <span class=\"snippet-value\">lo</span>." in site.html("one")


def test_a_value_the_run_did_not_print_exactly_once_fails_the_build_at_its_line(site):
    site.snippet("demo/two_lines.py", "print('n: 1')\nprint('n: 2')\n")
    site.page("one", "demo/two_lines.py", text="Line\n\nsee {output}`demo/two_lines.py#m:`\n")
    site.page("two", text="and {output}`demo/two_lines.py#n:`\n")
    result = site.build()
    assert result.returncode != 0
    log = result.stderr
    assert "one.md:9: ERROR: {output} demo/two_lines.py#m:: the run printed 0 lines" in log
    assert "two.md:3: ERROR: {output} demo/two_lines.py#n:: the run printed 2 lines" in log


# Each bad input on a page of its own, with the line its error must name.
BAD_INPUTS = {
    "missing": ("```{exec_code}\n:filename: demo/missing.py\n```",
                "3: ERROR: no snippet demo/missing.py in"),
    "outside": ("```{exec_code}\n:filename: ../../etc/passwd.py\n```",
                "3: ERROR: ../../etc/passwd.py is outside"),
    "page_timeout": ("```{exec_code}\n:filename: demo/ok.py\n:timeout: 5\n```",
                     "3: ERROR: :timeout: is not a page option: declare the limit once, in the "
                     "snippet's header"),
    "inline": ("```{exec_code}\nprint('inline')\n```",
               "3: ERROR: exec_code needs :filename: and no inline code"),
    "bad_header": ("```{exec_code}\n:filename: demo/bad_header.py\n```",
                   "3: ERROR: snippets/demo/bad_header.py:1: timeout must be above 0 and at most "
                   "120 s, not 999"),
    "python_block": ("```python\nprint('never run')\n```",
                     "3: ERROR: a code block that is not a snippet"),
    "code_block": ("```{code-block} python\nprint('never run')\n```",
                   "3: ERROR: a code block that is not a snippet"),
    "nested": (":::{note}\n```python\nprint('nested')\n```\n:::",
               "4: ERROR: a code block that is not a snippet"),
    "missing_output": ("Inline {output}`demo/missing.py#x`",
                       "3: ERROR: no snippet demo/missing.py in"),
}


@pytest.fixture(scope="session")
def bad_inputs_build(tmp_path_factory):
    """One site with every bad input on a page of its own, built once per job count (a build
    reports every error it finds: see test_all_failures_are_reported_at_once_with_file_and_line)."""
    @functools.cache
    def build(jobs: str) -> tuple[Site, str]:
        site = Site(tmp_path_factory.mktemp(f"bad-inputs-j{jobs}"))
        site.snippet("demo/ok.py", "print('ok')\n")
        site.snippet("demo/bad_header.py", "# snippet: timeout = 999\nprint('ok')\n")
        site.raw_page("index", "# Home\n\n```{toctree}\n" + "\n".join(BAD_INPUTS)
                      + "\ntwo\nglossary\n```\n")
        for name, (block, _) in BAD_INPUTS.items():
            site.raw_page(name, f"# {name}\n\n{block}\n")
        site.raw_page("two", "# Page two\n")
        result = site.build("-j", jobs)
        assert result.returncode != 0
        return site, result.stderr.replace(str(site.root / "docs" / "en") + "/", "")
    return build


@pytest.mark.xdist_group("bad-inputs")  # one worker builds each site once
@pytest.mark.parametrize("page", BAD_INPUTS)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_bad_directive_input_fails_the_build_at_its_page_and_line(bad_inputs_build, page,
                                                                         jobs):
    site, log = bad_inputs_build(jobs)
    message = f"{page}.md:{BAD_INPUTS[page][1]}"
    assert log.count(message) == 1, log


def test_editing_a_snippet_reruns_it_and_updates_its_page(site):
    snippet = site.snippet("demo/value.py", "print('value: first')\n")
    site.page("one", "demo/value.py")
    assert site.build().returncode == 0
    assert "value: first" in site.html("one")
    snippet.write_text("print('value: second')\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "value: second" in site.html("one") and "value: first" not in site.html("one")
    assert "1 run by this build" in result.stdout


def test_editing_a_program_a_snippet_runs_reruns_it_once_for_both_editions(site):
    site.snippet("demo/helper.py", "print('helper says one')\n")
    site.snippet("demo/launcher.py", """\
        # snippet: uses = helper.py
        import pathlib, subprocess, sys
        here = pathlib.Path(__file__).parent
        subprocess.run([sys.executable, here / "helper.py"], check=True)
    """)
    site.snippet("demo/other.py", "print('other')\n")
    site.page("one", "demo/launcher.py", "demo/other.py", folders=("en", "zh"))
    site.page("two", "demo/launcher.py", folders=("en", "zh"))
    for folder in ("en", "zh"):
        assert site.build(folder=folder).returncode == 0
    site.snippet("demo/helper.py", "print('helper says two')\n")
    results = [site.build(folder=folder) for folder in ("en", "zh")]
    assert [r.returncode for r in results] == [0, 0]
    assert "1 run by this build" in results[0].stdout  # the launcher only, not other.py
    assert "0 run by this build" in results[1].stdout  # the second edition reuses the run
    for folder in ("en", "zh"):
        for page in ("one", "two"):
            html = site.html(page, folder)
            assert "helper says two" in html and "helper says one" not in html, (folder, page)


def test_a_run_made_another_way_by_the_other_edition_reaches_this_editions_pages(site):
    """Nothing of the pages changes, only how runs are made (here containment switched off):
    the first edition runs the snippet again, the second takes that run from the cache, and
    both write their page again with it."""
    requires("contained")
    site.snippet("demo/where.py", "import os\nprint('pid 2:', os.getpid() == 2)\n")
    site.page("one", "demo/where.py", folders=("en", "zh"))
    env = {k: v for k, v in os.environ.items() if k != runner.contain.ENV_SWITCH}
    for folder in ("en", "zh"):
        assert site.build(folder=folder, env=env).returncode == 0
    off = dict(env, **{runner.contain.ENV_SWITCH: "off"})
    results = [site.build(folder=folder, env=off) for folder in ("en", "zh")]
    assert [r.returncode for r in results] == [0, 0], results[1].stderr
    assert "1 run by this build" in results[0].stdout
    assert "0 run by this build" in results[1].stdout  # the second edition reuses the run
    for folder in ("en", "zh"):
        assert "pid 2: False" in site.html("one", folder), folder  # the uncontained run


def test_unchanged_rebuild_runs_no_snippet(site):
    site.snippet("demo/value.py", "print('value')\n")
    site.page("one", "demo/value.py")
    assert site.build().returncode == 0
    result = site.build()
    assert result.returncode == 0
    assert "0 run by this build" in result.stdout and "running" not in result.stdout


def test_a_cleared_cache_reruns_and_rewrites_the_page_without_rereading_it(site):
    # Each run prints something of its own (a pid would not do: contained, it is always 2).
    site.snippet("demo/pid.py", "import uuid\nprint('run', uuid.uuid4().hex)\n")
    site.page("one", "demo/pid.py")
    assert site.build().returncode == 0
    before = re.search(r"run \w+", site.html("one")).group()
    for entry in (site.root / "cache").iterdir():
        entry.unlink()
    result = site.build()
    assert result.returncode == 0 and "1 run by this build" in result.stdout
    after = re.search(r"run \w+", site.html("one")).group()
    assert after != before
    assert site.published()["demo/pid.py"]["run"]["output"] == after + "\n"


def test_all_failures_are_reported_at_once_with_file_and_line(site):
    site.snippet("demo/fails.py", "print('about to fail')\n\nraise SystemExit(3)\n")
    site.snippet("demo/raises.py", "def f():\n    raise RuntimeError('boom')\n\nf()\n")
    site.snippet("demo/hangs.py", "import time\n# snippet: timeout = 2\ndef wait():\n"
                                  "    time.sleep(120)\n\nwait()\n")
    site.snippet("demo/fine.py", "print('fine')\n")
    site.page("one", "demo/fails.py", "demo/fine.py", "demo/raises.py")
    site.page("two", "demo/hangs.py")
    result = site.build("-j", "2")
    assert result.returncode != 0
    log = result.stderr
    assert "demo/fails.py: exit status 3" in log and "about to fail" in log
    assert "demo/raises.py:2: exit status 1" in log and "RuntimeError: boom" in log
    assert "demo/hangs.py:4: exceeded its time limit of 2 s" in log  # where it was stuck
    assert "one.md:3" in log and "two.md:3" in log  # where each failing snippet is shown
    report = (site.root / "reports" / "snippets-en.xml").read_text()
    assert report.count("<failure") == 3


def test_failed_snippet_is_not_cached_and_fails_the_next_build_too(site):
    snippet = site.snippet("demo/flaky.py", "raise SystemExit(1)\n")
    site.page("one", "demo/flaky.py")
    assert site.build().returncode != 0
    assert site.build().returncode != 0  # no change, still reported
    snippet.write_text("print('fixed')\n")
    assert site.build().returncode == 0
    assert "fixed" in site.html("one")


def test_runs_page_lists_every_snippet_with_status_and_time(site):
    site.snippet("demo/a.py", "print('a')\n")
    site.snippet("demo/b.py", "print('b')\n")
    site.page("one", "demo/a.py", "demo/b.py")
    write(site.root / "docs" / "en" / "two.md", "# Runs\n\n```{snippet-runs}\n```\n")
    assert site.build().returncode == 0
    html = site.html("two")
    assert "snippets/demo/a.py" in html and "snippets/demo/b.py" in html
    assert len(re.findall(r"<td><p>ok</p></td>", html)) == 2


def test_a_snippet_that_measures_runs_alone_after_the_others(site):
    for name in ("a", "b", "c"):
        site.snippet(f"demo/{name}.py", "import time\nprint('start', time.time())\n"
                                        "time.sleep(0.3)\nprint('end', time.time())\n")
    site.snippet("demo/bench.py", "# snippet: alone = yes\nimport time\n"
                                  "print('start', time.time())\nprint('end', time.time())\n")
    site.page("one", "demo/bench.py", "demo/a.py", "demo/b.py", "demo/c.py")
    assert site.build("-D", "snippet_calls=0").returncode == 0
    runs = {name: dict(line.split() for line in record["run"]["output"].splitlines())
            for name, record in site.published().items()}
    others_ended = max(float(runs[f"demo/{n}.py"]["end"]) for n in "abc")
    others_started = [float(runs[f"demo/{n}.py"]["start"]) for n in "abc"]
    assert float(runs["demo/bench.py"]["start"]) > others_ended
    assert max(others_started) < min(float(runs[f"demo/{n}.py"]["end"]) for n in "abc")


def test_two_builds_side_by_side_run_each_snippet_once_and_the_measuring_one_alone(site):
    """As ``make html`` builds the editions (build_editions.py): one cache, two builds at once.
    Each snippet runs in one of them; the other shows that very run; the snippet that measures
    starts after every other run of both has ended."""
    names = [f"demo/s{i}.py" for i in range(6)]
    for name in names:
        site.snippet(name, "import time, uuid\nprint('start', time.time())\n"
                           "print('token', uuid.uuid4().hex)\ntime.sleep(0.3)\n"
                           "print('end', time.time())\n")
    site.snippet("demo/bench.py", "# snippet: alone = yes\nimport time, uuid\n"
                                  "print('start', time.time())\nprint('token', uuid.uuid4().hex)\n"
                                  "print('end', time.time())\n")
    site.page("one", "demo/bench.py", *names, folders=("en", "zh"))
    builds = [subprocess.Popen(site.command(folder=folder), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True) for folder in ("en", "zh")]
    outputs = [build.communicate(timeout=300)[0] for build in builds]
    assert [build.returncode for build in builds] == [0, 0], outputs
    ran = [int(re.search(r"(\d+) run by this build", out).group(1)) for out in outputs]
    assert sum(ran) == len(names) + 1, outputs  # each snippet run once, by one of the two
    runs = {}
    for folder in ("en", "zh"):
        for name, record in site.published(folder).items():
            runs.setdefault(name, []).append(dict(
                line.split() for line in record["run"]["output"].splitlines()))
    for name, (en, zh) in runs.items():
        assert en == zh, name  # the same run on both editions' pages (the same token)
    others_ended = max(float(runs[name][0]["end"]) for name in names)
    assert float(runs["demo/bench.py"][0]["start"]) > others_ended


def test_labels_follow_the_edition_language(site):
    site.snippet("demo/a.py", "print('a')\n")
    site.page("one", "demo/a.py", folders=("zh",))
    assert site.build(folder="zh").returncode == 0
    assert "自己运行：" in site.html("one", "zh") and "下载" in site.html("one", "zh")


def test_an_incremental_build_writes_the_same_search_index_as_a_clean_one(tmp_path):
    def site_with(root: Path, two: str) -> Site:
        site = Site(root)
        site.raw_page("glossary", "# Glossary\n\n```{glossary}\npipe\n  A one-way channel.\n"
                                  "\nsignal\n  A notification.\n```\n")
        site.raw_page("one", "# One\n\nA {term}`pipe` and a {term}`signal`.\n")
        site.raw_page("two", two)
        return site

    def index(site: Site) -> dict:
        assert (result := site.build()).returncode == 0, result.stderr
        text = (site.root / "html" / "en" / "searchindex.js").read_text(encoding="utf-8")
        return json.loads(text[text.index("(") + 1:text.rindex(")")])

    changed = "# Page two\n\nSomething new.\n"
    site = site_with(tmp_path / "incremental", "# Page two\n")
    assert set(index(site)["indexentries"]) == {"pipe", "signal"}  # the glossary's terms
    site.raw_page("two", changed)  # only two.md changes: the other pages are not written again
    again = index(site)
    assert again == index(site_with(tmp_path / "clean", changed))
    assert set(again["indexentries"]) == {"pipe", "signal"}


# --- the published runs: the tests check what the pages show --------------------------------------

# One test file per chapter (snippets/<chapter>/ and tests/test_<chapter>.py), and the panels'.
CHAPTER_TESTS = sorted(f"test_{p.name}.py" for p in (ROOT / "snippets").iterdir()
                       if (ROOT / "tests" / f"test_{p.name}.py").is_file()) + ["test_calls.py"]


@pytest.fixture(scope="session")  # once, even when other tests run between the chapters'
def faked(tmp_path_factory) -> tuple[list[list[str]], dict[str, bool]]:
    """Every chapter's tests in one pytest run with ``--runs=fake``: the snippet fixture's notes
    ("requested"/"faked" node id) and, per test, whether it passed."""
    folder = tmp_path_factory.mktemp("fake")
    log, junit = folder / "used.txt", folder / "junit.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--tb=no", "--runs=fake", f"--junitxml={junit}",  # outcomes from the XML, no tracebacks
         # Its own temporary folders: in the shared one it would prune this session's
         f"--basetemp={folder / 'tmp'}",
         *(str(ROOT / "tests" / c) for c in CHAPTER_TESTS)],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
        # The fakes are this file's own two-line programs: nothing to contain, and uncontained
        # they start in half the time (the chapters' tests hold in both modes).
        env=dict(os.environ, SNIPPET_FAKE_LOG=str(log), **{runner.contain.ENV_SWITCH: "off"}))
    notes = [line.split(" ", 1) for line in log.read_text().splitlines()] if log.exists() else []
    passed = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        nodeid = case.get("classname").replace(".", "/") + ".py::" + case.get("name")
        passed[nodeid] = not any(c.tag in ("failure", "error", "skipped") for c in case)
    return notes, passed


# In one worker (make test runs pytest with --dist loadgroup): the fixture runs once.
@pytest.mark.xdist_group("fakes")
@pytest.mark.parametrize("chapter", CHAPTER_TESTS)
def test_a_snippet_that_only_prints_its_published_output_fails_every_test_of_its_chapter(
        chapter, faked):
    """Each snippet replaced by a program printing its published output byte for byte, and doing
    nothing else: every test that checks a snippet must then fail."""
    notes, outcome = faked
    mine = [(what, nodeid) for what, nodeid in notes if nodeid.startswith(f"tests/{chapter}::")]
    used = {nodeid for what, nodeid in mine if what == "requested"}
    faked_ids = {nodeid for what, nodeid in mine if what == "faked"}
    assert used, f"no test of {chapter} uses the snippet fixture"
    assert sorted(used - faked_ids) == [], "these tests failed before their fake ran (no build?)"
    assert used <= set(outcome), "tests missing from the fake run's report"
    passed = sorted(nodeid for nodeid in used if outcome[nodeid])
    assert passed == [], "these tests pass although the snippet only printed"


@pytest.mark.xdist_group("fakes")
def test_tests_of_one_xdist_group_run_in_one_worker(request):
    """The fixtures above are shared by a group's tests only if --dist loadgroup honours the
    groups: pytest-xdist marks a grouped test by its node id (pytest 9.2 broke that, silently)."""
    if not request.config.getoption("loadgroup", False):
        pytest.skip("not run by pytest-xdist with --dist loadgroup")
    assert request.node.nodeid.endswith("@fakes"), request.node.nodeid

