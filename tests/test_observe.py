"""The observation layer (docs/_ext/snippetexec/observe.py): what a run did, recorded as events.

Each test runs a small program the way the runner does (a sitecustomize made of
observe.SITE_CODE, SNIPPET_EVENTS naming a file) and asserts on the events it recorded.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from snippetexec import observe  # noqa: E402

SNIPPETS = ROOT / "snippets"


def observed(tmp_path: Path, code: str | Path, setting: str | None = None, record: bool = True,
             timeout: float = 30, python: str = sys.executable, write_site: bool = True,
             ) -> tuple[subprocess.CompletedProcess, observe.Events]:
    """Run ``code`` (source text or a snippet path) with the observation layer, by ``python``;
    return the completed process (stdout and stderr merged, as text) and the events recorded.
    ``write_site``: False where the test has made tmp_path/site itself (read-only, say)."""
    site = tmp_path / "site"
    if write_site:
        site.mkdir(exist_ok=True)
        observe.write_site(site)
    events_file = tmp_path / "events.jsonl"
    if events_file.exists():
        events_file.unlink()
    if isinstance(code, Path):
        script = code
    else:
        script = tmp_path / "program.py"
        script.write_text(textwrap.dedent(code))
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONUNBUFFERED="1", PYTHONUTF8="1",
               PYTHONDONTWRITEBYTECODE="1", TMPDIR=str(work))
    for name in (observe.ENV_EVENTS, observe.ENV_SETTING):
        env.pop(name, None)
    if record:
        env.update(observe.environment(events_file, setting or observe.DEFAULT_SETTING))
    proc = subprocess.run([python, str(script)], cwd=work, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, start_new_session=True)
    return proc, observe.load(events_file)


# --- recording --------------------------------------------------------------------------------

def test_nothing_is_recorded_or_wrapped_without_the_variable(tmp_path):
    proc, events = observed(tmp_path, """\
        import os
        print(type(os.read).__name__, type(os.fork).__name__)
        """, record=False)
    assert proc.stdout == "builtin_function_or_method builtin_function_or_method\n"
    assert events == [] and not (tmp_path / "events.jsonl").exists()


def test_setting_off_records_nothing(tmp_path):
    proc, events = observed(tmp_path, "import os; r, w = os.pipe()\n", setting="off")
    assert proc.returncode == 0 and events == []


def test_pipe_fork_read_write_and_exit_are_recorded_per_process(tmp_path):
    proc, ev = observed(tmp_path, SNIPPETS / "pipes" / "pipe_between_parent_and_child.py")
    assert proc.returncode == 0, proc.stdout
    parent = ev.main
    (child,) = ev.children(parent)
    assert ev.processes()[child] == parent
    pipe = ev.one("os.pipe")
    r, w = pipe.result
    assert pipe.pid == parent and pipe.obj.startswith("pipe:[")
    # descriptors numbered as without observation: the events file sits at a high number
    assert f"read end is fd {r}, write end is fd {w}" in proc.stdout and (r, w) == (3, 4)
    write = ev.writes(pid=parent, fd=w).one()
    assert write.result == 24 and write.data == "b'hello through the kernel'"
    read = ev.reads(pid=child, fd=r).one()
    assert read.obj == pipe.obj and read.result == 24  # the same pipe, in the other process
    assert ev.calls("os.close", pid=child).where(fd=w)  # the child closed its write end
    assert ev.exit_of(child) == {"exited": 0}
    assert ev.calls("forked", pid=child)[0].args == {"parent": parent}
    assert pipe.at == "pipe_between_parent_and_child.py:6"  # the snippet's line that made it
    assert len(ev.made_in("pipe_between_parent_and_child.py")) == len(ev) - 1  # all but start


def test_a_fake_that_prints_the_output_leaves_no_ipc_events(tmp_path):
    real, _ = observed(tmp_path, SNIPPETS / "pipes" / "pipe_between_parent_and_child.py")
    fake, ev = observed(tmp_path, f"print({real.stdout!r}, end='')\n")
    assert fake.stdout == real.stdout
    assert not ev.calls("os.pipe", "os.fork") and ev.children() == []
    assert [e.call for e in ev] == ["start"]


def test_death_by_signal_is_decoded_and_the_fatal_write_was_begun(tmp_path):
    proc, ev = observed(tmp_path, SNIPPETS / "pipes" / "sigpipe_kills_writer.py")
    (child,) = ev.children()
    assert ev.exit_of(child) == {"signal": "SIGPIPE", "core": False}
    assert ev.calls("signal.signal", pid=child).one().args == {"signal": "SIGPIPE",
                                                                "handler": "SIG_DFL"}
    begun = ev.calls("calling", pid=child).one()  # SIGPIPE killed it inside the write
    assert begun.args["call"] == "os.write" and begun.obj == ev.one("os.pipe").obj


def test_errors_are_errno_names(tmp_path):
    proc, ev = observed(tmp_path, """\
        import os, tempfile
        r, w = os.pipe()
        os.set_blocking(r, False)
        try:
            os.read(r, 10)
        except BlockingIOError:
            pass
        os.close(r)
        try:
            os.write(w, b"x")
        except BrokenPipeError:
            pass
        path = os.path.join(tempfile.mkdtemp(), "fifo")
        os.mkfifo(path)
        try:
            os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            pass
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        os.close(fd)
        os.unlink(path)
        os.rmdir(os.path.dirname(path))
        """)
    assert proc.returncode == 0, proc.stdout
    assert ev.one("os.read").error == "EAGAIN"
    assert ev.one("os.write").error == "EPIPE"
    assert ev.one("os.set_blocking").args == {"fd": 3, "blocking": False}
    opens = ev.calls("os.open")
    assert [(e.args["flags"], e.error or e.result) for e in opens] == [
        ("O_WRONLY|O_NONBLOCK", "ENXIO"), ("O_RDONLY|O_NONBLOCK", 3)]
    assert opens[1].obj.startswith("fifo:") and opens[1].obj.endswith("/fifo")
    assert ev.one("os.mkfifo").args["mode"] == "0o666"


def test_a_short_write_records_what_it_was_given(tmp_path):
    proc, ev = observed(tmp_path, """\
        import os
        r, w = os.pipe()
        os.set_blocking(w, False)
        os.write(w, bytes(1 << 20))  # more than the pipe holds: a short count
        """)
    assert proc.returncode == 0, proc.stdout
    (write,) = ev.calls("os.write")
    assert write.asked == 1 << 20 and 0 < write.result < write.asked


def test_a_refused_fcntl_and_the_close_of_an_inherited_pipe_are_recorded(tmp_path):
    proc, ev = observed(tmp_path, """\
        import fcntl, os, sys
        if len(sys.argv) == 1:
            r, w = os.pipe()
            os.set_inheritable(w, True)
            os.execv(sys.executable, [sys.executable, sys.argv[0], str(w)])
        w = int(sys.argv[1])
        try:
            fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, -1)  # 4 GiB - 1 as unsigned: too big for anyone
        except OSError:
            pass
        os.close(w)  # never classified by this program: it came through exec
        """)
    assert proc.returncode == 0, proc.stdout
    refused = ev.one("fcntl.fcntl")
    assert refused.args["cmd"] == "F_SETPIPE_SZ" and refused.error == "EINVAL"
    closes = [e for e in ev.calls("os.close") if e.args == {"fd": refused.args["fd"]}]
    assert closes and closes[-1].obj.startswith("pipe:")


def test_signals_sent_and_how_children_ended(tmp_path):
    proc, ev = observed(tmp_path, """\
        import os, signal
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
        pid = os.fork()
        if pid == 0:
            signal.sigwait({signal.SIGUSR1})
            os._exit(3)
        os.kill(pid, signal.SIGUSR1)
        os.waitpid(pid, 0)
        pid2 = os.fork()
        if pid2 == 0:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
            signal.pause()
        while f'"pid":{pid2},"ppid":{os.getpid()},"call":"calling"' not in open(
                os.environ["SNIPPET_EVENTS"]).read():  # until the child is in pause()
            pass
        os.kill(pid2, signal.SIGTERM)
        os.waitpid(pid2, 0)
        try:
            os.kill(pid2, signal.SIGTERM)
        except ProcessLookupError:
            pass
        """)
    assert proc.returncode == 0, proc.stdout
    first, second = ev.children()
    assert ev.signals_sent(target=first) == [
        observe.Signal(ev.main, first, "SIGUSR1", "os.kill", None)]
    assert [s.error for s in ev.signals_sent(target=second)] == [None, "ESRCH"]
    assert ev.calls("signal.sigwait", pid=first).one().result == "SIGUSR1"
    assert ev.exit_of(first) == {"exited": 3}
    assert ev.exit_of(second) == {"signal": "SIGTERM", "core": False}
    mask = ev.calls("signal.pthread_sigmask", pid=ev.main).one()
    assert mask.args == {"how": "SIG_BLOCK", "signals": ["SIGUSR1"]}
    assert ev.calls("calling", pid=second).one().args == {"call": "signal.pause"}


def test_exec_and_subprocess_link_the_new_program_to_its_parent(tmp_path):
    proc, ev = observed(tmp_path, """\
        import os, subprocess, sys
        subprocess.run(["true"])
        subprocess.run([sys.executable, "-c", "print('child python')"])
        pid = os.fork()
        if pid == 0:
            os.execv("/bin/sh", ["sh", "-c", "exit 7"])
        os.waitpid(pid, 0)
        """)
    assert proc.returncode == 0, proc.stdout
    true, python, sh = ev.children()
    assert ev.made_in("program.py").calls("os.pipe") == []  # subprocess's own pipes
    assert ev.calls("os.pipe")  # exist, made by subprocess.py
    spawned = ev.calls("subprocess.Popen")
    assert [e.result for e in spawned] == [true, python]
    assert spawned[0].args["argv"] == ["true"] and ev.exit_of(true) == {"exited": 0}
    assert ev.argv_of(python)[1:] == ["-c", "print('child python')"]
    assert ev.calls("start", pid=python).one().ppid == ev.main  # the new Python records too
    assert ev.calls("os.exec", pid=sh).one().args == {"path": "/bin/sh",
                                                       "argv": ["sh", "-c", "exit 7"]}
    assert ev.exit_of(sh) == {"exited": 7}


# --- every way the standard library starts a program, on each Python the README names ---------

VERSIONS = ("3.11", "3.12", "3.13")


def _pyenv_pythons(pyenv: Path, version: str) -> list[str]:
    try:  # another user's pyenv (PYENV_ROOT kept by su) may be unreadable
        return [str(p) for p in sorted(pyenv.glob(f"versions/{version}.*/bin/python{version}"))]
    except OSError:
        return []


@functools.cache
def interpreter(version: str) -> str | None:
    """A Python ``version`` on this machine: this one, or python3.X on the PATH, in /usr/bin,
    /usr/local/bin or under pyenv; None if there is none (each candidate is asked its version)."""
    if "{}.{}".format(*sys.version_info[:2]) == version:
        return sys.executable
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates = [shutil.which(f"python{version}"), f"/usr/bin/python{version}",
                  f"/usr/local/bin/python{version}",
                  *_pyenv_pythons(pyenv, version)]
    for candidate in filter(None, candidates):
        try:
            said = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info"
                                   "[:2], sys.executable)"], capture_output=True, text=True,
                                  timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        got, _, executable = said.stdout.strip().partition(" ")
        if said.returncode == 0 and got == version:
            return executable or candidate
    return None


CHILD = "import os; print('child', flush=True)"

# What each program does to start `python -c CHILD`, and the call its parent's event is.
STARTS = {
    "subprocess (fork_exec)": ("subprocess.run([sys.executable, '-c', CHILD], cwd='.')",
                               "subprocess.Popen"),
    "subprocess (posix_spawn where it can)": ("subprocess.run([sys.executable, '-c', CHILD])",
                                              "subprocess.Popen"),
    "os.posix_spawn": ("os.waitpid(os.posix_spawn(sys.executable, ARGV, os.environ), 0)",
                       "os.posix_spawn"),
    "os.posix_spawnp": ("os.environ['PATH'] = os.path.dirname(sys.executable)\n"
                        "os.waitpid(os.posix_spawnp(NAME, ARGV, os.environ), 0)",
                        "os.posix_spawnp"),
    "os.spawnv (P_WAIT)": ("os.spawnv(os.P_WAIT, sys.executable, ARGV)", "os.spawnv"),
    "os.spawnvp (P_NOWAIT)": ("os.environ['PATH'] = os.path.dirname(sys.executable)\n"
                              "os.waitpid(os.spawnvp(os.P_NOWAIT, NAME, ARGV), 0)", "os.spawnvp"),
    "os.spawnl (P_WAIT)": ("os.spawnl(os.P_WAIT, sys.executable, *ARGV)", "os.spawnv"),
    "os.system": ("os.system(shlex.join(ARGV).replace(NAME, shlex.quote(sys.executable), 1))",
                  "os.system"),
    "os.fork and os.execv": ("pid = os.fork()\n"
                             "if pid == 0:\n"
                             "    os.execv(sys.executable, ARGV)\n"
                             "os.waitpid(pid, 0)", "os.fork"),
}


@pytest.mark.parametrize("how", list(STARTS))
@pytest.mark.parametrize("version", VERSIONS)
def test_every_way_the_standard_library_starts_a_program_is_recorded(tmp_path, version, how):
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine (PATH, /usr/bin, /usr/local/bin, pyenv)")
    start, call = STARTS[how]
    proc, ev = observed(tmp_path, f"""\
import os, shlex, subprocess, sys
CHILD = {CHILD!r}
NAME = os.path.basename(sys.executable)
ARGV = [NAME, "-c", CHILD]
print("posix_spawn:", subprocess._USE_POSIX_SPAWN
      and getattr(subprocess, "_HAVE_POSIX_SPAWN_CLOSEFROM", False), flush=True)
{start}
""", python=python)
    assert proc.returncode == 0 and proc.stdout.endswith("child\n"), proc.stdout
    if how.startswith("subprocess (posix") and version >= "3.13":
        assert "posix_spawn: True" in proc.stdout  # 3.13's subprocess took its posix_spawn path
    main = ev.main
    assert ev.argv_of(main)[-1].endswith("program.py")
    (started,) = [e for e in ev.calls("start") if e.args["argv"][1:] == ["-c", CHILD]]
    child = started.pid
    made = ev.calls(call, pid=main).one()
    assert made.ok and (call == "os.fork" or made in ev.execs(main))
    if call == "os.system":  # the shell's own pid is not seen; the status is
        assert made.result == {"pid": -1, "exited": 0}
        assert shlex.split(made.args["command"])[1:] == ["-c", CHILD]
        assert child != main
        return
    assert ev.processes()[child] == main and child in ev.children(main)
    assert started.ppid == main  # the new program records too, and names its parent
    if call == "os.fork":
        assert made.result == child
        assert ev.calls("os.exec", pid=child).one().args["argv"][1:] == ["-c", CHILD]
    elif call in ("os.spawnv", "os.spawnvp"):
        assert made.args["argv"][1:] == ["-c", CHILD] and made.args["path"]
        assert made.result == (0 if made.args["mode"] == "P_WAIT" else child)
        fork = ev.calls("os.fork", pid=main).one()  # os.py forks, the child execs
        assert fork.result == child and fork.at.rpartition(":")[0] in ("os.py", "<frozen os>")
        assert ev.calls("os.exec", pid=child).one().args["argv"][1:] == ["-c", CHILD]
    else:
        assert made.result == child and made.args["argv"][1:] == ["-c", CHILD]
        assert ev.argv_of(child)[1:] == ["-c", CHILD]
    if call == "subprocess.Popen":
        assert made.at.startswith("subprocess.py:")
        assert os.path.basename(made.args["executable"]) == os.path.basename(python)
    assert ev.exit_of(child) == {"exited": 0}


def test_sockets_and_descriptor_passing(tmp_path):
    proc, ev = observed(tmp_path, SNIPPETS / "sockets" / "pass_descriptor.py")
    assert proc.returncode == 0, proc.stdout
    pair = ev.one("socket.socketpair")
    assert pair.args == {"family": "AF_UNIX", "type": "SOCK_STREAM"}
    (child,) = ev.children()
    sent = ev.fds_passed().calls("socket.sendmsg").one()
    got = ev.fds_passed().calls("socket.recvmsg").one()
    assert sent.pid == ev.main and got.pid == child and len(sent.fds) == len(got.fds) == 1
    assert sent.data == got.data == "b'here is a file'"

    proc, ev = observed(tmp_path, """\
        import os, socket, tempfile
        path = os.path.join(tempfile.mkdtemp(), "s")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen()
        client = socket.socket(socket.AF_UNIX)
        client.connect(path)
        conn, _ = server.accept()
        client.sendall(b"ping")
        print(conn.recv(10), conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12) != b"")
        try:
            socket.socket(socket.AF_UNIX).bind(path)
        except OSError:
            pass
        for s in (conn, client, server):
            s.close()
        os.unlink(path)
        os.rmdir(os.path.dirname(path))
        """)
    assert proc.returncode == 0, proc.stdout
    server = ev.calls("socket.socket")[0]
    assert server.args == {"family": "AF_UNIX", "type": "SOCK_STREAM"}
    binds = ev.calls("socket.bind")
    assert binds[0].ok and binds[0].args["address"].endswith("/s")
    assert binds[1].error == "EADDRINUSE"
    accepted = ev.one("socket.accept").result["fd"]
    assert ev.one("socket.recv").args["fd"] == accepted and ev.one("socket.recv").result == 4
    assert ev.one("socket.getsockopt").result["pid"] == ev.main
    assert len(ev.calls("socket.close")) == 3  # the fourth socket was never closed, only freed


def test_mappings_say_shared_or_private(tmp_path):
    proc, ev = observed(tmp_path, """\
        import mmap
        with open("f", "wb") as f:
            f.write(b"x" * 10)
        with open("f", "r+b") as f:
            a = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_PRIVATE)
            b = mmap.mmap(f.fileno(), 0)
        c = mmap.mmap(-1, 4096)
        print(type(a).__name__, isinstance(c, mmap.mmap), a[:2])
        for m in (a, b, c):
            m.close()
        import os
        os.unlink("f")
        """)
    assert proc.stdout == "mmap True b'xx'\n"
    private, shared, anonymous = ev.calls("mmap.mmap")
    assert private.args["flags"] == "MAP_PRIVATE" and private.result["shared"] is False
    assert shared.result == {"size": 10, "shared": True, "anonymous": False}
    assert shared.args["file"].endswith("/f")
    assert anonymous.result == {"size": 4096, "shared": True, "anonymous": True}


def test_first_n_records_the_first_calls_then_takes_the_wrapper_off(tmp_path):
    code = """\
        import os
        a = os.pipe()
        b = os.pipe()
        for _ in range(10):
            os.write(a[1], b"x")
            os.write(b[1], b"y")
        print(type(os.write).__name__, type(os.pipe).__name__)
        pid = os.fork()
        if pid == 0:  # a child starts again with its own first N
            print("child", type(os.write).__name__)
            for _ in range(5):
                os.write(a[1], b"z")
            os._exit(0)
        os.waitpid(pid, 0)
        """
    proc, ev = observed(tmp_path, code, setting="first 3")
    # past the limit os.write is the builtin again; os.pipe, never past it, stays wrapped
    assert proc.stdout == "builtin_function_or_method function\nchild function\n"
    assert [e.data for e in ev.writes(pid=ev.main)] == ["b'x'", "b'y'", "b'x'"]
    (child,) = ev.children()
    assert len(ev.writes(pid=child)) == 3
    limits = ev.calls("observe.limit")
    assert [e.pid for e in limits] == [ev.main, child]
    assert limits[0].args == {"call": "os.write", "limit": 3}
    _, ev = observed(tmp_path, code, setting="all")
    assert len(ev.writes()) == 25 and not ev.calls("observe.limit")


def test_tracebacks_look_the_same_with_and_without_observation(tmp_path):
    code = """\
        import os
        r, w = os.pipe()
        os.close(r)
        os.write(w, b"no reader")
        """
    plain, _ = observed(tmp_path, code, record=False)
    seen, ev = observed(tmp_path, code)
    assert "BrokenPipeError" in plain.stdout and seen.stdout == plain.stdout
    assert "sitecustomize" not in seen.stdout and ev.one("os.write").error == "EPIPE"


def test_wrappers_keep_interrupted_calls_resuming(tmp_path):
    """PEP 475: a read interrupted by a signal whose handler returns is resumed, not failed."""
    proc, ev = observed(tmp_path, """\
        import os, signal
        signal.signal(signal.SIGALRM, lambda *a: print("handler ran"))
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
            signal.sigwait({signal.SIGUSR1})
            os.write(w, b"late")
            os._exit(0)
        os.close(w)
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        pending = [True]
        def go(*a):
            os.kill(pid, signal.SIGUSR1)
        signal.signal(signal.SIGALRM, lambda *a: (print("handler ran"), go()))
        print(os.read(r, 10))
        os.waitpid(pid, 0)
        """)
    assert proc.stdout == "handler ran\nb'late'\n", proc.stdout
    assert ev.reads(pid=ev.main).one().result == 4


def test_lines_from_many_processes_never_interleave(tmp_path):
    proc, ev = observed(tmp_path, """\
        import os
        r, w = os.pipe()
        pids = []
        for i in range(4):
            pid = os.fork()
            if pid == 0:
                for _ in range(300):
                    os.write(w, bytes([65 + i]) * 40)
                os._exit(0)
            pids.append(pid)
        os.close(w)
        while os.read(r, 65536):
            pass
        for pid in pids:
            os.waitpid(pid, 0)
        """, setting="all")
    raw = (tmp_path / "events.jsonl").read_text().splitlines()
    assert all(json.loads(line) for line in raw)  # every line whole
    for child in ev.children():
        letters = {e.data[2] for e in ev.writes(pid=child)}
        assert len(ev.writes(pid=child)) == 300 and len(letters) == 1


def test_running_the_site_code_twice_installs_once(tmp_path):
    proc, ev = observed(tmp_path, f"""\
        exec({observe.SITE_CODE!r})
        import os
        os.pipe()
        """)
    assert proc.returncode == 0, proc.stdout
    assert [e.call for e in ev] == ["start", "os.pipe"]


# --- reading -----------------------------------------------------------------------------------

def test_load_skips_a_torn_last_line(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('{"pid": 1, "ppid": 0, "call": "start", "args": {}, "result": null}\n'
                    '{"pid": 1, "ppid": 0, "call": "os.pi')
    ev = observe.load(path)
    assert [e.call for e in ev] == ["start"] and ev.main == 1
    assert observe.load(tmp_path / "missing") == []


def test_events_round_trip_through_plain_dicts():
    """A Run keeps plain dicts (JSON in the cache); wrap() gives the helpers back."""
    ev = observe.wrap([{"pid": 5, "ppid": 1, "call": "os.fork", "args": {}, "result": 6},
                       {"pid": 5, "ppid": 1, "call": "os.waitpid", "args": {"pid": 6},
                        "result": {"pid": 6, "signal": "SIGKILL", "core": False}}])
    assert ev.children(5) == [6] and ev.exit_of(6) == {"signal": "SIGKILL", "core": False}
    assert json.loads(json.dumps(ev)) == ev
    assert str(ev[0]) == "[5] os.fork() = 6"
    assert observe.Events([dict(ev[0])])[0].result == 6  # as tests/conftest.py builds them


@pytest.mark.parametrize("value, expected", [
    ("all", "all"), ("off", "off"), ("first 20", "first 20"), (" First  5 ", "first 5")])
def test_header_values(value, expected):
    assert observe.parse_setting(value) == expected


@pytest.mark.parametrize("value", ["some", "first", "first -1", "20"])
def test_bad_header_values_are_refused(value):
    with pytest.raises(ValueError, match="observe must be"):
        observe.parse_setting(value)


@pytest.mark.parametrize("name", [
    "pipes/read_returns_eof.py", "pipes/subprocess_pipeline.py", "fifo/run_writer_and_reader.py",
    "signals/queueing.py", "signals/terminal_keys.py", "signals/raise_and_abort.py",
    "sockets/run_server_and_client.py", "mmap/shared_vs_private.py"])
def test_snippets_print_the_same_observed_or_not(tmp_path, name):
    def shape(text):  # pids, sizes and timings vary from run to run
        return re.sub(r"\d+(\.\d+)?", "N", re.sub(r"/tmp/\S+", "/tmp/X", text))

    plain, _ = observed(tmp_path, SNIPPETS / name, record=False)
    seen, ev = observed(tmp_path, SNIPPETS / name)
    assert (seen.returncode, shape(seen.stdout)) == (plain.returncode, shape(plain.stdout))
    assert len(ev) > 1 and not ev.calls("observe.error")


def test_signal_numbers_used_in_names_exist():
    assert signal.Signals["SIGPIPE"]  # the names events use are those of signal.Signals


# --- the site folder: the recorder as byte-compiled modules -------------------------------------

def test_the_recorder_loads_from_its_precompiled_bytecode_in_a_read_only_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    observe.write_site(site)
    modules = {p.stem for p in observe.RECORDER.glob("*.py")}
    tag = sys.implementation.cache_tag
    assert {p.name for p in (site / observe.PACKAGE / "__pycache__").iterdir()} == {
        f"{m}.{tag}.pyc" for m in modules}
    for path in (site, *site.rglob("*")):
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        proc, ev = observed(tmp_path, """\
            import sys
            for name, module in sorted(sys.modules.items()):
                if name.startswith("_snippet_recorder"):
                    print(name, type(module.__spec__.loader).__name__,
                          module.__spec__.cached.endswith(".pyc"), file=sys.stderr)
            import os
            print(os.read.__code__.co_filename)
            """, write_site=False)
    finally:
        for path in (site, *site.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines()[-1] == str(site / observe.PACKAGE / "descriptors.py")
    assert ev.one("start").at.startswith("sitecustomize.py:")


def test_no_module_is_compiled_at_start_up(tmp_path):
    """python -v says where each module's code came from: the .pyc files, never the sources."""
    observed(tmp_path, "pass\n")  # makes the site folder
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"), PYTHONDONTWRITEBYTECODE="1",
               **observe.environment(tmp_path / "events.jsonl"))
    said = subprocess.run([sys.executable, "-v", "-c", "pass"], env=env, capture_output=True,
                          text=True, timeout=30).stderr
    ours = [line for line in said.splitlines() if observe.PACKAGE in line and "code" in line]
    assert len(ours) == len(list(observe.RECORDER.glob("*.py"))) - 2  # not sockets, mappings
    assert all("code object from" in line and line.rstrip().endswith(".pyc'") for line in ours)
    assert "matches" not in "".join(ours)  # no source compiled


def test_a_family_patched_on_import_records_once_imported(tmp_path):
    proc, ev = observed(tmp_path, """\
        import sys
        print(sorted(n for n in sys.modules if n.startswith("_snippet_recorder.")))
        import socket
        a, b = socket.socketpair()
        a.close(), b.close()
        print(sorted(n for n in sys.modules if n.startswith("_snippet_recorder.")))
        """)
    before, after = proc.stdout.splitlines()
    assert "_snippet_recorder.sockets" not in before and "_snippet_recorder.sockets" in after
    assert [e.call for e in ev][1:] == ["socket.socketpair", "socket.close", "socket.close"]


def test_signal_is_patched_when_first_imported_and_a_run_starts_without_it(tmp_path):
    """Importing signal costs a process about 4 ms (enum, functools...): neither the runner's
    start-up code nor the recorder imports it; a snippet that does is recorded from then on."""
    from snippetexec import runner

    site = tmp_path / "site"
    site.mkdir()
    observe.write_site(site, runner._SITECUSTOMIZE)
    proc, ev = observed(tmp_path, """\
        import os, sys
        print("signal" in sys.modules)
        import signal
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        os.kill(os.getpid(), signal.SIGUSR1)
        """, write_site=False, python=runner.contain.interpreter())
    assert proc.stdout.split() == ["False"], proc.stdout
    assert [(e.call, e.args.get("signal")) for e in ev][1:] == [
        ("signal.signal", "SIGUSR1"), ("os.kill", "SIGUSR1")]


def test_the_build_side_carries_no_code_object():
    source = (observe.RECORDER.parent / "observe.py").read_text()
    assert "marshal" not in source and "b64" not in source and "base64" not in source
    assert len(observe.SITE_CODE.splitlines()) <= 6


def test_the_runs_cache_key_covers_every_module_of_the_recorder(monkeypatch):
    from snippetexec import runner

    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or original(self))
    runner._machinery_digest()
    assert set(observe.RECORDER.glob("*.py")) <= set(read)
    assert observe.RECORDER.parent / "observe.py" in read
