"""Shared fixtures: the runs the site publishes, and where things are.

``snippet("pipes/read_returns_eof.py")`` returns the run shown on the pages: the one the last
``make html`` recorded in ``_build/reports/published-<edition>.json`` (both editions must show the
same run, and it must be a run of the files as they are now). Two other modes, for the machinery:

- ``pytest --runs=fresh`` runs every snippet afresh, as the build does (stress, flakiness hunting);
- ``pytest --runs=fake`` replaces every snippet by a program that only prints its published output:
  every test of a chapter must then fail, since each checks what the snippet did, not only what it
  printed (``tests/test_snippetexec.py`` runs this mode over the chapters).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
BUILD = Path(os.environ.get("BUILDDIR") or ROOT / "_build").resolve()  # `make html BUILDDIR=...`
sys.path.insert(0, str(DOCS / "_ext"))

from snippetexec import calls, contain, runner  # noqa: E402

try:
    from snippetexec.events import Events  # noqa: E402
except ImportError:  # the observation layer is not there yet
    Events = list

from editions import EDITIONS  # noqa: E402

FOLDERS = [edition.folder for edition in EDITIONS]


def pytest_addoption(parser):
    parser.addoption("--runs", choices=("published", "fresh", "fake"), default="published",
                     help="which runs the snippet fixture returns: the ones the built site "
                          "publishes (default), fresh runs, or fakes that only print")


def pytest_collection_modifyitems(items):
    """The machinery's tests first: they build small sites and wait for time limits. Run by
    several workers (make test), the quick tests then fill the end, not one slow build."""
    slow = ("test_snippetexec.py", "test_containment.py", "test_by_hand.py")
    items.sort(key=lambda item: item.path.name not in slow)  # stable: files keep their order


def pytest_configure(config):
    # pytest-xdist's own marker, declared here too for runs with -p no:xdist (strict markers).
    config.addinivalue_line("markers", "xdist_group(name): tests that run in one worker")


# --- what this machine lets the tests check ----------------------------------------------------
#
# Tests that need a tool the machine lacks skip with a one-line reason (``requires(feature)``),
# and everything else still runs; in CI (CI=true, or SNIPPET_CONTAIN=require as .ci/run sets it)
# a missing tool fails instead. ``make test`` ends with one line per feature: tested or not, why.

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NOBODY = 65534


@functools.cache
def _unprivileged() -> int:
    """The uid tests switch to when they run as root: one that owns nothing and is this run's
    alone, so that whatever it leaves anywhere is known to be this run's (65534, "nobody",
    where the kernel refuses such a uid, e.g. in a container that maps only a few)."""
    fresh = 3_900_000_000 + os.getpid() % 1_000_000
    if os.getuid() == 0 and shutil.which("setpriv"):
        try:
            probe = subprocess.run(["setpriv", f"--reuid={fresh}", f"--regid={fresh}",
                                    "--clear-groups", "/bin/sh", "-c", "id -u"],
                                   capture_output=True, text=True, timeout=20, cwd="/")
            if probe.stdout.strip() == str(fresh):
                return fresh
        except (OSError, subprocess.TimeoutExpired):
            pass
    return NOBODY


UNPRIVILEGED = _unprivileged()


def strict() -> bool:
    """CI: every feature must be there (.ci/run installs them), a missing one fails."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes") or contain.required()


def as_ordinary_user() -> list[str]:
    """The prefix that runs a command as an ordinary user: none unless this is root."""
    if os.getuid() != 0:
        return []
    return ["setpriv", f"--reuid={UNPRIVILEGED}", f"--regid={UNPRIVILEGED}", "--clear-groups"]


@functools.cache
def ordinary_python() -> str | None:
    """A Python 3.11+ an ordinary user may run, as a reader would: the system's, of this
    Python's version first (so that outputs that depend on the version compare), else any
    (pyenv's and the .venv's may live under /root, out of an ordinary user's reach)."""
    version = "{}.{}".format(*sys.version_info[:2])
    same = (f"/usr/bin/python{version}", f"/usr/local/bin/python{version}", sys.executable)
    other = ("/usr/bin/python3", "/usr/local/bin/python3", shutil.which("python3"))
    fallback = None
    for candidate in (*same, *other):
        if not candidate or not os.path.isfile(candidate):
            continue
        try:
            said = subprocess.run(
                [*as_ordinary_user(), candidate, "-c",
                 "import sys; print(sys.version_info >= (3, 11), '%d.%d' % sys.version_info[:2])"],
                capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL, cwd="/")
        except (OSError, subprocess.TimeoutExpired):
            continue
        ok, _, got = said.stdout.strip().partition(" ")
        if ok == "True" and got == version:
            return candidate
        if ok == "True" and fallback is None:
            fallback = candidate
    return fallback


@dataclasses.dataclass
class ByHandRun:
    stdout: str
    stderr: str  # "" when asked for stdout and stderr in one pipe
    returncode: int
    left: list[str]  # what the run left in its working folder


def run_by_hand(name: str, tmp_path: Path, merged: bool = False) -> ByHandRun:
    """snippets/<name> run as the README tells a reader to: ordinary_python() as an ordinary
    user (when the tests run as root), from a fresh empty folder outside the repository, its
    output to a pipe (``merged``: stdout and stderr in one), no PYTHONUNBUFFERED.
    tests/test_by_hand.py does this for every snippet with figures masked; a chapter's test uses
    this to compare one snippet's output line for line."""
    requires("not-root")
    chapter, file = name.split("/")
    copy = tmp_path / "by-hand" / "snippets" / chapter
    shutil.copytree(SNIPPETS / chapter, copy, ignore=shutil.ignore_patterns("__pycache__"))
    folder = tmp_path / "by-hand" / "folder"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)  # the umask may have taken bits away
    for path in [tmp_path, tmp_path / "by-hand", copy.parent, copy, *copy.iterdir()]:
        path.chmod(0o755)
    for parent in tmp_path.parents:  # pytest's folders are private to their user
        if parent == Path("/tmp") or parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o005)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": "/tmp"}
    done = subprocess.run([*as_ordinary_user(), ordinary_python(), str(copy / file)],
                          cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT if merged else subprocess.PIPE, text=True,
                          timeout=runner.Snippet.load(name).timeout + 5)
    return ByHandRun(done.stdout, done.stderr or "", done.returncode, sorted(os.listdir(folder)))


def python_version(python: str) -> str:
    """``python``'s "3.X" (asked as the ordinary user, as ordinary_python() found it)."""
    return subprocess.run([*as_ordinary_user(), python, "-c",
                           "import sys; print('%d.%d' % sys.version_info[:2])"],
                          capture_output=True, text=True, timeout=20, cwd="/").stdout.strip()


def _chromium() -> tuple[str | None, str]:
    path = os.environ.get("CHROME_PATH") or next(
        (found for name in BROWSERS if (found := shutil.which(name))), None)
    return (path, "") if path else (None, "no Chromium or Chrome (apt-get install chromium, or "
                                          "set CHROME_PATH)")


def _contained() -> tuple[str | None, str]:
    found = contain.mode()
    return (found.how.split(":", 1)[0], "") if found.contained else (None, found.how)


def _strace() -> tuple[str | None, str]:
    path = shutil.which("strace")
    return (path, "") if path else (None, "strace is not installed (apt-get install strace)")


def _root() -> tuple[str | None, str]:
    return ("running as root", "") if os.getuid() == 0 else (
        None, f"running as uid {os.getuid()}, not root")


def _not_root() -> tuple[str | None, str]:
    if os.getuid() != 0:
        return f"running as uid {os.getuid()}", ""
    if not shutil.which("setpriv"):
        return None, "root without setpriv (util-linux) to switch to an ordinary user"
    python = ordinary_python()
    if python is None:
        return None, ("no Python 3.11+ an ordinary user may run (install python3; pyenv's "
                      "under /root is out of its reach)")
    who = "a uid of their own" if UNPRIVILEGED != NOBODY else f"uid {NOBODY}"
    return f"as {who} (setpriv), with {python}", ""


# feature: (what it is in the summary, probe -> (how it is there | None, why not))
FEATURES = {
    "contained": ("contained runs (bubblewrap)", _contained),
    "strace": ("system-call panels (strace)", _strace),
    "chromium": ("browser tests (Chromium)", _chromium),
    "root": ("root-only checks", _root),
    "not-root": ("non-root checks", _not_root),
}
# Words by which a skip reason names its feature (tests that skip on their own, not requires()).
SKIP_WORDS = {"contained": ("not contained", "bubblewrap", "bwrap"), "strace": ("strace",),
              "chromium": ("Chromium", "Chrome"), "root": ("needs root", "not root"),
              "not-root": ("ordinary user",)}
# Required where strict(): the tools .ci/run installs. Root or not is which user CI is (GitHub's
# runner is not root), so those two are reported, never required.
REQUIRED_IN_CI = ("contained", "strace", "chromium")


@functools.cache
def feature(name: str) -> tuple[str | None, str]:
    return FEATURES[name][1]()


def requires(name: str) -> None:
    """Skip the calling test (fail it in CI, for the tools CI installs) without ``name``."""
    how, why = feature(name)
    if how is None:
        message = f"{FEATURES[name][0]}: {why}"
        if strict() and name in REQUIRED_IN_CI:
            pytest.fail(f"{message} (required here: CI=true or SNIPPET_CONTAIN=require)")
        pytest.skip(message)


_AT_START: dict[str, tuple[str | None, str]] = {}


def pytest_sessionstart(session):
    """Probe the machine before any test runs (a test may switch containment off for a while)."""
    if not hasattr(session.config, "workerinput"):
        _AT_START.update((name, feature(name)) for name in FEATURES)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """After pytest's own summaries, before its closing "N passed" line: what could be tested."""
    result = yield
    if hasattr(config, "workerinput"):  # an xdist worker prints nothing
        return result
    write = terminalreporter.write_line
    terminalreporter.write_sep("-", "features this run could test (tests/conftest.py)")
    width = max(len(label) for label, _ in FEATURES.values())
    missing = []
    reasons = [str(getattr(report, "longrepr", "")) for report in
               terminalreporter.stats.get("skipped", [])]
    for name, (label, _) in FEATURES.items():
        how, why = _AT_START.get(name) or feature(name)
        if how is not None:
            write(f"  {label:<{width}}  tested: {how}")
        else:
            skipped = sum(any(word in reason for word in (label + ":", *SKIP_WORDS[name]))
                          for reason in reasons)
            write(f"  {label:<{width}}  SKIPPED: {why}"
                  + (f" ({skipped} test{'s' * (skipped != 1)} skipped)" if skipped else ""))
            if name in REQUIRED_IN_CI:
                missing.append(label)
    write(f"  {'Python':<{width}}  {sys.version.split()[0]} ({sys.executable})")
    if missing and strict():
        write(f"  FAILED: CI=true or SNIPPET_CONTAIN=require needs every tool, and these are "
              f"missing: {', '.join(missing)}", red=True, bold=True)
    return result


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """In CI a missing tool fails the run, even where no test asked for it."""
    if hasattr(session.config, "workerinput") or not strict():
        return
    if (any((_AT_START.get(name) or feature(name))[0] is None for name in REQUIRED_IN_CI)
            and session.exitstatus == 0):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def short_grace(monkeypatch):
    """Leftovers get 0.5 s instead of the build's 2 s: for tests whose leftovers never exit on
    their own (test_a_process_that_exits_within_the_grace_period_is_not_a_leftover keeps 2 s)."""
    monkeypatch.setattr(runner.contain, "EXIT_GRACE", 0.5)


class Output:
    """What a snippet printed and did, with helpers that make assertions read like the page."""

    def __init__(self, result: runner.Run):
        self.run = result
        self.text = result.output
        self.lines = result.output.splitlines()
        self.events = Events(result.events)

    def __contains__(self, fragment: str) -> bool:
        return fragment in self.text

    def line(self, prefix: str) -> str:
        """The one line that starts with ``prefix``, without the prefix."""
        found = [line[len(prefix):].strip() for line in self.lines if line.startswith(prefix)]
        assert len(found) == 1, f"expected one line starting {prefix!r}, got {found!r}\n{self.text}"
        return found[0]

    def __repr__(self) -> str:
        return f"Output({self.run.snippet})\n{self.text}"


@functools.cache
def published_runs(folder: str) -> dict:
    file = BUILD / "reports" / f"published-{folder}.json"
    if not file.is_file():
        pytest.fail(f"no {file}: build the site first (`make html`; `make test` does it)")
    return json.loads(file.read_text(encoding="utf-8"))


def published(name: str) -> runner.Run:
    """The run of ``snippets/<name>`` that the built pages show."""
    records = {folder: published_runs(folder).get(name) for folder in FOLDERS}
    shown = {folder: record for folder, record in records.items() if record}
    if not shown:
        pytest.fail(f"snippets/{name} is on no page of the built site")
    keys = {record["key"] for record in shown.values()}
    assert len(keys) == 1, f"the editions show different runs of snippets/{name}: {shown.keys()}"
    made = next(iter(shown.values()))["run"] or {}
    if keys != {runner.Snippet.load(name).cache_key(made.get("made") or None)}:
        pytest.fail(f"the built site shows an older snippets/{name} (or a file it uses): "
                    "run `make html` again")
    record = next(iter(shown.values()))
    assert record["run"], f"snippets/{name} was not run by the build"
    return runner.Run(**record["run"])


def fake(name: str, tmp: Path) -> runner.Run:
    """A run of a program that prints the published output of ``name`` and does nothing else."""
    tmp.mkdir(parents=True, exist_ok=True)
    script = tmp / Path(name).name
    script.write_text(textwrap.dedent(f"""\
        import sys
        sys.stdout.write({published(name).output!r})
    """), encoding="utf-8")
    return runner.run(script)


@functools.cache
def fakes(tmp: Path) -> dict[str, concurrent.futures.Future]:
    """The fakes of every published snippet, run four at a time from the first request on (one
    after the other, their start-up latencies added up to most of the run)."""
    names = sorted({name for folder in FOLDERS for name in published_runs(folder)})
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)
    return {name: pool.submit(fake, name, tmp / f"fake-{i}") for i, name in enumerate(names)}


@pytest.fixture
def snippet(request, tmp_path_factory):
    """``snippet("pipes/read_returns_eof.py")``: the run the pages show, as an Output.

    The run succeeded: exit status 0, within its time limit, leaving no process or file behind.
    """
    mode = request.config.getoption("--runs")
    log = os.environ.get("SNIPPET_FAKE_LOG") if mode == "fake" else None

    def note(what: str) -> None:
        if log:
            with open(log, "a", encoding="utf-8") as file:
                file.write(f"{what} {request.node.nodeid}\n")

    note("requested")

    def get(name: str) -> Output:
        if mode == "fresh":  # as the build does: a run, and its Calls made panel
            result = calls.page_run(runner.Snippet.load(name))
        elif mode == "fake":
            base = tmp_path_factory.getbasetemp()
            running = fakes(base).get(name)  # None: on no page, and fake() says so
            result = running.result() if running else fake(name, base / "fake-unpublished")
            note("faked")
        else:
            result = published(name)
        assert result.ok, result.describe()
        return Output(result)

    return get
