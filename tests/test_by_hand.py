"""Every snippet run as a reader runs it, outside the runner: the README's promise.

``python3 snippets/<chapter>/<name>.py`` with the system's Python (the first Python 3.11+ an
ordinary user may run: /usr/bin/python3 where there is one), from a fresh empty folder that is not
the repository, with its output to a pipe, without PYTHONUNBUFFERED or anything else the runner
sets, as an ordinary user (when the tests run as root: through ``setpriv``, a uid that owns
nothing and is this test run's alone, or 65534, on a copy of ``snippets/`` that user can read),
within the snippet's time limit. Each run must:

- exit with status 0 and print no traceback;
- leave nothing behind: no process of its session 2 s after it ended, no file in its folder, its
  TMPDIR or its HOME; and after all runs, nothing their uid owns anywhere (processes, /tmp,
  /var/tmp, /dev/shm, message queues, System V IPC);
- print what the published run printed, figures masked (numbers, addresses, pids, durations and
  sizes become ``#``; runs of spaces become one; tempfile's random names ``tmp#``; a bar of a
  chart one block), line by line; a measurement (``# snippet: alone = yes``) each line only up
  to its first colon, since what it finds fastest may change.
  Or, where it needs root or a kernel feature it lacks, say so in one line starting
  ``This example needs`` (the README's "Adding an example") and exit 0.

Which outputs are compared: the published run is made by the user that builds (root on CI and
the build machine), a run by hand here by an ordinary user. Where the two differ in privilege, a
snippet whose code asks who it is or changes it (``os.getuid``/``geteuid``/``setuid``...,
``CAP_...``, ``unshare``/``setns``/``CLONE_NEW...``) may rightly print other lines, so its output
is not compared (everything else above still is). Nor are outputs compared where the reader's
Python is of another version than the one the build ran (3.12 and later warn about a fork with
threads running, for one): the tests' Python is the build's, and the by-hand runs take the
system's Python of the same version where an ordinary user can run one. Every other snippet must
print the same lines.
Runs go two at a time, all started at the first test's request, in one xdist worker.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import difflib
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import (
    FOLDERS,
    NOBODY,
    SNIPPETS,
    UNPRIVILEGED,
    as_ordinary_user,
    ordinary_python,
    published,
    published_runs,
    python_version,
    requires,
)
from snippetexec import runner

pytestmark = pytest.mark.xdist_group("by-hand")

NEEDS = "This example needs"
GRACE = 5.0  # seconds past the snippet's own limit before a run counts as hung
# Code that asks which user runs it, changes user, or makes namespaces (which need privilege).
PRIVILEGED = re.compile(r"\bos\.(?:get|set)(?:e|res)?[ug]id\b|\bCAP_[A-Z]+|\bunshare\b|\bsetns\b"
                        r"|\bCLONE_NEW[A-Z]+|\bsetpriv\b|\bsetgroups\b")


def shown_snippets() -> list[str]:
    """Every snippet a page can show: the files under snippets/ that no other one uses."""
    names, used = [], set()
    for path in sorted(SNIPPETS.glob("*/*.py")):
        try:
            loaded = runner.Snippet.load(path.relative_to(SNIPPETS))
        except runner.SnippetError:
            continue
        names.append(loaded.name)
        used.update(p.relative_to(SNIPPETS).as_posix() for p in loaded.uses)
    return [name for name in names if name not in used]


NAMES = shown_snippets()


@dataclasses.dataclass
class ByHand:
    name: str
    output: str
    returncode: int | None  # None: it outlived its limit and was killed
    duration: float
    processes: list[str]  # what was still running in its session when it ended
    files: list[str]  # what it left in its folder, TMPDIR or HOME
    folder: str  # the working folder it ran in (masked in the output)
    tmp: str


def _session_members(sid: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                    "utf-8", "replace").strip()
                found.append((int(entry.name), command))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _kill_session(sid: int, grace: float = 0.0) -> list[str]:
    """Kill what is left of the session, after ``grace`` seconds to end on its own (a resource
    tracker or a forkserver ends when it reads the end of its pipe, just after the snippet)."""
    end = time.monotonic() + grace
    while (members := _session_members(sid)) and time.monotonic() < end:
        time.sleep(0.05)
    for pid, _ in members:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return [f"{pid} {command}" for pid, command in members]


def _left(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


CROWD = ("notes.txt", "data", "data/old.log")  # what a reader's folder may already hold


def run_by_hand(name: str, python: str, base: Path, index: int | str, tmp_base: Path,
                terminal: bool = False) -> ByHand:
    """One run of ``name`` as a reader makes it (see the module's docstring). ``terminal``:
    its output to a pseudo-terminal, from a folder that already holds files (CROWD)."""
    script = base / "snippets" / name
    dirs = {}
    for role in ("folder", "tmp", "home"):
        dirs[role] = (tmp_base if role == "tmp" else base) / f"{role}-{index}"
        dirs[role].mkdir(mode=0o700)
        if os.getuid() == 0:
            os.chown(dirs[role], UNPRIVILEGED, UNPRIVILEGED)
    if terminal:
        (dirs["folder"] / "data").mkdir()
        for item in CROWD[::2]:
            (dirs["folder"] / item).write_text("a reader's file\n")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(dirs["home"]),
           "LANG": "C.UTF-8", "TMPDIR": str(dirs["tmp"])}
    limit = runner.Snippet.load(name).timeout + GRACE
    started = time.monotonic()
    master = slave = None
    if terminal:
        master, slave = os.openpty()
    proc = subprocess.Popen([*as_ordinary_user(), python, str(script)], cwd=dirs["folder"],
                            env=env, stdin=subprocess.DEVNULL,
                            stdout=slave if terminal else subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if terminal:
            out, returncode = _read_terminal(master, proc, limit)
        else:
            out, _ = proc.communicate(timeout=limit)
            returncode = proc.returncode
    except subprocess.TimeoutExpired:
        _kill_session(proc.pid)
        out = b"" if terminal else proc.communicate()[0]
        returncode = None
    finally:
        if master is not None:
            os.close(master)
            os.close(slave)
    duration = time.monotonic() - started
    processes = _kill_session(proc.pid, grace=2.0)
    files = [f"{role}/{item}" for role in ("folder", "tmp", "home")
             for item in _left(dirs[role]) if not (role == "folder" and terminal
                                                   and item in CROWD)]
    return ByHand(name, out.decode("utf-8", "replace"), returncode, duration, processes, files,
                  str(dirs["folder"]), str(dirs["tmp"]))


def _read_terminal(master: int, proc: subprocess.Popen, limit: float) -> tuple[bytes, int]:
    """What was written to the terminal until the program ended, as a pipe would have carried
    it (the terminal writes each newline as CR LF). The test holds the terminal's other end
    open too: once its last holder closes it, Linux may drop what was still unread."""
    import select

    out, end = b"", time.monotonic() + limit
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise subprocess.TimeoutExpired(proc.args, limit)
        ended = proc.poll() is not None
        if select.select([master], [], [], 0.2 if ended else min(left, 0.2))[0]:
            out += os.read(master, 65536)
        elif ended:  # ended, and nothing more came for 0.2 s
            break
    return out.replace(b"\r\n", b"\n"), proc.returncode


def _shm() -> set[str]:
    try:
        return set(os.listdir("/dev/shm"))
    except OSError:
        return set()


@pytest.fixture(scope="session")
def by_hand():
    """name -> Future[ByHand]: every snippet run by hand, two at a time, from the first request."""
    requires("not-root")
    python = ordinary_python()
    base = Path(tempfile.mkdtemp(prefix="snippets-by-hand-", dir="/tmp"))
    base.chmod(0o755)
    shutil.copytree(SNIPPETS, base / "snippets", ignore=shutil.ignore_patterns("__pycache__"))
    for path in (base / "snippets").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    # TMPDIR on the kind of file system the build's runs had: a contained run's /tmp is a tmpfs
    # (as on Fedora, Arch, Debian 13), an uncontained one the machine's /tmp. The pages that
    # depend on it (mmap's writeback and faults) name the file system their run used.
    tmp_base = base
    if runner.contain.mode().contained and os.path.isdir("/dev/shm"):
        tmp_base = Path(tempfile.mkdtemp(prefix="snippets-by-hand-tmp-", dir="/dev/shm"))
        tmp_base.chmod(0o755)
    shm_before = _shm()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    runs = {name: pool.submit(run_by_hand, name, python, base, i, tmp_base)
            for i, name in enumerate(NAMES)}
    runs["/dev/shm before"], runs["base"] = shm_before, base
    yield runs
    pool.shutdown(wait=True, cancel_futures=True)
    shutil.rmtree(base, ignore_errors=True)
    if tmp_base != base:
        shutil.rmtree(tmp_base, ignore_errors=True)


def masked(text: str, run: ByHand | None = None, labels: bool = False) -> list[str]:
    """The lines with every figure that varies from run to run replaced (module docstring);
    ``labels``: each line only up to its first colon (a measurement's results vary)."""
    if run is not None:
        text = text.replace(run.tmp, "/tmp").replace(run.folder, "<folder>")
    lines = []
    for line in text.splitlines():
        line = re.sub(r"0x[0-9a-fA-F]+", "\0", line)
        line = re.sub(r"\btmp[a-z0-9_]{8}\b", "tmp#", line)
        line = re.sub(r"\d+(?:[.,]\d+)*", "#", line).replace("\0", "0x#")
        line = re.sub("[\u2580-\u259f]+", "\u2588", line)  # a bar's length is a figure
        if labels:
            line = line.partition(":")[0]
        lines.append(re.sub(r"\s+", " ", line).strip())
    return lines


def privileged(name: str) -> bool:
    """Whether the snippet's code asks who runs it, changes user or makes namespaces."""
    loaded = runner.Snippet.load(name)
    return any(PRIVILEGED.search(path.read_text(encoding="utf-8")) for path in loaded.files())


@functools.cache
def same_python() -> bool:
    """Whether the reader's Python is of the version that made the published runs."""
    return python_version(ordinary_python()) == "{}.{}".format(*sys.version_info[:2])


def compared(name: str) -> bool:
    """Whether its output by hand must match the published one (the module's docstring)."""
    if not same_python():
        return False
    as_root_published = os.getuid() == 0 or "root" in (
        published(name).contained if any(name in published_runs(f) for f in FOLDERS) else "")
    return not (as_root_published and privileged(name))


@pytest.mark.parametrize("name", NAMES)
def test_a_reader_running_the_snippet_by_hand_gets_the_published_output(by_hand, name):
    run = by_hand[name].result()
    assert run.returncode is not None, (
        f"still running after its time limit + {GRACE:g} s; it printed:\n{run.output}")
    assert "Traceback (most recent call last)" not in run.output, run.output
    assert run.returncode == 0, f"exit status {run.returncode}:\n{run.output}"
    assert not run.processes, f"left running: {run.processes}\n{run.output}"
    assert not run.files, f"left behind: {run.files}\n{run.output}"
    if run.output.startswith(NEEDS):
        assert len(run.output.splitlines()) == 1, f"a needs-line is one line:\n{run.output}"
        return
    if not compared(name) or not any(name in published_runs(f) for f in FOLDERS):
        return  # output that may differ (module docstring), or no page shows it to compare
    measures = runner.Snippet.load(name).setting("alone", "no") == "yes"
    shown = masked(published(name).output, labels=measures)
    here = masked(run.output, run, labels=measures)
    assert here == shown, (f"by hand, snippets/{name} printed other lines than its page shows "
                           "(figures masked):\n" + "\n".join(
                               difflib.unified_diff(shown, here, "published", "by hand",
                                                    lineterm="")))


def test_masking_keeps_the_words_and_hides_the_figures():
    assert masked("pid 4121 read 65536 bytes in 1.25 ms at 0x7f3a2c  [12, 3]") == [
        "pid # read # bytes in # ms at 0x# [#, #]"]
    assert masked("file /tmp/tmpk3j_x9az/fifo") == ["file /tmp/tmp#/fifo"]
    assert masked("a   b\n") == ["a b"]
    assert masked("pipe ████ 12 µs\nFIFO ██ 9 µs") == ["pipe █ # µs", "FIFO █ # µs"]
    assert masked("fastest: pipe\nthroughput 3", labels=True) == ["fastest", "throughput #"]


def test_the_privileged_rule_finds_the_snippets_that_depend_on_their_user():
    found = {name for name in NAMES if privileged(name)}
    assert "signals/kill_permissions.py" in found and "sockets/socket_permissions.py" in found
    assert "pipes/read_returns_eof.py" not in found


def _owned_by(uid: int, base: Path) -> list[str]:
    """What ``uid`` owns in the shared places a snippet might leave something: processes, the
    top of /tmp, /var/tmp and /dev/shm, POSIX message queues, System V IPC objects."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(f"process {entry.name}: "
                                 + (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                                 .decode("utf-8", "replace").strip())
        except (OSError, IndexError):
            continue
    for folder in ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue"):
        try:
            entries = list(Path(folder).iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.lstat().st_uid == uid and not entry.is_relative_to(base):
                    found.append(str(entry))
            except OSError:
                continue
    for kind in ("msg", "sem", "shm"):
        try:
            rows = Path("/proc/sysvipc", kind).read_text().splitlines()
        except OSError:
            continue
        header = rows[0].split() if rows else []
        for row in rows[1:]:
            fields = dict(zip(header, row.split(), strict=False))
            if fields.get("uid") == str(uid):
                found.append(f"System V {kind} {fields.get('key')}")
    return found


def test_the_runs_by_hand_leave_nothing_anywhere(by_hand):
    """Their user is this run's alone (conftest: a uid that owns nothing): all it owns now, no
    run removed, wherever it is (a child that made a session of its own, a FIFO in /tmp)."""
    for name in NAMES:
        by_hand[name].result()
    if os.getuid() != 0:
        new = sorted(_shm() - by_hand["/dev/shm before"])  # this user owns other things too
        left = [f"/dev/shm/{n}" for n in new if Path("/dev/shm", n).exists()]
    elif UNPRIVILEGED == NOBODY:
        pytest.skip("by-hand runs as uid 65534, which other programs may use: not checked")
    else:
        left = _owned_by(UNPRIVILEGED, by_hand["base"])
    assert not left, f"left behind by the runs by hand: {left}"


# One program a chapter teaches first, or one a reader copies: run to a terminal, from a folder
# that already holds files, they too print the published lines (figures masked).
AT_A_TERMINAL = ["overview/fork_copies_memory.py", "pipes/pipe_between_parent_and_child.py",
                 "pipes/fork_copies_unflushed_output.py", "fifo/fifo_between_two_processes.py",
                 "signals/graceful_shutdown.py", "mmap/shared_counter_with_lock.py",
                 "sockets/unix_stream_server_and_client.py", "tools/everyday_tools.py",
                 "choosing/messages_both_ways.py"]


@pytest.mark.parametrize("name", AT_A_TERMINAL)
def test_at_a_terminal_and_in_a_folder_with_files_a_reader_gets_the_published_output(
        name, tmp_path):
    requires("not-root")
    base = tmp_path / "terminal"
    base.mkdir()
    shutil.copytree(SNIPPETS, base / "snippets", ignore=shutil.ignore_patterns("__pycache__"))
    for path in [tmp_path, base, *(base / "snippets").rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    for parent in tmp_path.parents:  # pytest's folders are private to their user
        if parent in (Path("/tmp"), Path("/")):
            break
        parent.chmod(parent.stat().st_mode | 0o005)
    # TMPDIR short, as a reader's /tmp is: a socket's path has at most 107 bytes.
    short = Path(tempfile.mkdtemp(prefix="tty-", dir="/tmp"))
    short.chmod(0o755)
    try:
        run = run_by_hand(name, ordinary_python(), base, "tty", short, terminal=True)
    finally:
        shutil.rmtree(short, ignore_errors=True)
    assert run.returncode == 0 and "Traceback" not in run.output, run.output
    assert not run.processes and not run.files, (run.processes, run.files)
    if not compared(name):
        return
    shown = masked(published(name).output)
    here = masked(run.output, run)
    assert here == shown, "\n".join(difflib.unified_diff(shown, here, "published",
                                                         "at a terminal", lineterm=""))
