"""The recording side's modules (docs/_ext/snippetexec/recorder/), one family at a time, in this
process: each wrapper is built around a real or a stand-in function (nothing is patched), its
events go to a file of the test's own, and are read back with observe.load.

tests/test_observe.py runs whole programs with the layer installed, as a run does.
"""

from __future__ import annotations

import json
import mmap
import os
import signal
import socket
import sys
import types

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from snippetexec import observe  # noqa: E402
from snippetexec.recorder import (  # noqa: E402
    core,
    descriptors,
    imports,
    mappings,
    names,
    processes,
    signals,
    sockets,
    writer,
)


@pytest.fixture
def events(tmp_path):
    """Point the recorder at a file of this test; return a function that reads its events."""
    path = tmp_path / "events.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    saved = core.out, core.limit, dict(core.state)
    core.out, core.limit = fd, None
    core.state.update(pid=os.getpid(), ppid=os.getppid(), sigpipe_dfl=False)
    for table in (core.counts, core.installed, descriptors.kinds):
        table.clear()
    core.unwrapped.clear()
    yield lambda: observe.load(path)
    os.close(fd)
    core.out, core.limit = saved[:2]
    core.state.update(saved[2])
    descriptors.kinds.clear()


# --- writer -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "plain", 'quote " and \\ backslash', "new\nline\x01", "中文", 3, -2.5, None, True, False,
    {"a": [1, (2, 3)], "b": {"c": None}}, []])
def test_the_writer_is_json(value):
    assert json.loads(writer.enc(value)) == json.loads(json.dumps(value))


def test_the_writer_names_enums_and_previews_bytes():
    assert writer.enc(signal.SIGUSR1) == '"SIGUSR1"'
    assert writer.enc(b"x" * 100) == writer.quote(repr(b"x" * 48))
    assert json.loads(writer.enc(os.fsencode("/tmp"))) == "b'/tmp'"
    assert writer.enc(ROOT) == writer.quote(str(ROOT))
    assert writer.enc(object) == writer.quote(repr(object))


# --- names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("pid, status, expected", [
    (0, 0, {"pid": 0}),
    (7, 3 << 8, {"pid": 7, "exited": 3}),
    (7, signal.SIGPIPE, {"pid": 7, "signal": "SIGPIPE", "core": False}),
    (7, signal.SIGABRT | 0x80, {"pid": 7, "signal": "SIGABRT", "core": True}),
    (7, (signal.SIGTSTP << 8) | 0x7F, {"pid": 7, "stopped": "SIGTSTP"}),
    (7, 0xFFFF, {"pid": 7, "continued": True})])
def test_wait_statuses_are_decoded(pid, status, expected):
    assert names.status(pid, status) == expected


def test_flags_errors_and_signals_are_named():
    assert names.open_flags(os.O_RDONLY | os.O_NONBLOCK) == "O_RDONLY|O_NONBLOCK"
    assert names.wait_options(os.WNOHANG | os.WCONTINUED) == "WNOHANG|WCONTINUED"
    assert names.wait_options(0) == "0"
    assert names.errname(BlockingIOError(11, "x")) == "EAGAIN"
    assert names.errname(KeyboardInterrupt()) == "KeyboardInterrupt"
    assert names.sig(signal.SIGTERM) == "SIGTERM" and names.sig(200) == "200"
    assert names.sigset({signal.SIGUSR2, signal.SIGUSR1}) == ["SIGUSR1", "SIGUSR2"]
    assert names.handler_name(signal.SIG_IGN) == "SIG_IGN"
    assert names.handler_name(test_flags_errors_and_signals_are_named).endswith("named")


# --- core ---------------------------------------------------------------------------------------

def test_an_event_line_names_the_callers_line(events):
    core.emit("os.pipe", {}, [3, 4], obj="pipe:[1]")
    core.emit("os.read", {"fd": 3}, error="EAGAIN")
    (pipe, read) = events()
    assert pipe == {"pid": os.getpid(), "ppid": os.getppid(), "call": "os.pipe", "args": {},
                    "result": [3, 4], "obj": "pipe:[1]", "at": pipe.at}
    assert pipe.at.startswith("test_recorder.py:") and read.error == "EAGAIN"


def test_past_its_limit_a_call_says_so_once_and_its_wrapper_comes_off(events):
    module = types.SimpleNamespace(__name__="os", read=lambda fd, n: b"")
    core.limit = 2
    core.patch(module, "read", lambda f: lambda fd, n: (core.emit("os.read", {}), f(fd, n))[1])
    wrapper = module.read
    for _ in range(4):
        wrapper(0, 1)
    assert [e.call for e in events()] == ["os.read", "os.read", "observe.limit"]
    assert module.read is not wrapper and module.read.__name__ == "<lambda>"
    assert events()[-1].args == {"call": "os.read", "limit": 2}
    core.after_fork_child()  # a forked child gets the wrapper back, and its own first N
    assert module.read is wrapper and core.counts == {}
    assert events()[-1].call == "forked"


def test_tracebacks_lose_the_recorders_frames():
    def inner():
        raise ValueError("x")
    wrapped = descriptors.w_read(lambda fd, n: inner())
    descriptors.kinds[99] = "pipe:[1]"
    try:
        wrapped(99, 1)
    except ValueError as e:
        tb = e.__traceback__
    files = []
    stripped = core.strip(tb)
    while stripped is not None:
        files.append(stripped.tb_frame.f_code.co_filename)
        stripped = stripped.tb_next
    assert files and not any(f.startswith(core.OURS) for f in files)
    assert wrapped.__code__.co_filename == str(ROOT / "docs/_ext/snippetexec/recorder"
                                               / "descriptors.py")


# --- descriptors and pipes ----------------------------------------------------------------------

def test_reads_and_writes_are_recorded_on_pipes_only(events, tmp_path):
    read, write = descriptors.w_read(os.read), descriptors.w_write(os.write)
    close = descriptors.w_close(os.close)
    r, w = descriptors.w_pipe(os.pipe)()
    plain = os.open(tmp_path / "file", os.O_RDWR | os.O_CREAT)
    assert write(w, b"hello") == 5 and read(r, 100) == b"hello"
    write(plain, b"not IPC")
    close(plain), close(r), close(w)
    ev = events()
    assert [e.call for e in ev] == ["os.pipe", "os.write", "os.read", "os.close", "os.close"]
    assert ev[1].data == "b'hello'" and ev[1].asked == 5 and ev[2].args == {"fd": r, "n": 100}
    assert len({e.obj for e in ev}) == 1 and ev[0].obj.startswith("pipe:[")
    assert r not in descriptors.kinds and w not in descriptors.kinds


def test_a_write_while_sigpipe_kills_is_announced_and_errors_are_named(events):
    r, w = os.pipe()
    os.close(r)
    core.state["sigpipe_dfl"] = True
    with pytest.raises(BrokenPipeError):
        descriptors.w_write(os.write)(w, b"x")
    os.close(w)
    calling, failed = events()
    assert calling.args == {"call": "os.write", "fd": w} and failed.error == "EPIPE"


def test_dup_keeps_what_the_descriptor_is_and_fcntl_names_its_command(events):
    import fcntl

    module = types.SimpleNamespace(__name__="fcntl", fcntl=fcntl.fcntl,
                                   **{n: getattr(fcntl, n) for n in dir(fcntl) if n[:2] == "F_"})
    descriptors.patch_fcntl(module)
    r, w = os.pipe()
    new = descriptors.w_dup(os.dup)(r)
    module.fcntl(new, fcntl.F_GETFL)
    for fd in (r, w, new):
        os.close(fd)
    dup, got = events()
    assert dup.call == "os.dup" and dup.result == new and descriptors.kinds[new] == dup.obj
    assert got.args == {"fd": new, "cmd": "F_GETFL", "arg": 0} and got.obj == dup.obj


def test_a_fifo_open_is_recorded_with_its_path(events, tmp_path):
    fifo = tmp_path / "fifo"
    descriptors.w_mkfifo(os.mkfifo)(fifo, 0o600)
    fd = descriptors.w_open(os.open)(fifo, os.O_RDONLY | os.O_NONBLOCK)
    descriptors.w_open(os.open)(tmp_path / "plain", os.O_WRONLY | os.O_CREAT)
    os.close(fd)
    made, opened = events()
    assert made.args == {"path": str(fifo), "mode": "0o600"}
    assert opened.args["flags"] == "O_RDONLY|O_NONBLOCK" and opened.obj == f"fifo:{fifo}"


# --- processes ----------------------------------------------------------------------------------

def test_waits_decode_the_status_and_name_the_options(events):
    processes.w_wait(lambda pid, options: (pid, 9), "os.waitpid", ("pid", "options"))(42, 1)
    processes.w_wait(lambda: (43, 0), "os.wait", ())()

    def refused(options):
        raise ChildProcessError(10, "no child")
    with pytest.raises(ChildProcessError):
        processes.w_wait(refused, "os.wait3", ("options",))(os.WNOHANG)
    waitpid, wait, wait3 = events()
    assert waitpid.args == {"pid": 42, "options": "WNOHANG"}
    assert waitpid.result == {"pid": 42, "signal": "SIGKILL", "core": False}
    assert wait.result == {"pid": 43, "exited": 0} and wait3.error == "ECHILD"


def test_waitid_results_are_decoded():
    info = types.SimpleNamespace(si_pid=5, si_status=signal.SIGTERM, si_code=os.CLD_KILLED)
    assert processes.waitid_result(info) == {"pid": 5, "signal": "SIGTERM", "core": False}
    info.si_code, info.si_status = os.CLD_EXITED, 2
    assert processes.waitid_result(info) == {"pid": 5, "exited": 2}
    assert processes.waitid_result(None) == {"pid": 0}


def test_fork_spawn_and_exec_events(events):
    processes.w_fork(lambda: 77, "os.fork")()
    processes.w_fork(lambda: (0, 5), "os.forkpty")()  # the child: no event in the parent's name
    processes.w_spawn(lambda path, argv: 78, "os.posix_spawn")("/bin/true", ["true"])
    processes.w_spawnv(lambda *a: 0, "os.spawnv")(os.P_WAIT, "/bin/true", ["true"])
    processes.exec_event((b"/bin/echo", [b"echo", "hi"]))
    fork, spawn, spawnv, exec_ = events()
    assert fork.result == 77 and spawn.args == {"path": "/bin/true", "argv": ["true"]}
    assert spawnv.args["mode"] == "P_WAIT" and spawnv.result == 0
    assert exec_.args == {"path": "/bin/echo", "argv": ["echo", "hi"]}


def test_subprocess_fork_exec_is_recorded_as_popen(events):
    module = types.SimpleNamespace(__name__="_posixsubprocess", fork_exec=lambda *a: 79)
    processes.patch_posixsubprocess(module)
    module.fork_exec([b"ls", b"-l"], [b"/bin/ls"], True)
    (popen,) = events()
    assert (popen.call, popen.args, popen.result) == (
        "subprocess.Popen", {"executable": "/bin/ls", "argv": ["ls", "-l"]}, 79)


# --- signals ------------------------------------------------------------------------------------

def test_signals_sent_handlers_and_masks(events):
    def gone(pid, sig):
        raise ProcessLookupError(3, "no such process")
    with pytest.raises(ProcessLookupError):
        signals.w_kill(gone, "os.kill", "pid")(12345, signal.SIGUSR1)
    signals.w_kill(lambda pgid, sig: None, "os.killpg", "pgid")(9, signal.SIGTERM)
    old = signals.w_signal(signal.signal)(signal.SIGPIPE, signal.SIG_DFL)
    assert core.state["sigpipe_dfl"] is True
    signals.w_signal(signal.signal)(signal.SIGPIPE, old)
    signals.w_sigmask(lambda how, mask: set())(signal.SIG_BLOCK, {signal.SIGUSR1})
    kill, killpg, dfl, back, mask = events()
    assert kill.args == {"pid": 12345, "signal": "SIGUSR1"} and kill.error == "ESRCH"
    assert killpg.args == {"pgid": 9, "signal": "SIGTERM"}
    assert dfl.args == {"signal": "SIGPIPE", "handler": "SIG_DFL"} and back.result == "SIG_DFL"
    assert mask.args == {"how": "SIG_BLOCK", "signals": ["SIGUSR1"]} and mask.result == []


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="no pidfd_open (Linux 5.3+)")
def test_a_pidfd_and_the_signals_sent_through_it(events):
    pidfd = processes.w_pidfd_open(os.pidfd_open)(os.getpid())
    try:
        signals.w_pidfd_send_signal(signal.pidfd_send_signal)(pidfd, 0)  # 0: only a check

        def reaped(fd, sig, *a):
            raise ProcessLookupError(3, "no such process")
        with pytest.raises(ProcessLookupError):
            signals.w_pidfd_send_signal(reaped)(pidfd, signal.SIGTERM)
    finally:
        os.close(pidfd)
    with pytest.raises(OSError):
        processes.w_pidfd_open(os.pidfd_open)(-1)
    opened, sent, refused, bad = events()
    assert (opened.call, opened.args, opened.result) == (
        "os.pidfd_open", {"pid": os.getpid()}, pidfd)
    assert opened.obj == "anon_inode:[pidfd]" == sent.obj == refused.obj
    assert (sent.call, sent.args, sent.error) == (
        "signal.pidfd_send_signal", {"fd": pidfd, "signal": "0"}, None)
    assert refused.args == {"fd": pidfd, "signal": "SIGTERM"} and refused.error == "ESRCH"
    assert bad.call == "os.pidfd_open" and bad.error == "EINVAL"


def test_signal_waits_pause_and_timers(events):
    info = types.SimpleNamespace(si_signo=signal.SIGUSR2, si_pid=4, si_uid=0, si_code=0)
    signals.w_siginfo(lambda s, t: info, "signal.sigtimedwait", ("timeout",))(
        {signal.SIGUSR2}, 1.5)
    signals.w_sigwait(lambda s: signal.SIGUSR1)({signal.SIGUSR1})
    signals.w_pause(lambda: None)()
    signals.w_simple(lambda *a: (0.0, 0.0), "signal.setitimer",
                     ("which", "seconds", "interval"), signals.with_which)(
        signal.ITIMER_REAL, 0.5)
    timed, wait, calling, pause, timer = events()
    assert timed.args == {"signals": ["SIGUSR2"], "timeout": 1.5}
    assert timed.result == {"signal": "SIGUSR2", "pid": 4, "uid": 0, "code": 0}
    assert wait.result == "SIGUSR1" and calling.args == {"call": "signal.pause"}
    assert pause.call == "signal.pause" and timer.args == {"which": "ITIMER_REAL", "seconds": 0.5}


# --- sockets ------------------------------------------------------------------------------------

def test_socket_sends_receives_and_passed_descriptors(events):
    sockets.consts.update({n: getattr(socket, n) for n in sockets.consts})
    base = socket.socket.__mro__[1]
    a, b = socket.socketpair()
    fd_a = a.fileno()
    r, w = os.pipe()
    try:
        sockets.w_send("socket.sendall", base.sendall)(a, b"ping")
        assert sockets.w_recv("socket.recv", base.recv)(b, 10) == b"ping"
        sockets.w_sendmsg(base.sendmsg)(
            a, [b"fd"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, r.to_bytes(4, sys.byteorder))])
        msg, anc, _, _ = sockets.w_recvmsg(base.recvmsg)(b, 10, socket.CMSG_SPACE(4))
        got = int.from_bytes(anc[0][2][:4], sys.byteorder)
        os.close(got)
    finally:
        for s in (a, b):
            s.close()
        os.close(r), os.close(w)
    send, recv, sendmsg, recvmsg = events()
    assert (send.args, send.result, send.data) == ({"fd": fd_a}, 4, "b'ping'")
    assert recv.result == 4 and recv.obj != send.obj and recv.obj.startswith("socket:[")
    assert sendmsg.fds == [r] and recvmsg.fds == [got] and recvmsg.data == "b'fd'"


# --- mappings -----------------------------------------------------------------------------------

def test_mappings_are_described_shared_or_private(tmp_path):
    args, shared = mappings.describe(mmap, -1, 4096)
    assert shared and args == {"fd": -1, "length": 4096, "flags": "MAP_SHARED",
                               "access": "ACCESS_DEFAULT", "offset": 0}
    path = tmp_path / "data"
    path.write_bytes(b"\0" * 4096)
    with open(path, "rb") as f:
        args, shared = mappings.describe(mmap, f.fileno(), 0, access=mmap.ACCESS_COPY)
    assert not shared and args["file"] == str(path) and args["access"] == "ACCESS_COPY"


def test_the_patched_mmap_records_each_mapping(events):
    module = types.SimpleNamespace(**{n: getattr(mmap, n) for n in dir(mmap) if n.isupper()},
                                   mmap=mmap.mmap)
    mappings.patch_mmap(module)
    with module.mmap(-1, 100) as m:
        assert isinstance(m, mmap.mmap) and type(m).__qualname__ == "mmap"
    (made,) = events()
    assert made.result == {"size": 100, "shared": True, "anonymous": True}


# --- imports ------------------------------------------------------------------------------------

def test_a_module_is_patched_when_first_imported_and_a_failure_is_an_event(events, tmp_path,
                                                                           monkeypatch):
    (tmp_path / "observed_mod.py").write_text("value = 1\n")
    (tmp_path / "broken_mod.py").write_text("value = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(imports.PATCHERS, "observed_mod", lambda m: setattr(m, "value", 2))
    monkeypatch.setitem(imports.PATCHERS, "broken_mod", lambda m: 1 / 0)
    monkeypatch.setattr(sys, "meta_path", [imports.Finder, *sys.meta_path])
    for name in ("observed_mod", "broken_mod"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    import broken_mod
    import observed_mod
    assert observed_mod.value == 2 and broken_mod.value == 1
    (error,) = events()
    assert error.args == {"module": "broken_mod"} and "ZeroDivisionError" in error.error
    for name in ("observed_mod", "broken_mod"):
        sys.modules.pop(name, None)
