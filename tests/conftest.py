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
import functools
import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
BUILD = Path(os.environ.get("BUILDDIR") or ROOT / "_build").resolve()  # `make html BUILDDIR=...`
sys.path.insert(0, str(DOCS / "_ext"))

from snippetexec import calls, runner  # noqa: E402

try:
    from snippetexec.observe import Events  # noqa: E402
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
    slow = ("test_snippetexec.py", "test_containment.py")
    items.sort(key=lambda item: item.path.name not in slow)  # stable: files keep their order


def pytest_configure(config):
    # pytest-xdist's own marker, declared here too for runs with -p no:xdist (strict markers).
    config.addinivalue_line("markers", "xdist_group(name): tests that run in one worker")


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
            loaded = runner.Snippet.load(name)
            result = runner.run(loaded)
            calls.record(loaded, result)
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
