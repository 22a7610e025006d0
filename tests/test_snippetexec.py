"""The execution machinery (docs/_ext/snippetexec): isolation, time limits, failures, rebuilds.

Each build test makes a small site of its own in a temporary directory, with the project's conf.py.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import ROOT
from snippetexec import pages, runner

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
    assert first.ok and listing == "[]"
    assert not Path(cwd).exists() and not Path(tmpdir).exists()  # removed afterwards
    assert not cwd.startswith(str(ROOT)) and not cwd.startswith(str(ROOT.parent) + os.sep + "main")
    assert cwd != second.output.splitlines()[0]


def test_time_limit_kills_the_whole_process_group(tmp_path):
    script = write(tmp_path / "hangs.py", """\
        import os, subprocess, time
        child = subprocess.Popen(["sleep", "300"])
        print("child", child.pid, flush=True)
        time.sleep(300)
    """)
    started = time.monotonic()
    result = runner.run(script, timeout=2)
    assert time.monotonic() - started < 15
    assert result.timed_out and not result.ok and result.returncode is None
    child = int(result.output.split()[1])
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text()
    assert "hangs.py:4: exceeded its time limit of 2 s" in result.describe()  # the stuck line


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
    script = write(tmp_path / "order.py", """\
        import os, sys
        print("1 parent stdout")
        print("2 parent stderr", file=sys.stderr)
        pid = os.fork()
        if pid == 0:
            print("3 child stdout")
            print("4 child stderr", file=sys.stderr)
            os._exit(0)
        os.waitpid(pid, 0)
        print("5 parent again")
    """)
    lines = runner.run(script).output.splitlines()
    assert lines == ["1 parent stdout", "2 parent stderr", "3 child stdout", "4 child stderr",
                     "5 parent again"]


def test_cache_key_changes_with_bytes_and_time_limit_only(tmp_path):
    script = write(tmp_path / "a.py", "print(1)\n")
    key = runner.cache_key(script, 30)
    assert runner.cache_key(script, 30) == key
    assert runner.cache_key(script, 31) != key
    os.utime(script, (0, 0))
    assert runner.cache_key(script, 30) == key  # touching is not editing
    script.write_text("print(2)\n")
    assert runner.cache_key(script, 30) != key


def test_pages_finds_exec_blocks_with_their_options():
    text = textwrap.dedent("""\
        # Title

        ```{exec_code}
        :filename: pipes/a.py
        :timeout: 60
        ```

        ```{note}
        ```{exec_code}
        :filename: pipes/b.py
        ```
        ```

        ```python
        print("not run")
        ```
    """)
    found = pages.exec_blocks(text)
    assert [(b.filename, b.timeout) for b in found] == [("pipes/a.py", 60.0), ("pipes/b.py", None)]
    assert [b.info for b in pages.code_blocks(text)] == ["{exec_code}", "{exec_code}", "python"]


# --- builds -------------------------------------------------------------------------------------

class Site:
    """A two-page site in a temporary directory, built with the project's conf.py."""

    def __init__(self, root: Path):
        self.root = root
        self.src = root / "docs"
        self.snippets = root / "snippets"
        self.out = root / "html"
        write(self.src / "index.md", "# Home\n\n```{toctree}\none\ntwo\n```\n")

    def page(self, name: str, *snippets: str, extra: str = "") -> None:
        blocks = "".join(f"\n```{{exec_code}}\n:filename: {s}\n{extra}```\n" for s in snippets)
        write(self.src / f"{name}.md", f"# Page {name}\n{blocks}")

    def snippet(self, name: str, code: str) -> Path:
        return write(self.snippets / name, code)

    def build(self, *options: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(SPHINX_BUILD), "-b", "html", "-c", str(ROOT), "-W", "--keep-going",
             "-d", str(self.root / "doctrees"),
             "-D", f"snippet_dir={self.snippets}",
             "-D", f"snippet_cache_dir={self.root / 'cache'}",
             "-D", f"snippet_report_dir={self.root / 'reports'}",
             *options, str(self.src), str(self.out)],
            capture_output=True, text=True, timeout=300,
        )

    def html(self, name: str) -> str:
        return (self.out / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path)


def test_build_shows_the_code_and_what_it_printed(site):
    site.snippet("demo/hello.py", "import os\nprint('hello from', os.getcwd() != '/')\n")
    site.page("one", "demo/hello.py")
    site.page("two")
    result = site.build()
    assert result.returncode == 0, result.stderr
    html = site.html("one")
    assert "snippet-code" in html and "snippet-output" in html
    assert "hello from True" in html


def test_editing_a_snippet_reruns_it_and_updates_its_page(site):
    snippet = site.snippet("demo/value.py", "print('value: first')\n")
    site.page("one", "demo/value.py")
    site.page("two")
    assert site.build().returncode == 0
    assert "value: first" in site.html("one")
    snippet.write_text("print('value: second')\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "value: second" in site.html("one") and "value: first" not in site.html("one")
    assert "1 run by this build" in result.stdout


def test_unchanged_rebuild_runs_no_snippet(site):
    site.snippet("demo/value.py", "print('value')\n")
    site.page("one", "demo/value.py")
    site.page("two")
    assert site.build().returncode == 0
    result = site.build()
    assert result.returncode == 0
    assert "0 run by this build" in result.stdout and "running" not in result.stdout


def test_all_failures_are_reported_at_once_with_file_and_line(site):
    site.snippet("demo/fails.py", "print('about to fail')\n\nraise SystemExit(3)\n")
    site.snippet("demo/raises.py", "def f():\n    raise RuntimeError('boom')\n\nf()\n")
    site.snippet("demo/hangs.py", "import time\n\ndef wait():\n    time.sleep(120)\n\nwait()\n")
    site.snippet("demo/fine.py", "print('fine')\n")
    site.page("one", "demo/fails.py", "demo/fine.py", "demo/raises.py")
    site.page("two", "demo/hangs.py", extra=":timeout: 2\n")
    result = site.build("-j", "2")
    assert result.returncode != 0
    log = result.stderr
    assert "demo/fails.py: exit status 3" in log and "about to fail" in log
    assert "demo/raises.py:2: exit status 1" in log and "RuntimeError: boom" in log
    assert "demo/hangs.py:4: exceeded its time limit of 2 s" in log  # where it was stuck
    assert "one.md" in log and "two.md" in log  # where each failing snippet is shown
    report = (site.root / "reports" / "snippets-en.xml").read_text()
    assert report.count("<failure") == 3


def test_failed_snippet_is_not_cached_and_fails_the_next_build_too(site):
    snippet = site.snippet("demo/flaky.py", "raise SystemExit(1)\n")
    site.page("one", "demo/flaky.py")
    site.page("two")
    assert site.build().returncode != 0
    assert site.build().returncode != 0  # no change, still reported
    snippet.write_text("print('fixed')\n")
    assert site.build().returncode == 0
    assert "fixed" in site.html("one")


def test_runs_page_lists_every_snippet_with_status_and_time(site):
    site.snippet("demo/a.py", "print('a')\n")
    site.snippet("demo/b.py", "print('b')\n")
    site.page("one", "demo/a.py", "demo/b.py")
    write(site.src / "two.md", "# Runs\n\n```{snippet-runs}\n```\n")
    assert site.build().returncode == 0
    html = site.html("two")
    assert "snippets/demo/a.py" in html and "snippets/demo/b.py" in html
    assert len(re.findall(r"<td><p>ok</p></td>", html)) == 2
