"""A snippet cannot harm the build, the machine, the repository or another page (issue 13).

Every hostile snippet here is bounded: it forks a fixed number of processes, prints a bounded
amount, and signals only inside its own PID namespace (those tests are skipped where runs are not
contained, since there the same calls would reach the test's own processes). Processes are found
afterwards by a marker in their command line, unique to each test.
"""

from __future__ import annotations

import ast
import json
import os
import pty
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import test_snippetexec

from conftest import ROOT
from snippetexec import contain, runner

SPHINX_BUILD = Path(sys.executable).with_name("sphinx-build")
CONTAINED = contain.mode().contained
contained_only = pytest.mark.skipif(not CONTAINED, reason="runs are not contained here: "
                                    + contain.mode().how)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def marked(marker: str) -> list[int]:
    """Live processes of the machine whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "cmdline").read_bytes():
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


def wait_until(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def marker():
    """A unique number to put in the command lines of a test's processes (sleep MARKER)."""
    value = f"{3000 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6:06d}"
    yield value
    for pid in marked(value):  # never leave one behind, whatever the test found
        os.kill(pid, signal.SIGKILL)


@pytest.fixture(params=[True, False], ids=["contained", "fallback"])
def contained(request) -> bool:
    """A test run both ways: contained (skipped where runs cannot be) and in the fallback."""
    if request.param and not CONTAINED:
        pytest.skip("runs are not contained here")
    if not request.param:
        request.getfixturevalue("uncontained")
    return request.param


@pytest.fixture
def uncontained(monkeypatch):
    """Runs in this test use the fallback, as on a machine without bubblewrap."""
    monkeypatch.setenv(contain.ENV_SWITCH, "off")
    contain.mode.cache_clear()
    yield
    monkeypatch.undo()
    contain.mode.cache_clear()


# --- 1. contained ---------------------------------------------------------------------------------

@contained_only
def test_snippet_is_pid_2_of_a_namespace_that_holds_only_its_own_processes(tmp_path):
    script = write(tmp_path / "who.py", """\
        import os
        print("pid", os.getpid(), "parent", os.getppid())
        print("processes", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
        try:
            os.kill(-1, 0)  # every process it may signal, but itself and pid 1
        except ProcessLookupError:
            print("no other process to signal")
    """)
    result = runner.run(script)
    assert result.ok, result.describe()
    assert result.output.splitlines() == ["pid 2 parent 1", "processes [1, 2]",
                                          "no other process to signal"]
    assert result.contained.startswith("bubblewrap")


@contained_only
def test_signals_from_a_snippet_reach_neither_the_build_nor_its_terminal(tmp_path):
    script = write(tmp_path / "hostile.py", """\
        import os, signal
        parent = os.getppid()
        for sig in (signal.SIGTERM, signal.SIGSTOP, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
            os.kill(parent, sig)
        for attempt in (lambda: os.killpg(os.getpgid(parent), signal.SIGTERM),
                        lambda: os.killpg(0, signal.SIGCONT), lambda: os.kill(-1, signal.SIGKILL)):
            try:
                attempt()
            except ProcessLookupError:
                pass
        print("parent's command", open(f"/proc/{parent}/cmdline", "rb").read().split(b"\\0")[3])
        try:
            print("parent's stdin", os.readlink(f"/proc/{parent}/fd/0"))
        except OSError as exc:  # the init is not dumpable: its descriptors are out of reach
            print("parent's descriptors:", exc.strerror)
        try:
            os.open("/dev/tty", os.O_RDWR)
        except OSError as exc:
            print("no terminal:", exc.strerror)
        print("still running")
    """)
    before = os.getpid()
    result = runner.run(script)
    assert os.getpid() == before  # this process (the build's stand-in) is alive and not stopped
    assert result.ok, result.describe()
    lines = result.output.splitlines()
    assert lines[0] == "parent's command b'/run/snippet/init.py'"  # the run's init, not the build
    assert lines[1:] == ["parent's descriptors: Permission denied",
                         "no terminal: No such device or address", "still running"]


@contained_only
def test_the_repository_and_the_cache_are_read_only_and_tmp_shm_home_are_the_runs(tmp_path):
    outside = Path(os.environ.get("TMPDIR", "/tmp")) / f"visible-{uuid.uuid4().hex}"
    outside.write_text("the build's /tmp")
    script = write(tmp_path / "writes.py", f"""\
        import os, pathlib
        for target in ({str(tmp_path / 'next_to_me.txt')!r}, {str(ROOT / 'docs' / 'x.md')!r},
                       {str(ROOT / '_build' / 'snippet-cache' / 'x.json')!r},
                       "/proc/sys/kernel/core_pattern"):  # a kernel setting: acts outside
            try:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT))
                print("wrote", target)
            except OSError as exc:
                print("refused:", exc.strerror)
        print("build's /tmp visible:", os.path.exists({str(outside)!r}))
        for folder in ("/tmp", "/dev/shm", os.environ["HOME"]):
            pathlib.Path(folder, "litter").write_text("x")
    """)
    try:
        result = runner.run(script)
    finally:
        outside.unlink()
    # Read-only, or out of reach altogether when the repository itself lies under the build's
    # /tmp (a clone in /tmp: the sandbox's /tmp is the run's own).
    *refusals, visible = result.output.splitlines()
    assert refusals[0] == "refused: Read-only file system"  # beside the snippet
    assert set(refusals[1:3]) <= {"refused: Read-only file system",
                                  "refused: No such file or directory"}
    # /proc/sys: read-only; an ordinary user meets its permissions first (EACCES before EROFS)
    assert refusals[3] == "refused: Read-only file system" or (
        os.getuid() != 0 and refusals[3] == "refused: Permission denied")
    assert len(refusals) == 4 and visible == "build's /tmp visible: False"
    assert not (tmp_path / "next_to_me.txt").exists() and not (ROOT / "docs" / "x.md").exists()
    assert result.leftovers == ["TMPDIR: litter", "/dev/shm: litter", "HOME: litter"]


def test_the_environment_is_an_allow_list(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "secret")
    monkeypatch.setenv("GITHUB_TOKEN", "secret")
    script = write(tmp_path / "env.py", """\
        import os
        print(sorted(k for k, v in os.environ.items() if "secret" in v or "TOKEN" in k))
        print(os.environ["HOME"] != os.path.expanduser("~root"), os.environ["TMPDIR"])
    """)
    result = runner.run(script)
    assert result.ok, result.describe()
    first, second = result.output.splitlines()
    assert first == "[]"
    assert second.startswith("True ")


def test_each_run_has_resource_limits(tmp_path):
    script = write(tmp_path / "limits.py", """\
        import os, resource
        for name in ("RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_CPU", "RLIMIT_NPROC"):
            print(name, resource.getrlimit(getattr(resource, name))[0])
        try:
            bytearray(3 << 30)
        except MemoryError:
            print("3 GiB: MemoryError")
        fd = os.open("big", os.O_WRONLY | os.O_CREAT)
        try:
            os.pwrite(fd, b"x", 300 << 20)  # sparse: no disk is used
        except OSError as exc:
            print("file past 256 MiB:", exc.strerror)
        os.close(fd)
        os.remove("big")
    """)
    result = runner.run(script, timeout=20)
    assert result.ok, result.describe()
    lines = result.output.splitlines()
    assert lines[:3] == [f"RLIMIT_AS {contain.MEMORY_LIMIT}",
                         f"RLIMIT_FSIZE {contain.FILE_SIZE_LIMIT}",
                         f"RLIMIT_CPU {20 + contain.CPU_EXTRA}"]
    if CONTAINED:
        assert lines[3] == f"RLIMIT_NPROC {contain.PROCESS_LIMIT}"
    assert lines[4:] == ["3 GiB: MemoryError", "file past 256 MiB: File too large"]


@contained_only
def test_a_run_may_not_start_more_than_its_process_limit(tmp_path):
    """Bounded: at most 300 children, each waiting on a pipe the parent closes after forking
    (the limit is 256 per run)."""
    script = write(tmp_path / "forks.py", """\
        import os
        r, w = os.pipe()
        pids = []
        try:
            for _ in range(300):
                pid = os.fork()
                if pid == 0:
                    os.close(w)
                    os.read(r, 1)  # EOF once the parent has closed its end
                    os._exit(0)
                pids.append(pid)
        except BlockingIOError as exc:
            print("fork refused:", exc.strerror)
        os.close(w)
        for pid in pids:
            os.waitpid(pid, 0)
        print(len(pids) < 256)
    """)
    result = runner.run(script, timeout=30)
    assert result.ok, result.describe()
    assert result.output == "fork refused: Resource temporarily unavailable\nTrue\n"


# --- 2. bounded -----------------------------------------------------------------------------------

def test_a_process_that_exits_within_the_grace_period_is_not_a_leftover(
        tmp_path, marker, contained):
    script = write(tmp_path / "lingers.py", f"""\
        import subprocess
        subprocess.Popen(["sh", "-c", "sleep 0.2", "{marker}"], start_new_session=True)
        print("parent done")
    """)
    result = runner.run(script)
    assert result.ok, result.describe()  # 0.2 s is well inside the 2 s grace
    assert result.leftovers == [] and result.output == "parent done\n"
    assert contain.EXIT_GRACE == 2.0


DAEMON = """\
    # snippet: timeout = 10
    import os
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execve("/bin/sleep", ["sleep", "{marker}"], {{}})  # empty environment
        os._exit(0)
    print("parent done")
"""


@pytest.mark.usefixtures("short_grace")
def test_a_double_forked_daemon_holding_the_output_pipe_is_reported_and_killed(
        tmp_path, marker, contained):
    script = write(tmp_path / "daemon.py", DAEMON.format(marker=marker))
    started = time.monotonic()
    result = runner.run(script)
    # Not waited for until the time limit (10 s), whatever holds the output pipe: only the grace
    # period after the snippet's end (the whole run took 3.6 s once on a loaded machine).
    assert time.monotonic() - started < 8 and not result.timed_out
    assert result.returncode == 0 and not result.ok
    # Contained, the init finds it in the namespace; in the fallback, among its descendants:
    # the init is a child subreaper, so the orphaned daemon becomes its child (it dropped the
    # environment that marks the run's processes, and none of its descriptors tells).
    assert [item.split(": ", 1)[1] for item in result.leftovers] == [f"sleep {marker}"]
    assert wait_until(lambda: not marked(marker), 2), "the daemon still runs"


def test_a_scan_that_meets_a_process_that_has_just_ended_does_not_call_the_run_empty():
    """The daemon's parent may fork and end while the init reads /proc: its child, missing from
    the listing or read as the zombie's, would be missed, and the run called clean (it happened
    in CI). A zombie among the descendants means: look again."""
    from snippetexec import sandbox_init
    child = os.fork()
    if child == 0:
        os._exit(0)
    try:
        assert wait_until(lambda: sandbox_init.state_and_parent(str(child))[0] == "Z", 5)
        live, settling = sandbox_init.scan(alone=False)
        assert child not in live and settling
    finally:
        os.waitpid(child, 0)
    assert child not in sandbox_init.others(alone=False)


@pytest.mark.usefixtures("short_grace")
def test_a_daemon_on_dev_null_with_an_empty_environment_is_reported_and_killed(
        tmp_path, marker, contained):
    """Nothing of the run's (no mark in its environment, no descriptor of the run's) but its
    ancestry: the init's namespace, or in the fallback its subreaper's tree."""
    script = write(tmp_path / "quiet.py", f"""\
        import subprocess
        subprocess.Popen(["sleep", "{marker}"], start_new_session=True, env={{}},
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    """)
    result = runner.run(script)
    assert result.status == "left things behind", result.describe()
    assert len(result.leftovers) == 1 and result.leftovers[0].startswith("process ")
    assert result.leftovers[0].endswith(f": sleep {marker}")
    if contained:
        assert result.leftovers == [f"process 3: sleep {marker}"]
    assert wait_until(lambda: not marked(marker), 2), "the daemon still runs"


@contained_only
@pytest.mark.usefixtures("short_grace")
def test_a_process_that_reforks_every_millisecond_is_reported_and_killed(tmp_path, marker):
    script = write(tmp_path / "reforks.py", f"""\
        import os, subprocess, sys
        code = '''
        import os, sys, time
        for _ in range(60000):  # bounded: a minute at most
            if os.fork():
                os._exit(0)
            time.sleep(0.001)
        '''
        subprocess.Popen([sys.executable, "-c", code, "{marker}"], start_new_session=True)
    """)
    result = runner.run(script)
    assert result.status == "left things behind", result.describe()
    assert result.leftovers and all(marker in item for item in result.leftovers)
    assert not marked(marker)


@contained_only
@pytest.mark.usefixtures("short_grace")
def test_more_than_twenty_leftovers_are_summarised(tmp_path, marker):
    script = write(tmp_path / "many.py", f"""\
        import subprocess
        for _ in range(25):
            subprocess.Popen(["sleep", "{marker}"], start_new_session=True)
    """)
    result = runner.run(script)
    report = result.describe().splitlines()
    named = [line for line in report if line.startswith("  left behind: process ")]
    assert len(named) == 20 and report[21] == "  left behind: process: and 5 more"
    assert not marked(marker)


def test_output_is_capped_the_run_stopped_and_never_cached(tmp_path, contained):
    script = write(tmp_path / "flood.py", """\
        import sys
        line = "x" * 1023 + "\\n"
        for _ in range(1 << 20):  # 1 GiB unless stopped
            sys.stdout.write(line)
    """)
    started = time.monotonic()
    result = runner.run(script)
    assert time.monotonic() - started < 10
    assert len(result.output) == runner.OUTPUT_LIMIT
    assert not result.ok and result.status == "printed more than 1 MiB"
    assert "printed more than 1 MiB (1048576 bytes); it was stopped there" in result.describe()
    from snippetexec.sphinx_ext import Results
    results = Results(tmp_path / "cache", tmp_path)
    results.put("k", result)
    assert not (tmp_path / "cache").exists()


def test_the_time_limit_holds_whatever_holds_the_pipe(tmp_path, marker, contained):
    script = write(tmp_path / "hangs.py", f"""\
        import os, subprocess, time
        subprocess.Popen(["sleep", "{marker}"], start_new_session=True, env={{}})
        def stuck():
            time.sleep(300)
        stuck()
    """)
    started = time.monotonic()
    result = runner.run(script, timeout=2)
    assert time.monotonic() - started < 2 + 1 + 1 + 1  # limit, stack, kill, margin
    assert result.timed_out and result.returncode is None
    assert result.failing_line() == 4  # the stack printed on the time-out names the line
    if contained:
        assert wait_until(lambda: not marked(marker), 2)


# --- 3. the build survives ------------------------------------------------------------------------

class Site(test_snippetexec.Site):
    """The machinery tests' small site, with a page that lists the runs."""

    def __init__(self, root: Path):
        super().__init__(root)
        write(root / "docs" / "en" / "index.md",
              "# Home\n\n```{toctree}\none\ntwo\nglossary\nruns\n```\n")
        write(root / "docs" / "en" / "runs.md", "# Runs\n\n```{snippet-runs}\n```\n")

    def page(self, *snippets: str) -> None:
        super().page("one", *snippets)


# SIGHUP: the terminal closed (it once left the runs' folders in /tmp); Ctrl+C twice: the
# second one waits for the runs' folders to go (it once abandoned them).
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM", "SIGHUP", "SIGINT+SIGINT", "SIGKILL"])
def test_interrupting_the_build_stops_it_at_once_and_leaves_nothing_running(tmp_path, marker,
                                                                            how):
    site = Site(tmp_path / "site")
    for i in range(3):
        site.snippet(f"demo/slow{i}.py", f"""\
            # snippet: timeout = 60
            import subprocess
            subprocess.run(["sleep", "{marker}"])
        """)
    site.page(*(f"demo/slow{i}.py" for i in range(3)))
    temp = tmp_path / "build-tmp"
    temp.mkdir()
    # Through a terminal, as a writer types Ctrl+C. A foreground build has SIGINT at its default
    # action whoever started pytest: a background job (`make test &`) passes it on ignored, and
    # Python keeps an ignored SIGINT ignored. A handler here is reset to the default by exec.
    leader, follower = pty.openpty()
    caller = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        build = subprocess.Popen(site.command(), stdin=follower, stdout=follower,
                                 stderr=follower, env=dict(os.environ, TMPDIR=str(temp)),
                                 start_new_session=True)
    finally:
        signal.signal(signal.SIGINT, caller)
    os.close(follower)
    try:
        assert wait_until(lambda: len(marked(marker)) == 3, 120), "the snippets did not start"
        stopped = time.monotonic()
        for name in how.split("+"):
            os.kill(build.pid, getattr(signal, name))
            time.sleep(0.05)
        build.wait(timeout=20)
        took = time.monotonic() - stopped
    finally:
        if build.poll() is None:
            build.kill()
        os.close(leader)
    assert wait_until(lambda: not marked(marker), 1), "a snippet survived the build"
    print(f"{how}: the build ended {took:.2f} s after the signal")
    if how != "SIGKILL":
        assert took < 2  # measured 0.7 s: the runs stop at once, Sphinx exits
        assert build.returncode != 0
        assert sorted(p.name for p in temp.iterdir() if p.name.startswith("snippet-")) == []


def test_a_build_that_stops_while_it_reads_its_pages_stops_the_runs_it_started(tmp_path,
                                                                               marker):
    """Runs start as pages are read (schedule.Runs.start): a build that ends before it waits for
    them (Ctrl+C while Sphinx reads) stops them at exit, leaving nothing running."""
    slow = write(tmp_path / "snippets" / "demo" / "slow.py", f"""\
        # snippet: timeout = 60
        import subprocess
        subprocess.run(["sleep", "{marker}"])
    """)
    build = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""\
        import sys, time
        sys.path.insert(0, {str(ROOT / "docs" / "_ext")!r})
        from pathlib import Path
        from snippetexec import runner, schedule
        from snippetexec.sphinx_ext import Results
        results = Results(Path({str(tmp_path / "cache")!r}), Path({str(slow.parents[1])!r}))
        runs = schedule.Runs(results, 2, say=print, uncontained=lambda: None)
        runs.start("k", runner.Snippet.load("demo/slow.py", results.snippet_dir))
        print("started", flush=True)
        time.sleep(60)  # reading pages, until interrupted
    """)], stdout=subprocess.PIPE, text=True, env=dict(os.environ, TMPDIR=str(tmp_path)))
    try:
        assert wait_until(lambda: len(marked(marker)) == 1, 60), "the run did not start"
        stopped = time.monotonic()
        build.send_signal(signal.SIGINT)
        build.wait(timeout=20)
        took = time.monotonic() - stopped
    finally:
        if build.poll() is None:
            build.kill()
    assert wait_until(lambda: not marked(marker), 1), "a snippet survived the build"
    assert took < 3 and build.returncode != 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("snippet-")] == []


# --- 4. results cannot be forged ------------------------------------------------------------------

@contained_only
def test_a_snippet_cannot_write_the_cache_or_another_runs_result(tmp_path):
    site = Site(tmp_path / "site")
    cache = tmp_path / "site" / "cache"
    site.snippet("demo/a_forger.py", f"""\
        import os, pathlib
        print("build's arguments visible:", {str(cache)!r}.encode() in
              open(f"/proc/{{os.getppid()}}/cmdline", "rb").read())
        try:
            for entry in pathlib.Path({str(cache)!r}).glob("*.json"):
                entry.write_text("forged")
            pathlib.Path({str(cache)!r}, "x.json").write_text("forged")
            print("wrote the cache")
        except OSError as exc:
            print("cache:", exc.strerror)
        others = [p for p in pathlib.Path("/tmp").iterdir() if p.name.startswith("snippet-")]
        print("other runs visible:", others)
    """)
    site.snippet("demo/b_victim.py", "# snippet: timeout = 20\nprint('the real output')\n")
    site.page("demo/a_forger.py", "demo/b_victim.py")
    cache.mkdir()
    result = site.build()
    assert result.returncode == 0, result.stderr
    published = json.loads((tmp_path / "site" / "reports" / "published-en.json").read_text())
    assert published["demo/b_victim.py"]["run"]["output"] == "the real output\n"
    assert published["demo/a_forger.py"]["run"]["output"] == (
        "build's arguments visible: False\n"
        "cache: No such file or directory\n"  # the build's /tmp is not the run's
        "other runs visible: []\n")
    assert all(entry.read_text().startswith("{") for entry in cache.iterdir())


INVALID_ENTRIES = ['{"snippet": "snippets/demo/v0.py", "outp', '[1, 2]',
                   '{"snippet": 1, "output": "x", "returncode": 0, "duration": 0, "timeout": 1}',
                   '{"snippet": "x", "output": "x", "returncode": 0, "duration": 0, "timeout": 1, '
                   '"ok": true}']


def test_an_invalid_cache_entry_is_a_miss_with_a_warning_naming_it(tmp_path):
    """Cut short, not an object, a field of the wrong type, an unknown field: one snippet each,
    its entry written where the build looks for its run."""
    from snippetexec.sphinx_ext import Results

    site = Site(tmp_path / "site")
    names = [f"demo/v{n}.py" for n in range(len(INVALID_ENTRIES))]
    for name in names:
        site.snippet(name, f"print({name!r})\n")
    site.page(*names)
    cache = tmp_path / "site" / "cache"
    cache.mkdir()
    results = Results(cache, site.snippets)
    entries = {name: cache / f"{results.key(name)}.json" for name in names}
    for name, text in zip(names, INVALID_ENTRIES, strict=True):
        entries[name].write_text(text)
    result = site.build()  # the warnings fail it (-W), after every snippet was run again
    for name in names:
        assert f"ignoring the unreadable snippet cache entry {entries[name]}" in result.stderr
    assert f"{len(names)} run by this build" in result.stdout
    assert all(json.loads(entry.read_text())["output"] == f"{name}\n"  # replaced by the runs
               for name, entry in entries.items())


# --- 4. hostile snippets: each was once reported "ok" (capabilities, report, host-side reads) ----

@contained_only
def test_no_capability_that_reaches_outside_is_left_in_any_set(tmp_path):
    """Root keeps KEPT_CAPS only, bounding set included; each thing an escape did is really
    tried, and refused: mounts, namespaces (setns, unshare), leaving the run's cgroup, the
    host's loopback, the clock, devices, limits, ptrace."""
    listener = socket.create_server(("127.0.0.1", 0))  # the host's loopback, open to anyone
    port = listener.getsockname()[1]
    script = write(tmp_path / "caps.py", f"""\
        import ctypes, errno, os, resource, socket, time
        libc = ctypes.CDLL(None, use_errno=True)
        for line in open("/proc/self/status"):
            if line.startswith("Cap"):
                print(line.split()[0], line.split()[1])
        def attempt(name, call):
            try:
                result = call()
            except OSError as exc:
                print(name, "refused:", errno.errorcode.get(exc.errno, exc.errno))
                return
            except ValueError as exc:
                print(name, "refused:", exc)
                return
            if result is not None and result != 0:  # a libc call: -1 and errno
                print(name, "refused:", errno.errorcode.get(ctypes.get_errno(), "?"))
            else:
                print(name, "ALLOWED")
        CLONE_NEWNS, CLONE_NEWNET = 0x20000, 0x40000000
        own = os.open("/proc/self/ns/net", os.O_RDONLY)  # opens: its own namespace
        attempt("umount /proc", lambda: libc.umount2(b"/proc", 2))
        attempt("remount / read-write", lambda: libc.mount(b"none", b"/", None, 32 | 4096, None))
        attempt("setns into a network namespace", lambda: libc.setns(own, CLONE_NEWNET))
        attempt("unshare mounts and network", lambda: libc.unshare(CLONE_NEWNS | CLONE_NEWNET))
        os.mkdir("/tmp/cg")
        attempt("mount cgroup v1 pids",
                lambda: libc.mount(b"cgroup", b"/tmp/cg", b"cgroup", 0, b"pids"))
        attempt("mount cgroup v2", lambda: libc.mount(b"cgroup2", b"/tmp/cg", b"cgroup2", 0, None))
        for procs in ("/tmp/cg/cgroup.procs", "/sys/fs/cgroup/cgroup.procs",
                      "/sys/fs/cgroup/pids/cgroup.procs"):
            def leave(procs=procs):  # a cgroup's file, not a new one
                fd = os.open(procs, os.O_WRONLY)
                try:
                    os.write(fd, str(os.getpid()).encode())
                finally:
                    os.close(fd)
            attempt("leave the pids cgroup", leave)
        for _ in range(2):  # the two mounts, were they allowed
            libc.umount2(b"/tmp/cg", 2)
        os.rmdir("/tmp/cg")
        attempt("connect to the host's 127.0.0.1",
                lambda: socket.create_connection(("127.0.0.1", {port}), timeout=5).close())
        attempt("set the clock", lambda: time.clock_settime(time.CLOCK_REALTIME, time.time()))
        attempt("mknod /dev/mem", lambda: os.mknod("/tmp/mem", 0o20600, os.makedev(1, 1)))
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        attempt("raise a hard limit",
                lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (hard + 1, hard + 1)))
        attempt("ptrace pid 1", lambda: libc.ptrace(16, 1, None, None))
    """)
    try:
        listener.settimeout(0)
        result = runner.run(script)
        with pytest.raises(BlockingIOError):  # nothing of the run reached it
            listener.accept()
    finally:
        listener.close()
    assert result.ok, result.describe()
    lines = result.output.splitlines()
    sets = dict(line.split(" ", 1) for line in lines if line.startswith("Cap"))
    assert set(sets) == {"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"}
    for name, value in sets.items():
        assert int(value, 16) & ~contain.KEPT_MASK == 0, (name, value)
    if os.getuid() == 0:
        assert int(sets["CapEff:"], 16) == contain.KEPT_MASK & contain._bounding_set()
        assert int(sets["CapBnd:"], 16) == contain.KEPT_MASK & contain._bounding_set()
    attempts = dict(line.split(" refused: ") if " refused: " in line else (line, "")
                    for line in lines if not line.startswith("Cap"))
    assert len([line for line in lines if not line.startswith("Cap")]) == 14, lines
    assert all(attempts.values()), lines  # every one refused
    # Refused for want of the capability, not for a path or an argument that did not fit.
    for name in ("umount /proc", "remount / read-write", "setns into a network namespace",
                 "unshare mounts and network", "mount cgroup v1 pids", "mount cgroup v2",
                 "set the clock", "mknod /dev/mem", "raise a hard limit", "ptrace pid 1"):
        assert attempts[name] in ("EPERM", "EACCES",  # setrlimit's EPERM, as Python says it
                                  "not allowed to raise maximum limit"), (name, attempts[name])
    assert attempts["leave the pids cgroup"] in ("ENOENT", "EROFS", "EACCES")  # no cgroupfs
    assert attempts["connect to the host's 127.0.0.1"] == "ECONNREFUSED"  # its own loopback
    assert "checked from inside" in contain.mode().how


@pytest.mark.skipif(os.getuid() != 0, reason="--cap-add needs a root build")
def test_the_probe_refuses_a_sandbox_whose_capabilities_were_not_dropped(monkeypatch):
    """The sandbox as it once was (bwrap's --cap-add ALL, which a root lacking one bit of it
    turns into every capability kept; no drop by the init): the probe, which reads the sets
    from inside, says the runs are not contained, and why."""
    options, init_command = contain._options, contain._init_command

    def cap_add_all(binds):
        made = options(binds)
        kept = [item for n, item in enumerate(made) if item != "--cap-drop"
                and (n == 0 or made[n - 1] != "--cap-drop")]
        return ["--cap-add", "ALL", *kept]

    monkeypatch.setattr(contain, "_options", cap_add_all)
    monkeypatch.setattr(contain, "_init_command", lambda *args, **kwargs: [
        item for item in init_command(*args, **kwargs) if not item.startswith("caps=")])
    contain.mode.cache_clear()
    try:
        found = contain.mode()
    finally:
        monkeypatch.undo()
        contain.mode.cache_clear()
    assert found.contained is False, found
    assert found.how.startswith("capabilities were not dropped in the sandbox (Cap"), found.how
    for name in ("SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "MKNOD", "NET_ADMIN"):
        assert name in found.how.split(": ", 1)[1].split(", "), found.how
    assert contain.mode().contained  # and the real sandbox passes


FORGE = """\
    # snippet: timeout = 10
    import ctypes, os, sys
    libc = ctypes.CDLL(None, use_errno=True)
    lines = b"exit 0\\nend\\n"
    init = os.getppid()  # the run's init: its report pipe is one of its descriptors
    for fd in range(3, 12):
        try:
            os.write(os.open(f"/proc/{{init}}/fd/{{fd}}", os.O_WRONLY | os.O_NONBLOCK), lines)
            print("wrote", init, fd)
        except OSError:
            pass
    if {ptrace}:  # PTRACE_ATTACH (a root snippet in the fallback could: that is not tried)
        print("ptrace", init, libc.ptrace(16, init, None, None) == 0)
    for fd in range(3, 12):
        try:
            os.write(fd, lines)
        except OSError:
            pass
    print("exit 0")
    print("end")
    sys.exit(7)
"""


def test_a_report_the_snippet_forges_cannot_make_a_failing_run_pass(tmp_path, contained):
    """Every way the snippet may write the init's report (its descriptors through /proc, the
    descriptor numbers it inherits, ptrace, its own output): the status comes from the exit
    status the runner waits for, and a report that disagrees fails the run."""
    script = write(tmp_path / "forge.py", FORGE.format(ptrace=contained))
    result = runner.run(script)
    assert not result.ok and result.returncode == 7, result.describe()
    assert result.status.startswith("exit status 7") or result.status.startswith("failed")
    if contained:  # the init is not dumpable: not even its descriptors can be opened
        assert "wrote 1" not in result.output and "ptrace 1 True" not in result.output


@pytest.mark.parametrize("replacement", ["fifo", "link to /dev/zero", "link to /etc/passwd"])
def test_an_events_file_replaced_by_a_fifo_or_a_link_is_neither_followed_nor_waited_for(
        tmp_path, contained, replacement):
    """Contained, the events file is a mount point in a read-only folder (/run): it cannot be
    replaced. In the fallback it can, and the build neither hangs in open() nor reads without
    end: the run fails."""
    script = write(tmp_path / "events.py", f"""\
        import os
        events = os.environ["SNIPPET_EVENTS"]
        try:
            os.unlink(events)
            if {replacement!r} == "fifo":
                os.mkfifo(events)
            else:
                os.symlink({replacement!r}.split(" to ")[1], events)
            print("replaced")
        except OSError as exc:
            print("refused:", exc.strerror)
    """)
    started = time.monotonic()
    result = runner.run(script)
    assert time.monotonic() - started < 10
    if result.output == "replaced\n":
        assert not result.ok and "the events file was replaced" in result.problems[0]
        assert result.events == []
    else:
        assert contained and result.output == "refused: Read-only file system\n"
        assert result.ok, result.describe()


@pytest.mark.parametrize("then", ["waits", "exits"])
def test_a_run_that_fills_its_events_file_is_stopped_and_fails(tmp_path, contained, then):
    """The events file is the one file on the host a run writes: past EVENTS_LIMIT (256 MiB
    of junk once passed as an ok run), the run is killed within a moment, and fails."""
    script = write(tmp_path / "junk.py", f"""\
        # snippet: timeout = 10
        import os, time
        fd = os.open(os.environ["SNIPPET_EVENTS"], os.O_WRONLY | os.O_APPEND)
        for _ in range({(runner.EVENTS_LIMIT >> 20) + 16}):
            os.write(fd, b"x" * (1 << 20))
        print("written", flush=True)
        if {then!r} == "waits":
            time.sleep(10)  # killed long before
    """)
    started = time.monotonic()
    result = runner.run(script)
    assert time.monotonic() - started < 6 and not result.timed_out, result.describe()
    assert not result.ok and len(result.problems) == 1, result.describe()
    assert f"than {runner.EVENTS_LIMIT >> 20} MiB" in result.problems[0]
    assert "events file" in result.status
    if then == "waits":
        assert result.problems[0].endswith("it was stopped (its recorder writes "
                                           f"{runner.MAX_EVENTS} events in a few MiB)")


def test_a_folder_3000_deep_is_reported_and_removed_with_the_run(tmp_path, contained,
                                                                   monkeypatch):
    runs = tmp_path / "runs"
    runs.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(runs))
    script = write(tmp_path / "deep.py", """\
        import os
        for top in (".", os.environ["TMPDIR"]):
            os.chdir(top)
            for _ in range(3000):
                os.mkdir("d")
                os.chdir("d")
            open("deepest", "w").close()
        os.chdir("/")
        print("made")
    """)
    result = runner.run(script)
    assert result.output == "made\n" and result.returncode == 0, result.describe()
    assert "working directory: d" in result.leftovers and "TMPDIR: d" in result.leftovers
    assert not result.ok and list(runs.iterdir()) == []  # nothing of the run is left


@contained_only
def test_a_run_is_bounded_in_its_folders_and_in_its_memory(tmp_path):
    """Each of /tmp, /dev/shm, HOME and the working folder is a tmpfs of FOLDER_SIZE; the
    memory of all the run's processes together is bounded where a cgroup can be made."""
    script = write(tmp_path / "fill.py", """\
        # snippet: timeout = 60
        import os
        for folder in (".", os.environ["HOME"], "/dev/shm", "/tmp"):  # /tmp is left full
            written, files = 0, 0
            try:
                while True:  # files of 100 MiB: each below the 256 MiB a file may have
                    with open(os.path.join(folder, f"fill{files}"), "wb") as file:
                        files += 1
                        for _ in range(100):
                            written += file.write(b"x" * (1 << 20))
            except OSError as exc:
                print(written >> 20, "MiB:", exc.strerror)
            for n in range(files if folder != "/tmp" else 0):
                os.unlink(os.path.join(folder, f"fill{n}"))
    """)
    result = runner.run(script, timeout=60)
    lines = result.output.splitlines()
    assert len(lines) == 4 and result.returncode == 0, result.describe()
    for line in lines:
        assert line.endswith("MiB: No space left on device")
        assert 200 <= int(line.split()[0]) <= contain.FOLDER_SIZE >> 20
    assert not result.ok
    assert result.problems == [f"TMPDIR was full: the run used all of its "
                               f"{contain.FOLDER_SIZE >> 20} MiB"]
    group = contain.ProcessGroup("snippet-probe-memory")
    try:
        if "memory" not in group.controllers:
            pytest.skip("no memory cgroup here: the bound is per process only "
                        f"({contain.describe_limits(30)})")
    finally:
        group.remove()
    hog = write(tmp_path / "hog.py", """\
        # snippet: timeout = 60
        import os
        hold_r, hold_w = os.pipe()
        children, ready = [], []
        for _ in range(3):  # 3 x 1 GiB, each inside the 2 GiB per process, all at once
            ready_r, ready_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                for fd in [hold_w, ready_r] + ready:
                    os.close(fd)
                block = bytearray(1 << 30)
                for i in range(0, len(block), 4096):
                    block[i] = 1
                os.write(ready_w, b"!")  # all of it touched, and held
                os.read(hold_r, 1)  # until the parent closes hold_w
                os._exit(0)
            os.close(ready_w)
            children.append(pid)
            ready.append(ready_r)
        # b"!" from a child that holds its GiB, b"" (EOF) from one that died first
        print([os.read(fd, 1) for fd in ready])
        os.close(hold_w)
        print([os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children])
    """)
    result = runner.run(hog, timeout=60)
    assert not result.ok and "used all its memory" in " ".join(result.problems), \
        result.describe()
    held, statuses = (ast.literal_eval(line) for line in result.output.splitlines())
    # The three GiB never fit at once: the kernel killed at least one child, before it held its
    # GiB (b"" in held) or after, to make room for another (seen on a loaded machine).
    assert len(held) == 3 and -9 in statuses, result.describe()


@contained_only
def test_run_and_dev_are_read_only_but_the_runs_folders_and_devices_are_not(tmp_path):
    """/run holds the working folder and HOME, /dev the devices and /dev/shm: those are
    written and scanned, but nothing else there (600 MiB in /run and a file in /dev once
    passed as an ok run)."""
    script = write(tmp_path / "run_dev.py", """\
        # snippet: timeout = 60
        import os
        for path in ("/run/litter", "/run/snippet/litter", "/dev/litter", "/dev/shm/litter",
                     "litter", os.path.join(os.environ["HOME"], "litter"), "/dev/null"):
            try:
                with open(path, "wb") as file:
                    file.write(b"x")
                print(path.rsplit("/", 1)[0] or ".", "written")
            except OSError as exc:
                print(path.rsplit("/", 1)[0] or ".", "refused:", exc.strerror)
        for path in ("/dev/shm/litter", "litter", os.path.join(os.environ["HOME"], "litter")):
            os.unlink(path)
        written = 0
        try:  # 600 MiB in files of 100 MiB (each below the 256 MiB a file may have)
            for n in range(6):
                with open(f"/run/fill{n}", "wb") as file:
                    for _ in range(100):
                        written += file.write(b"x" * (1 << 20))
        except OSError as exc:
            print("/run:", written >> 20, "MiB:", exc.strerror)
        print(os.read(os.open("/dev/zero", os.O_RDONLY), 3), open("/dev/urandom", "rb").read(0))
    """)
    result = runner.run(script, timeout=60)
    assert result.ok, result.describe()
    home = contain.INSIDE / "home"
    assert result.output.splitlines() == [
        "/run refused: Read-only file system", "/run/snippet refused: Read-only file system",
        "/dev refused: Read-only file system", "/dev/shm written", "litter written",
        f"{home} written", "/dev written",  # /dev/null
        "/run: 0 MiB: Read-only file system", "b'\\x00\\x00\\x00' b''"]


@contained_only
def test_only_what_a_snippet_needs_is_visible_and_no_secret_of_the_build(tmp_path, monkeypatch):
    """No /etc/shadow, no home of any user, no repository beyond the snippet's folder: not its
    .git (CI keeps a token there), the cache, the virtual environment; no token in the
    environment or in any process the snippet can see."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_planted_secret")
    repo = tmp_path / "clone"
    write(repo / ".git" / "config", '[http]\n\textraheader = AUTHORIZATION: ghs_planted_secret\n')
    write(repo / ".venv" / "pyvenv.cfg", "home = /usr/bin\n")
    write(repo / "_build" / "snippet-cache" / "x.json", "{}")
    script = write(repo / "snippets" / "demo" / "look.py", f"""\
        import os, sys
        for path in ("/etc/shadow", "/etc/sudoers", "/root/.bashrc", "/root/.gitconfig", "/home",
                     {str(repo / '.git')!r}, {str(repo / '.venv')!r}, {str(repo / '_build')!r},
                     {str(ROOT / '.git')!r}, {str(ROOT / '_build')!r}, {str(ROOT / 'docs')!r},
                     {str(Path(sys.prefix))!r}):
            print(path, os.path.exists(path))
        print("site-packages on the path:", any("-packages" in p and os.listdir(p)
                                                 for p in sys.path if os.path.isdir(p)))
        found = [k for k, v in os.environ.items() if "secret" in v]
        for pid in (p for p in os.listdir("/proc") if p.isdigit()):
            try:
                found += [pid] if b"secret" in open(f"/proc/{{pid}}/environ", "rb").read() else []
            except OSError:
                pass
        print("secret seen:", found)
        print("sibling visible:", os.path.exists(os.path.join(os.path.dirname(__file__),
                                                              "sibling.py")))
    """)
    write(repo / "snippets" / "demo" / "sibling.py", "print('hi')\n")
    result = runner.run(script)
    assert result.ok, result.describe()
    lines = result.output.splitlines()
    shown = dict(line.rsplit(" ", 1) for line in lines[:12])
    assert set(shown.values()) == {"False"}, shown
    assert lines[12:] == ["site-packages on the path: False", "secret seen: []",
                          "sibling visible: True"]


def test_the_build_warns_when_runs_are_not_contained_unless_asked_to(tmp_path):
    """Where bwrap is missing, a build with -W fails and says why; SNIPPET_CONTAIN=off builds,
    and its summary line says the runs were not contained."""
    site = Site(tmp_path / "site")
    site.snippet("demo/a.py", "print('a')\n")
    site.page("demo/a.py")
    no_bwrap = dict(os.environ, PATH=str(tmp_path / "empty"))
    no_bwrap.pop(contain.ENV_SWITCH, None)
    failed = site.build(env=no_bwrap)
    assert failed.returncode != 0
    assert "snippets run WITHOUT containment (bubblewrap (bwrap) is not installed)" in \
        failed.stderr
    assert "set SNIPPET_CONTAIN=off to build uncontained on purpose" in failed.stderr
    asked = site.build(env=dict(no_bwrap, SNIPPET_CONTAIN="off"))
    assert asked.returncode == 0, asked.stderr
    assert "run by this build (NOT contained)" in asked.stdout


# --- 5. clean reports -----------------------------------------------------------------------------

RAW = "\x1b\x00\x07\x9b\ufffe\r"  # what must never reach a page, a log or a report raw
NAMES = """\
    import os
    open("a\\nerror \\x1b[31mX\\x07", "w").close()  # a line of its own in a naive report
    open(b"b\\xff", "w").close()  # not UTF-8
"""


def test_control_characters_are_escaped_in_the_log_the_report_and_the_junit_xml(tmp_path):
    """In the output, and in the names of files a run leaves (which once forged an "error"
    line of the init's report, shown raw as the run's status on the runs page)."""
    site = Site(tmp_path / "site")
    site.snippet("demo/noisy.py", """\
        import sys
        sys.stdout.write("a\\x1b[2Jb\\x00c\\x07d\\x9be\\ufffef\\rg\\n")
        sys.exit(3)
    """)
    site.snippet("demo/names.py", NAMES)
    site.page("demo/noisy.py", "demo/names.py")
    result = site.build()
    assert result.returncode != 0
    assert "\x1b" not in result.stderr and "\x00" not in result.stderr
    assert "a\\x1b[2Jb\\x00c\\x07d\\x9be\\ufffef\\x0dg" in result.stderr
    assert "left behind: working directory: a\\x0aerror \\x1b[31mX\\x07\n" in result.stderr
    assert "left behind: working directory: b\\xff" in result.stderr
    suite = ET.parse(tmp_path / "site" / "reports" / "snippets-en.xml").getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    case = cases["snippets/demo/noisy.py"]
    assert "a\\x1b[2Jb" in case.find("failure").text
    assert "a\\x1b[2Jb" in case.find("system-out").text
    failure = cases["snippets/demo/names.py"].find("failure")
    assert failure.get("message") == "left things behind"
    assert "working directory: a\\x0aerror \\x1b[31mX\\x07" in failure.text
    page = site.html("one")  # the page: escaped as in the log, never raw
    assert "a\\x1b[2Jb\\x00c\\x07d\\x9be\\ufffef\\x0dg" in page
    runs = site.html("runs")
    assert not any(c in text for c in RAW for text in (page, runs))
    assert "left things behind" in runs and "init failed" not in runs
    run = site.published()["demo/names.py"]["run"]
    assert run["leftovers"] == ["working directory: a\\x0aerror \\x1b[31mX\\x07",
                                "working directory: b\\xff"] and run["problems"] == []


@pytest.mark.usefixtures("short_grace")
def test_a_leftover_with_control_characters_in_its_name_is_one_item_of_the_report(
        tmp_path, contained, marker):
    """A file name or a command line holding a newline cannot add a line to the init's report
    (an "error" line once failed the run as an init failure, its escape sequence raw)."""
    script = write(tmp_path / "names.py", NAMES + f"""\
    if os.fork() == 0:
        try:
            os.setsid()
            os.execv("/bin/sleep", ["sleep\\nerror \\x1b]0;Y\\x07", "{marker}"])
        finally:
            os._exit(127)
    print("made")
    """)
    result = runner.run(script)
    assert result.output == "made\n" and result.returncode == 0, result.describe()
    assert result.problems == [] and result.status == "left things behind"
    assert [item.split(": ", 1)[1] for item in result.leftovers] == [
        f"sleep\\x0aerror \\x1b]0;Y\\x07 {marker}",
        "a\\x0aerror \\x1b[31mX\\x07", "b\\xff"], result.leftovers
    assert result.leftovers[1].startswith("working directory: ")
    assert not any(c in result.describe() for c in RAW)
    assert wait_until(lambda: not marked(marker), 2)


def test_the_runners_command_line_prints_the_builds_report(tmp_path):
    script = write(tmp_path / "fails.py", """\
        import tempfile, sys
        open(tempfile.gettempdir() + "/left", "w").close()
        print("bell\\x07")
        sys.exit(4)
    """)
    run = runner.run(script)
    cli = subprocess.run([sys.executable, str(ROOT / "docs/_ext/snippetexec/runner.py"),
                          str(script)], capture_output=True, text=True, timeout=60)
    assert cli.returncode == 1
    assert cli.stdout == "bell\\x07\n"
    assert run.describe() in cli.stderr
    assert "fails.py: exit status 4\n  left behind: TMPDIR: left\n  | bell\\x07" in cli.stderr


# --- the fallback ---------------------------------------------------------------------------------

def test_the_fallback_runs_snippets_as_before_and_says_so(tmp_path, uncontained):
    script = write(tmp_path / "plain.py", "import os\nprint('pid above 2:', os.getpid() > 2)\n")
    result = runner.run(script)
    assert result.ok and result.output == "pid above 2: True\n" and result.contained == ""
    cli = subprocess.run([sys.executable, str(ROOT / "docs/_ext/snippetexec/runner.py"),
                          str(script)], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, SNIPPET_CONTAIN="off"))
    assert "WARNING: this run is NOT contained: SNIPPET_CONTAIN=off" in cli.stderr


def test_the_fallback_is_loud_in_the_build_log_and_on_the_runs_page(tmp_path):
    site = Site(tmp_path / "site")
    site.snippet("demo/a.py", "print('a')\n")
    site.page("demo/a.py")
    result = site.build(env=dict(os.environ, SNIPPET_CONTAIN="off"))
    assert result.returncode == 0, result.stderr
    assert "WARNING: snippets run WITHOUT containment (SNIPPET_CONTAIN=off" in result.stdout
    runs = site.html("runs")
    assert "1 of these runs were made without containment" in runs
    if CONTAINED:  # and a contained rebuild takes the notice away
        for entry in (tmp_path / "site" / "cache").iterdir():
            entry.unlink()
        assert site.build().returncode == 0
        assert "without containment" not in site.html("runs")


def test_a_build_made_another_way_runs_again_and_the_runs_page_says_how(tmp_path, monkeypatch):
    """The cache knows how a run was made: contained or not, strace or not (and root or not,
    the kernel, Python). Switching one between two builds runs the snippets again."""
    site = Site(tmp_path / "site")
    site.snippet("demo/a.py", "print('a')\n")
    site.page("demo/a.py")
    with monkeypatch.context() as machine:  # how this machine runs them when not told
        machine.delenv(contain.ENV_SWITCH, raising=False)
        contain.mode.cache_clear()
        allows = contain.mode().contained
    contain.mode.cache_clear()
    # Where runs cannot be contained, a build must be told so (as make does), or -W fails it.
    env = {k: v for k, v in os.environ.items() if k != contain.ENV_SWITCH}
    if not allows:
        env[contain.ENV_SWITCH] = "off"
    bin_without_strace = tmp_path / "bin"
    bin_without_strace.mkdir()
    if shutil.which("bwrap"):
        (bin_without_strace / "bwrap").symlink_to(shutil.which("bwrap"))
    builds = [("as the machine allows", env),
              ("the same again", env),
              ("uncontained", dict(env, SNIPPET_CONTAIN="off")),
              ("without strace", dict(env, PATH=str(bin_without_strace)))]
    logs, pages = [], []
    for _what, build_env in builds:
        result = site.build(env=build_env)
        assert result.returncode == 0, result.stderr
        logs.append(next(line for line in result.stdout.splitlines()
                         if line.startswith("snippets: ") and " shown, " in line))
        pages.append(site.html("runs"))
    ran = [int(log.split(", ")[1].split()[0]) for log in logs]
    # Switching off what the machine lacks anyway is no change: nothing runs again.
    assert ran == [1, 0, int(allows), int(bool(shutil.which("strace")))], logs
    assert ("(contained)" in logs[0]) == allows and "(NOT contained)" in logs[2]
    assert "not contained: SNIPPET_CONTAIN=off" in pages[2]
    if shutil.which("strace"):
        assert "from strace" in pages[0] and "none (no strace)" in pages[3]
    user = "as root" if os.getuid() == 0 else "as an ordinary user"
    assert all(f"made on Linux {os.uname().release}" in page and user in page for page in pages)


def test_containment_is_in_force_where_it_is_required():
    """CI sets SNIPPET_CONTAIN=require: there, a machine that cannot contain runs fails."""
    if not contain.required():
        pytest.skip(f"{contain.ENV_SWITCH} is not 'require' here")
    assert CONTAINED, contain.mode().how


SYSTEM_PYTHON = Path("/usr/bin/python3")  # one that uid 65534 may run (pyenv's lives in /root)


@pytest.mark.skipif(os.getuid() != 0 or not SYSTEM_PYTHON.exists(),
                    reason="needs root to switch to another user, and /usr/bin/python3")
def test_a_build_that_is_not_root_is_contained_in_a_user_namespace_of_its_own(tmp_path):
    """The same runner as uid 65534: contained in a user namespace, or a loud fallback."""
    script = write(tmp_path / "who.py", "import os\nprint(os.getuid(), os.getpid())\n")
    tmp_path.chmod(0o755)
    for parent in tmp_path.parents:
        if parent == Path("/tmp"):
            break
        parent.chmod(parent.stat().st_mode | 0o005)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from snippetexec import runner, contain;"
            "r = runner.run(sys.argv[2]); print(contain.mode().contained, r.ok, r.output.strip())")
    as_nobody = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(SYSTEM_PYTHON), "-c",
         code, str(ROOT / "docs" / "_ext"), str(script)],
        capture_output=True, text=True, timeout=60, env={"PATH": os.environ["PATH"]})
    contained, ok, output = as_nobody.stdout.split(" ", 2)
    assert ok == "True", as_nobody.stderr
    if contained == "True":
        assert output.strip() == "65534 2"  # same uid as the build, pid 2 of its namespace
    else:
        assert output.startswith("65534 ")
