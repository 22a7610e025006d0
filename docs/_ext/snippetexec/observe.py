"""What a snippet run DID, at the level the pages talk about: processes, signals, pipes, sockets...

Two halves, both plain Python (no Sphinx import):

* ``SITE_CODE``: source the runner appends to the ``sitecustomize.py`` of a run. In every Python
  process of the run it records events to the file named by ``SNIPPET_EVENTS`` (nothing at all
  if that variable is absent, so a snippet run by hand is unaffected). It survives ``fork``; a
  program started by ``exec`` is recorded as an exec event, and if it is Python it records too.
* ``load(path) -> Events``: the recorded events, a list with query helpers for the tests.

Example (a test of ``pipes/pipe_between_parent_and_child.py``)::

    ev = out.events                                # an Events (or observe.Events(run.events))
    parent = ev.main                               # the snippet's own process
    (child,) = ev.children(parent)                 # forked exactly once
    r, w = ev.calls("os.pipe", pid=parent)[0].result
    assert ev.writes(pid=parent, fd=w)[0].data == "b'hello through the kernel'"
    read = ev.reads(pid=child, fd=r)[0]
    assert read.obj == ev.calls("os.pipe")[0].obj   # the same pipe, "pipe:[inode]"
    assert ev.exit_of(child) == {"exited": 0}

Event (one JSON object per line, in the order they happened across all processes)::

    {"pid": 4121, "ppid": 4120, "call": "os.read", "args": {"fd": 3, "n": 100},
     "result": 24, "obj": "pipe:[81234]", "data": "b'hello through the kernel'"}

``result`` (what the call returned, in JSON form) or ``error`` (an errno name such as
``"EAGAIN"``, or an exception class such as ``"KeyboardInterrupt"``). Optional keys: ``obj`` the
IPC object the call worked on, named as ``/proc/PID/fd`` names it (``"pipe:[81234]"``,
``"socket:[81240]"``) or ``"fifo:<path>"``; ``data`` a preview (``repr`` of the first 48 bytes)
of what was read or written; ``fds`` the descriptors sent or received with SCM_RIGHTS; ``at``
the line that made the call, ``"file.py:LINE"`` (a snippet's own line, or e.g.
``"subprocess.py:1753"`` for a pipe subprocess made), so a report can keep the calls a snippet
wrote itself (``Events.made_in``).

Calls recorded (signal names like ``"SIGUSR1"``; ``status`` below is a decoded wait status:
``{"pid": 4121, "exited": 0}``, ``{"pid": .., "signal": "SIGPIPE", "core": false}``,
``{"pid": .., "stopped": "SIGTSTP"}``, ``{"pid": .., "continued": true}`` or ``{"pid": 0}`` for
WNOHANG with nothing to report):

=====================================  ====================================  ====================
call                                   args                                  result
=====================================  ====================================  ====================
start (every Python process)           argv (sys.orig_argv), stdio (obj|null
                                       of fds 0-2)
forked (in the new child)              parent
os.fork, os.forkpty (in the parent)                                          child pid
os.exec (audit hook, in the exec'er)   path, argv
subprocess.Popen (its fork_exec, or    executable, argv                      child pid
its posix_spawn: 3.13's usual way)
os.posix_spawn, os.posix_spawnp        path, argv                            child pid
os.spawnv, spawnve, spawnvp, spawnvpe  mode ("P_WAIT"), path, argv           pid (P_NOWAIT) |
(the spawnl forms too; their child is                                        exit code (P_WAIT)
os.fork, at os.py, then os.exec)
os.system                              command                               status
os._exit, os.abort (before they act)   status (os._exit)
os.waitpid, os.wait, os.wait3,         pid / options (e.g. "WNOHANG")        status
os.wait4, os.waitid
os.setpgid, os.setsid                  pid, pgid                             pgid / sid
os.pipe, os.pipe2                      flags (pipe2)                         [r, w]   + obj
os.mkfifo                              path, mode ("0o600")                  null
os.open (only when it opens a FIFO)    path, flags ("O_RDONLY|O_NONBLOCK")   fd       + obj
os.read, os.write (pipes/FIFOs/sock.)  fd, n (read)                          byte count + obj, data
                                                                             (+ asked: write)
os.close, os.dup, os.dup2,             fd, fd2 / blocking                    (as Python) + obj
os.set_blocking (of IPC fds only)
fcntl.fcntl (IPC fds only)             fd, cmd ("F_SETPIPE_SZ"), arg         as Python + obj
os.kill, os.killpg                     pid / pgid, signal                    null
signal.raise_signal, pthread_kill      signal (, thread)                     null
signal.signal                          signal, handler ("SIG_IGN", "SIG_DFL",  previous handler
                                       "default_int_handler", function name)
signal.pthread_sigmask                 how ("SIG_BLOCK"), signals            previous mask
signal.sigpending, sigwait                                                   signal name(s)
signal.sigwaitinfo, sigtimedwait       signals (, timeout)                   {"signal", "pid",
                                                                             "uid", "code"} | null
signal.pause, alarm, setitimer,        seconds / which, seconds, interval /  as Python
signal.set_wakeup_fd, siginterrupt     fd / signal, flag
socket.socket                          family ("AF_UNIX"), type              fd       + obj
socket.socketpair                      family, type                          [fd, fd] + obj (1st)
socket.bind, connect, connect_ex,      fd, address / backlog / how           as Python + obj
listen, shutdown, close
socket.accept                          fd                                    {"fd", "address"}
socket.send, sendall, sendto, sendmsg  fd (, address)                        byte count + obj,
                                                                             data, fds (sendmsg)
socket.recv, recv_into, recvfrom,      fd, n                                 byte count + obj,
recvfrom_into, recvmsg                                                       data, fds (recvmsg)
socket.getsockopt (SO_PEERCRED only)   fd, option                            {"pid", "uid", "gid"}
mmap.mmap                              fd, length, flags ("MAP_SHARED"),     {"size", "shared",
                                       access ("ACCESS_WRITE"), offset,      "anonymous"}
                                       file (the mapped file's path)
calling (before a call that may never  call ("os.write", "socket.send...",
return: a write while SIGPIPE is at    "signal.pause"), fd
SIG_DFL, signal.pause)                                                       (then the call's own
                                                                             event, if it returns)
observe.limit (see below)              call, limit
observe.error (a module not patched)   module                                error
=====================================  ====================================  ====================

Reads and writes are recorded only on pipes, FIFOs and sockets (a descriptor is classified once,
with one ``fstat``, and remembered until it is closed or something else is opened); stdout is
usually the runner's output pipe, so ``print`` via ``os.write(1, ...)`` is recorded too (the
``start`` event's ``stdio`` names it, and ``Events.output_pipe`` gives it).

Per-snippet setting (header line, read by the runner and passed as ``SNIPPET_OBSERVE``)::

    # snippet: observe = first 50     in each process, only the first 50 events of each repeated
                                      call (os.read, os.write, os.close, socket send/recv...,
                                      os.kill, sigwait, sigpending, waitpid...), then one
                                      "observe.limit" event {"call", "limit"}, and that call's
                                      wrapper takes itself off the module: later calls cost
                                      nothing (a forked child starts again with its own 50).
                                      The default is first 1000.
    # snippet: observe = all          every event (a test that counts calls in the thousands)
    # snippet: observe = off          nothing is recorded (the wrappers are not even installed)

Costs (measured on the shared 2-core build machine, CPython 3.11, medians of interleaved runs):
start-up about +1.5 ms per Python process (the sitecustomize part is a stub carrying the code
precompiled); each recorded event about 4 µs (10 µs on a heavily loaded
machine); a read/write on a descriptor that is not IPC about +0.1 µs; a call past its limit 0 µs
(its wrapper is off), or about 0.2 µs through a reference taken before the limit was reached
(``from os import read``, a bound method ``sock.recv`` kept in a variable, subprocess's
``_waitpid=os.waitpid``). So timing-sensitive snippets take a small limit
(``choosing/measure_costs.py``: ``first 20``, within noise of no observation; the default
``first 1000`` doubles its latencies) or ``off`` (``signals/count_one_second.py``: it does no
IPC, and the wrapper's 0.1 µs is ~10 % of its per-number cost).

How: wrappers installed on os, signal, socket, mmap, fcntl and _posixsubprocess (socket, mmap,
fcntl and _posixsubprocess when they are first imported, so the start-up does not import them)
plus one audit hook (``os.exec``, and ``open`` to forget descriptor classifications). A wrapper
calls the original C function (same signature, same exceptions, PEP 475 retries unchanged),
then writes one line with a single ``os.write`` on an ``O_APPEND`` descriptor kept at a high fd
number (so it never shifts the fds a snippet prints, and lines from many processes never
interleave). Uncaught-exception tracebacks are printed without the wrappers' frames.

Not recorded: what a program does after exec'ing into something other than Python (its exec and
its end, seen by its parent's wait, are); Python started with -I, -S or -E (no sitecustomize);
I/O through file objects (``open(fifo).read()``, ``sys.stdout``, ``sock.makefile``); the running
of a Python signal handler (the calls it makes are recorded, with ``at`` in the handler); a call
during which the process is killed (except writes while SIGPIPE is at SIG_DFL and
``signal.pause``, announced by a ``calling`` event).
"""

from __future__ import annotations

import binascii
import inspect
import json
import marshal
import os
import re
import sys
import textwrap
import zlib
from collections import namedtuple
from pathlib import Path

ENV_EVENTS = "SNIPPET_EVENTS"  # file the events are appended to
ENV_SETTING = "SNIPPET_OBSERVE"  # "all", "first N" or "off" (from the snippet header)
HEADER_KEY = "observe"
DEFAULT_SETTING = "first 1000"
HEADER_HELP = ("what the run records: first N (events of each repeated call per process; "
               "default first 1000), all, or off")
_SETTING = re.compile(r"^(all|off|first\s+(\d+))$")


def parse_setting(value: str) -> str:
    """The normalised value of a ``# snippet: observe = ...`` header; ValueError if invalid."""
    m = _SETTING.match(value.strip().lower())
    if not m:
        raise ValueError(f"observe must be 'all', 'first N' or 'off', not {value!r}")
    return f"first {int(m.group(2))}" if m.group(2) else m.group(1)


def environment(events_file: str | os.PathLike, setting: str = DEFAULT_SETTING) -> dict[str, str]:
    """The environment variables a run needs so that SITE_CODE records into ``events_file``."""
    setting = parse_setting(setting)
    if setting == "off":
        return {}
    return {ENV_EVENTS: os.fspath(events_file), ENV_SETTING: setting}


# --- the recording side: runs inside every Python process of a run --------------------------------

def _install() -> None:  # noqa: C901 (one closure on purpose: its state lives in cells)
    """Installed by SITE_CODE. Everything it needs is imported or defined inside."""
    import os
    import signal
    import sys

    path = os.environ.get("SNIPPET_EVENTS")
    if not path or getattr(sys, "_snippet_observed", None) == os.getpid():
        return
    setting = os.environ.get("SNIPPET_OBSERVE", "first 1000").lower().split() or ["all"]
    if setting[0] == "off":
        return
    limit = (int(setting[1]) if setting[0] == "first" and len(setting) > 1
             and setting[1].isdigit() else None)
    sys._snippet_observed = os.getpid()

    # Originals, taken before anything is replaced.
    _write, _read, _fstat, _close = os.write, os.read, os.fstat, os.close
    _readlink, _stat = os.readlink, os.stat
    getframe = sys._getframe
    here = getframe().f_code.co_filename

    # The events descriptor: opened once, moved to a high number (a snippet printing "pipe: read
    # end is fd 3" must still get fd 3), close-on-exec (a Python child opens its own).
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return
    high = max(64, min(os.sysconf("SC_OPEN_MAX"), 4096) - 1)
    try:
        out = os.dup2(fd, high, inheritable=False)
        os.close(fd)
    except OSError:
        out = fd
    state = {"pid": os.getpid(), "ppid": os.getppid(),
             "sigpipe_dfl": signal.getsignal(signal.SIGPIPE) == signal.SIG_DFL}
    counts: dict[str, int] = {}
    limited = {"os.read", "os.write", "os.close", "os.kill", "os.killpg", "os.waitpid",
               "os.wait3", "os.wait4", "os.waitid", "signal.raise_signal", "signal.pthread_kill",
               "signal.sigwait", "signal.sigwaitinfo", "signal.sigtimedwait", "signal.sigpending",
               "signal.pthread_sigmask", "socket.send", "socket.sendall", "socket.sendto",
               "socket.sendmsg", "socket.recv", "socket.recv_into", "socket.recvfrom",
               "socket.recvfrom_into", "socket.recvmsg", "signal.pause", "fcntl.fcntl",
               "calling"}

    # -- a small JSON writer (importing json would cost every process ~2 ms) --
    escapes = {i: f"\\u{i:04x}" for i in range(32)}
    escapes.update({ord('"'): '\\"', ord("\\"): "\\\\"})

    def quote(s):
        if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
            return '"' + s + '"'
        return '"' + s.translate(escapes) + '"'

    def enc(v):
        t = type(v)
        if t is str:
            return quote(v)
        if t is int or t is float:
            return repr(v)
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if t is dict:
            return "{" + ",".join(quote(str(k)) + ":" + enc(x) for k, x in v.items()) + "}"
        if t is list or t is tuple:
            return "[" + ",".join([enc(x) for x in v]) + "]"
        if isinstance(v, int):  # IntEnum, bool subclasses...
            return getattr(v, "name", None) and quote(v.name) or repr(int(v))
        if isinstance(v, (bytes, bytearray, memoryview)):
            return quote(repr(bytes(v[:48])))
        if isinstance(v, os.PathLike):
            return quote(os.fsdecode(v))
        return quote(repr(v))

    def emit(call, args, result=None, error=None, **extra):
        if limit is not None and call in limited:
            n = counts.get(call, 0) + 1
            counts[call] = n
            if n > limit:
                if n == limit + 1:
                    emit("observe.limit", {"call": call, "limit": limit})
                    saturate(call)
                return
        line = (f'{{"pid":{state["pid"]},"ppid":{state["ppid"]},"call":"{call}",'
                f'"args":{enc(args)}')
        if error is None:
            line += ',"result":' + enc(result)
        else:
            line += ',"error":' + quote(error)
        for key, value in extra.items():
            line += ',"' + key + '":' + enc(value)
        frame = getframe(1)  # where the call was made: the first frame that is not ours
        while frame is not None and frame.f_code.co_filename == here:
            frame = frame.f_back
        if frame is not None:
            line += ',"at":' + quote(frame.f_code.co_filename.rpartition("/")[2] + ":"
                                     + str(frame.f_lineno))
        try:
            _write(out, (line + "}\n").encode("utf-8", "backslashreplace"))
        except OSError:
            pass

    def errname(e):
        code = getattr(e, "errno", None)
        if isinstance(e, OSError) and code:
            return errnames.get(code) or str(code)
        return type(e).__name__

    import errno
    errnames = errno.errorcode

    # -- names --
    signames: dict[int, str] = {}

    def sig(n):
        if not signames:
            for s in signal.Signals:
                signames[int(s)] = s.name
        try:
            return signames.get(int(n), str(n))
        except (TypeError, ValueError):
            return repr(n)

    def sigset(s):
        return sorted(sig(n) for n in s)

    def handler_name(h):
        if h is None or isinstance(h, int):
            return getattr(h, "name", h)  # Handlers.SIG_DFL -> "SIG_DFL"
        return getattr(h, "__qualname__", None) or repr(h)

    def flags_of(value, names):
        parts = [name for name in names if getattr(os, name, 0) and value & getattr(os, name)]
        return parts

    def open_flags(f):
        mode = {os.O_RDONLY: "O_RDONLY", os.O_WRONLY: "O_WRONLY", os.O_RDWR: "O_RDWR"}.get(
            f & os.O_ACCMODE, str(f & os.O_ACCMODE))
        return "|".join([mode] + flags_of(f, ("O_NONBLOCK", "O_CREAT", "O_EXCL", "O_TRUNC",
                                              "O_APPEND", "O_CLOEXEC", "O_SYNC", "O_DIRECT")))

    def wait_options(o):
        return "|".join(flags_of(o, ("WNOHANG", "WUNTRACED", "WCONTINUED", "WNOWAIT", "WEXITED",
                                     "WSTOPPED"))) or str(o)

    def status(pid, s):
        if pid == 0:
            return {"pid": 0}
        if s & 0x7F == 0:
            return {"pid": pid, "exited": (s >> 8) & 0xFF}
        if s & 0xFF == 0x7F:
            return {"pid": pid, "stopped": sig((s >> 8) & 0xFF)}
        if s == 0xFFFF:
            return {"pid": pid, "continued": True}
        return {"pid": pid, "signal": sig(s & 0x7F), "core": bool(s & 0x80)}

    # -- what a descriptor is: "pipe:[ino]", "socket:[ino]", "fifo:<path>" or None --
    kinds: dict[int, str | None] = {}
    s_fifo, s_sock, s_fmt = 0o010000, 0o140000, 0o170000

    def classify(fd):
        try:
            mode = _fstat(fd).st_mode & s_fmt
            if mode == s_sock:
                kind = _readlink(f"/proc/self/fd/{fd}")
            elif mode == s_fifo:
                kind = _readlink(f"/proc/self/fd/{fd}")
                if not kind.startswith("pipe:"):
                    kind = "fifo:" + kind
            else:
                kind = None
        except (OSError, TypeError, ValueError, OverflowError):
            return None  # not cached: a bad fd now may be a good one later
        kinds[fd] = kind
        return kind

    unseen = object()

    def obj_of(fd):
        kind = kinds.get(fd, unseen)
        return classify(fd) if kind is unseen else kind

    def forget_all(*_):
        kinds.clear()

    # -- process start --
    def stdio():
        return [classify(n) for n in (0, 1, 2)]

    emit("start", {"argv": list(sys.orig_argv), "stdio": stdio()})

    # Wrappers by call name; past its limit a call's wrapper takes itself off (zero cost from
    # then on) until the next fork, whose child gets its own first N.
    installed: dict[str, tuple] = {}
    unwrapped: list[str] = []

    def saturate(call):
        if call in installed:
            owner, name, wrapper, original = installed[call]
            if getattr(owner, name, None) is wrapper:
                setattr(owner, name, original)
                unwrapped.append(call)

    def after_fork_child():
        state["pid"], state["ppid"] = os.getpid(), os.getppid()
        counts.clear()
        for call in unwrapped:
            owner, name, wrapper, _ = installed[call]
            setattr(owner, name, wrapper)
        unwrapped.clear()
        emit("forked", {"parent": state["ppid"]})

    os.register_at_fork(after_in_child=after_fork_child)

    # -- audit hook: exec, and opens (a new file may reuse a descriptor number we classified) --
    def audit(event, args):
        if event == "open":
            if kinds:
                kinds.clear()
        elif event == "os.exec":
            argv = [os.fsdecode(a) if isinstance(a, (str, bytes)) else repr(a) for a in args[1]]
            emit("os.exec", {"path": os.fsdecode(args[0]), "argv": argv})
        elif event == "socket.__new__" and kinds:
            kinds.clear()

    sys.addaudithook(audit)

    def wraps(original, wrapper, name=None):
        wrapper.__name__ = getattr(original, "__name__", wrapper.__name__)
        wrapper.__qualname__ = getattr(original, "__qualname__", wrapper.__name__)
        wrapper.__doc__ = getattr(original, "__doc__", None)
        wrapper.__module__ = getattr(original, "__module__", None)
        wrapper.__wrapped__ = original
        return wrapper

    def patch(module, name, make):
        original = getattr(module, name, None)
        if original is not None:
            wrapper = wraps(original, make(original))
            setattr(module, name, wrapper)
            installed[f"{module.__name__}.{name}"] = (module, name, wrapper, original)

    # -- processes --
    def w_fork(f):
        def fork():
            try:
                pid = f()
            except BaseException as e:
                emit("os.fork", {}, error=errname(e))
                raise
            if pid:
                emit("os.fork", {}, pid)
            return pid
        return fork

    def w_forkpty(f):
        def forkpty():
            try:
                pid, fd = f()
            except BaseException as e:
                emit("os.forkpty", {}, error=errname(e))
                raise
            if pid:
                emit("os.forkpty", {}, pid)
            return pid, fd
        return forkpty

    def text(a):
        try:
            return os.fsdecode(a)
        except TypeError:
            return repr(a)

    def w_spawn(f, call):
        def spawn(path, argv, *a, **k):
            # subprocess starts a program with posix_spawn where it can (_USE_POSIX_SPAWN: an
            # executable with a path and no option that needs a fork, which is 3.13's usual
            # case) and with _posixsubprocess.fork_exec otherwise: both are "subprocess.Popen".
            caller = getframe(1).f_code
            if caller.co_name == "_posix_spawn" and caller.co_filename.endswith("subprocess.py"):
                name = "subprocess.Popen"
                args = {"executable": text(path), "argv": [text(x) for x in argv]}
            else:
                name, args = call, {"path": text(path), "argv": [text(x) for x in argv]}
            try:
                pid = f(path, argv, *a, **k)
            except BaseException as e:
                emit(name, args, error=errname(e))
                raise
            emit(name, args, pid)
            return pid
        return spawn

    spawn_modes = {getattr(os, m): m for m in ("P_NOWAITO", "P_NOWAIT", "P_WAIT")
                   if hasattr(os, m)}

    def w_spawnv(f, call):
        # os.spawnv and the others fork (os.fork, at os.py) and exec in the child (os.exec);
        # this adds one event in the parent: the mode, the program, and the pid (P_NOWAIT) or
        # the exit code (P_WAIT). The os.spawnl forms call these.
        def spawnv(mode, file, args, *a):
            what = {"mode": spawn_modes.get(mode, mode), "path": text(file),
                    "argv": [text(x) for x in args] if isinstance(args, (list, tuple)) else
                    repr(args)}
            try:
                r = f(mode, file, args, *a)
            except BaseException as e:
                emit(call, what, error=errname(e))
                raise
            emit(call, what, r)
            return r
        return spawnv

    def w_system(f):
        def system(command):
            try:
                s = f(command)
            except BaseException as e:
                emit("os.system", {"command": command}, error=errname(e))
                raise
            emit("os.system", {"command": command}, status(-1, s) if s >= 0 else s)
            return s
        return system

    def w_exit(f):
        def _exit(code):
            emit("os._exit", {"status": code})
            f(code)
        return _exit

    def w_abort(f):
        def abort():
            emit("os.abort", {})
            f()
        return abort

    def w_waitpid(f):
        def waitpid(pid, options, /):
            if limit is not None and counts.get("os.waitpid", 0) > limit:
                return f(pid, options)
            try:
                p, s = f(pid, options)
            except BaseException as e:
                emit("os.waitpid", {"pid": pid, "options": wait_options(options)},
                     error=errname(e))
                raise
            emit("os.waitpid", {"pid": pid, "options": wait_options(options)}, status(p, s))
            return p, s
        return waitpid

    def w_wait(f):
        def wait():
            try:
                p, s = f()
            except BaseException as e:
                emit("os.wait", {}, error=errname(e))
                raise
            emit("os.wait", {}, status(p, s))
            return p, s
        return wait

    def w_wait3(f):
        def wait3(options):
            try:
                r = f(options)
            except BaseException as e:
                emit("os.wait3", {"options": wait_options(options)}, error=errname(e))
                raise
            emit("os.wait3", {"options": wait_options(options)}, status(r[0], r[1]))
            return r
        return wait3

    def w_wait4(f):
        def wait4(pid, options):
            try:
                r = f(pid, options)
            except BaseException as e:
                emit("os.wait4", {"pid": pid, "options": wait_options(options)},
                     error=errname(e))
                raise
            emit("os.wait4", {"pid": pid, "options": wait_options(options)}, status(r[0], r[1]))
            return r
        return wait4

    cld = {}

    def w_waitid(f):
        def waitid(idtype, id, options, /):
            args = {"idtype": idtype, "id": id, "options": wait_options(options)}
            try:
                r = f(idtype, id, options)
            except BaseException as e:
                emit("os.waitid", args, error=errname(e))
                raise
            if r is None:
                result = {"pid": 0}
            else:
                if not cld:
                    for name in ("CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_STOPPED",
                                 "CLD_CONTINUED", "CLD_TRAPPED"):
                        if hasattr(os, name):
                            cld[getattr(os, name)] = name
                code = cld.get(r.si_code)
                if code == "CLD_EXITED":
                    result = {"pid": r.si_pid, "exited": r.si_status}
                elif code in ("CLD_KILLED", "CLD_DUMPED"):
                    result = {"pid": r.si_pid, "signal": sig(r.si_status),
                              "core": code == "CLD_DUMPED"}
                elif code == "CLD_CONTINUED":
                    result = {"pid": r.si_pid, "continued": True}
                else:
                    result = {"pid": r.si_pid, "stopped": sig(r.si_status)}
            emit("os.waitid", args, result)
            return r
        return waitid

    def w_setpgid(f):
        def setpgid(pid, pgrp, /):
            try:
                f(pid, pgrp)
            except BaseException as e:
                emit("os.setpgid", {"pid": pid, "pgid": pgrp}, error=errname(e))
                raise
            emit("os.setpgid", {"pid": pid, "pgid": pgrp})
        return setpgid

    def w_setsid(f):
        def setsid():
            try:
                f()
            except BaseException as e:
                emit("os.setsid", {}, error=errname(e))
                raise
            emit("os.setsid", {}, state["pid"])
        return setsid

    # -- pipes, FIFOs, descriptors --
    def w_pipe(f):
        def pipe():
            try:
                r, w = f()
            except BaseException as e:
                emit("os.pipe", {}, error=errname(e))
                raise
            kinds[r] = kinds[w] = kind = classify(r)
            emit("os.pipe", {}, [r, w], obj=kind)
            return r, w
        return pipe

    def w_pipe2(f):
        def pipe2(flags, /):
            args = {"flags": open_flags(flags).replace("O_RDONLY|", "").replace("O_RDONLY", "")}
            try:
                r, w = f(flags)
            except BaseException as e:
                emit("os.pipe2", args, error=errname(e))
                raise
            kinds[r] = kinds[w] = kind = classify(r)
            emit("os.pipe2", args, [r, w], obj=kind)
            return r, w
        return pipe2

    def w_mkfifo(f):
        def mkfifo(path, mode=0o666, *a, **k):
            args = {"path": path, "mode": oct(mode)}
            try:
                f(path, mode, *a, **k)
            except BaseException as e:
                emit("os.mkfifo", args, error=errname(e))
                raise
            emit("os.mkfifo", args)
        return mkfifo

    def w_open(f):
        def open(path, flags, mode=0o777, *, dir_fd=None):
            try:
                fd = f(path, flags, mode, dir_fd=dir_fd)
            except OSError as e:
                try:
                    is_fifo = _stat(path, dir_fd=dir_fd).st_mode & s_fmt == s_fifo
                except (OSError, TypeError, ValueError):
                    is_fifo = False
                if is_fifo:
                    emit("os.open", {"path": path, "flags": open_flags(flags)}, error=errname(e),
                         obj="fifo:" + os.fsdecode(path))
                raise
            kind = classify(fd)
            if kind is not None and kind.startswith("fifo:"):
                emit("os.open", {"path": path, "flags": open_flags(flags)}, fd, obj=kind)
            return fd
        return open

    def w_read(f):
        def read(fd, n, /):
            kind = kinds.get(fd, unseen)
            if kind is unseen:
                kind = classify(fd)
            if kind is None or (limit is not None and counts.get("os.read", 0) > limit):
                return f(fd, n)
            try:
                data = f(fd, n)
            except BaseException as e:
                emit("os.read", {"fd": fd, "n": n}, error=errname(e), obj=kind)
                raise
            emit("os.read", {"fd": fd, "n": n}, len(data), obj=kind, data=repr(data[:48]))
            return data
        return read

    def w_write(f):
        def write(fd, data, /):
            kind = kinds.get(fd, unseen)
            if kind is unseen:
                kind = classify(fd)
            if kind is None or (limit is not None
                                and counts.get("os.write", 0) > limit):
                return f(fd, data)
            if state["sigpipe_dfl"]:  # SIGPIPE may kill us inside the call: say it began
                emit("calling", {"call": "os.write", "fd": fd}, obj=kind,
                     data=repr(bytes(data[:48])))
            try:
                n = f(fd, data)
            except BaseException as e:
                emit("os.write", {"fd": fd}, error=errname(e), obj=kind,
                     data=repr(bytes(data[:48])))
                raise
            emit("os.write", {"fd": fd}, n, obj=kind, data=repr(bytes(data[:min(n, 48)])),
                 asked=len(data))  # a short count shows as result < asked
            return n
        return write

    def w_close(f):
        def close(fd):
            # A descriptor this process never classified (inherited, or made by C code) is
            # looked at before it goes.
            kind = kinds.pop(fd, unseen)
            if kind is unseen:
                kind = classify(fd)
            if kind is None:
                return f(fd)
            try:
                f(fd)
            except BaseException as e:
                emit("os.close", {"fd": fd}, error=errname(e), obj=kind)
                raise
            emit("os.close", {"fd": fd}, obj=kind)
        return close

    def w_closerange(f):
        def closerange(fd_low, fd_high, /):
            kinds.clear()
            return f(fd_low, fd_high)
        return closerange

    def w_dup(f):
        def dup(fd, /):
            new = f(fd)
            kinds.pop(new, None)
            kind = obj_of(fd)
            if kind is not None:
                kinds[new] = kind
                emit("os.dup", {"fd": fd}, new, obj=kind)
            return new
        return dup

    def w_dup2(f):
        def dup2(fd, fd2, inheritable=True):
            kind = obj_of(fd)
            kinds.pop(fd2, None)
            try:
                r = f(fd, fd2, inheritable)
            except BaseException as e:
                if kind is not None:
                    emit("os.dup2", {"fd": fd, "fd2": fd2}, error=errname(e), obj=kind)
                raise
            if kind is not None:
                kinds[fd2] = kind
                emit("os.dup2", {"fd": fd, "fd2": fd2}, r, obj=kind)
            return r
        return dup2

    def w_set_blocking(f):
        def set_blocking(fd, blocking, /):
            f(fd, blocking)
            kind = obj_of(fd)
            if kind is not None:
                emit("os.set_blocking", {"fd": fd, "blocking": bool(blocking)}, obj=kind)
        return set_blocking

    # -- signals --
    def w_kill(f, call, key):
        def kill(target, signalnum, /):
            if limit is not None and counts.get(call, 0) > limit:
                return f(target, signalnum)
            try:
                f(target, signalnum)
            except OSError as e:
                emit(call, {key: target, "signal": sig(signalnum)}, error=errname(e))
                raise
            except BaseException:  # a handler of a signal sent to ourselves raised: it was sent
                emit(call, {key: target, "signal": sig(signalnum)})
                raise
            emit(call, {key: target, "signal": sig(signalnum)})
        return kill

    def w_raise_signal(f):
        def raise_signal(signalnum, /):
            try:
                f(signalnum)
            except BaseException:
                emit("signal.raise_signal", {"signal": sig(signalnum)})
                raise
            emit("signal.raise_signal", {"signal": sig(signalnum)})
        return raise_signal

    def w_pthread_kill(f):
        def pthread_kill(thread_id, signalnum, /):
            args = {"thread": thread_id, "signal": sig(signalnum)}
            try:
                f(thread_id, signalnum)
            except OSError as e:
                emit("signal.pthread_kill", args, error=errname(e))
                raise
            except BaseException:
                emit("signal.pthread_kill", args)
                raise
            emit("signal.pthread_kill", args)
        return pthread_kill

    def w_signal(f):
        def signal_(signalnum, handler, /):
            args = {"signal": sig(signalnum), "handler": handler_name(handler)}
            try:
                old = f(signalnum, handler)
            except BaseException as e:
                emit("signal.signal", args, error=errname(e))
                raise
            emit("signal.signal", args, handler_name(old))
            if signalnum == sigpipe:
                state["sigpipe_dfl"] = handler == signal.SIG_DFL
            return old
        return signal_

    sigpipe = signal.SIGPIPE
    hows = {getattr(signal, n): n for n in ("SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK")}

    def w_sigmask(f):
        def pthread_sigmask(how, mask, /):
            args = {"how": hows.get(how, how), "signals": sigset(mask)}
            try:
                old = f(how, mask)
            except BaseException as e:
                emit("signal.pthread_sigmask", args, error=errname(e))
                raise
            emit("signal.pthread_sigmask", args, sigset(old))
            return old
        return pthread_sigmask

    def w_sigpending(f):
        def sigpending():
            if limit is not None and counts.get("signal.sigpending", 0) > limit:
                return f()
            r = f()
            emit("signal.sigpending", {}, sigset(r))
            return r
        return sigpending

    def w_sigwait(f):
        def sigwait(sigset_, /):
            if limit is not None and counts.get("signal.sigwait", 0) > limit:
                return f(sigset_)
            args = {"signals": sigset(sigset_)}
            try:
                r = f(sigset_)
            except BaseException as e:
                emit("signal.sigwait", args, error=errname(e))
                raise
            emit("signal.sigwait", args, sig(r))
            return r
        return sigwait

    def info(r):
        if r is None:
            return None
        return {"signal": sig(r.si_signo), "pid": r.si_pid, "uid": r.si_uid, "code": r.si_code}

    def w_sigwaitinfo(f):
        def sigwaitinfo(sigset_, /):
            args = {"signals": sigset(sigset_)}
            try:
                r = f(sigset_)
            except BaseException as e:
                emit("signal.sigwaitinfo", args, error=errname(e))
                raise
            emit("signal.sigwaitinfo", args, info(r))
            return r
        return sigwaitinfo

    def w_sigtimedwait(f):
        def sigtimedwait(sigset_, timeout, /):
            args = {"signals": sigset(sigset_), "timeout": timeout}
            try:
                r = f(sigset_, timeout)
            except BaseException as e:
                emit("signal.sigtimedwait", args, error=errname(e))
                raise
            emit("signal.sigtimedwait", args, info(r))
            return r
        return sigtimedwait

    def w_simple(f, call, names, convert=None):
        """A call recorded with its positional arguments named ``names``, result as returned."""
        def simple(*a, **k):
            args = dict(zip(names, a, strict=False), **k)
            if convert:
                args = convert(args)
            try:
                r = f(*a, **k)
            except BaseException as e:
                emit(call, args, error=errname(e))
                raise
            emit(call, args, r)
            return r
        return simple

    def with_signal(args):
        if "signalnum" in args:
            args["signal"] = sig(args.pop("signalnum"))
        return args

    def with_which(args):
        w = args.get("which")
        for name in ("ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF"):
            if w == getattr(signal, name, None):
                args["which"] = name
        return args

    patch(os, "fork", w_fork)
    patch(os, "forkpty", w_forkpty)
    patch(os, "posix_spawn", lambda f: w_spawn(f, "os.posix_spawn"))
    patch(os, "posix_spawnp", lambda f: w_spawn(f, "os.posix_spawnp"))
    for name in ("spawnv", "spawnve", "spawnvp", "spawnvpe"):
        patch(os, name, lambda f, call="os." + name: w_spawnv(f, call))
    patch(os, "system", w_system)
    patch(os, "_exit", w_exit)
    patch(os, "abort", w_abort)
    patch(os, "waitpid", w_waitpid)
    patch(os, "wait", w_wait)
    patch(os, "wait3", w_wait3)
    patch(os, "wait4", w_wait4)
    patch(os, "waitid", w_waitid)
    patch(os, "setpgid", w_setpgid)
    patch(os, "setsid", w_setsid)
    patch(os, "pipe", w_pipe)
    patch(os, "pipe2", w_pipe2)
    patch(os, "mkfifo", w_mkfifo)
    patch(os, "open", w_open)
    patch(os, "read", w_read)
    patch(os, "write", w_write)
    patch(os, "close", w_close)
    patch(os, "closerange", w_closerange)
    patch(os, "dup", w_dup)
    patch(os, "dup2", w_dup2)
    patch(os, "set_blocking", w_set_blocking)
    patch(os, "kill", lambda f: w_kill(f, "os.kill", "pid"))
    patch(os, "killpg", lambda f: w_kill(f, "os.killpg", "pgid"))
    patch(signal, "raise_signal", w_raise_signal)
    patch(signal, "pthread_kill", w_pthread_kill)
    patch(signal, "signal", w_signal)
    patch(signal, "pthread_sigmask", w_sigmask)
    patch(signal, "sigpending", w_sigpending)
    patch(signal, "sigwait", w_sigwait)
    patch(signal, "sigwaitinfo", w_sigwaitinfo)
    patch(signal, "sigtimedwait", w_sigtimedwait)
    def w_pause(f):
        def pause():
            emit("calling", {"call": "signal.pause"})  # it may never return: say it began
            try:
                f()
            except BaseException as e:
                emit("signal.pause", {}, error=errname(e))
                raise
            emit("signal.pause", {})
        return pause

    patch(signal, "pause", w_pause)
    patch(signal, "alarm", lambda f: w_simple(f, "signal.alarm", ("seconds",)))
    patch(signal, "setitimer", lambda f: w_simple(
        f, "signal.setitimer", ("which", "seconds", "interval"), with_which))
    patch(signal, "set_wakeup_fd", lambda f: w_simple(f, "signal.set_wakeup_fd", ("fd",)))
    patch(signal, "siginterrupt", lambda f: w_simple(
        f, "signal.siginterrupt", ("signalnum", "flag"), with_signal))

    # -- modules patched when first imported: socket, mmap, fcntl, _posixsubprocess --
    def patch_socket(m):
        cls = m.socket
        base = cls.__mro__[1]  # _socket.socket

        def family_name(v):
            return getattr(v, "name", v)

        def address(a):
            if isinstance(a, bytes):
                return repr(a)
            return a

        def w_init(f):
            def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
                f(self, family, type, proto, fileno)
                fd = self.fileno()
                kind = kinds[fd] = classify(fd)
                if fileno is None:
                    emit("socket.socket", {"family": family_name(self.family),
                                           "type": family_name(self.type)}, fd, obj=kind)
            return __init__

        def w_socketpair(f):
            def socketpair(*a, **k):
                try:
                    s1, s2 = f(*a, **k)
                except BaseException as e:
                    emit("socket.socketpair", {}, error=errname(e))
                    raise
                emit("socket.socketpair", {"family": family_name(s1.family),
                                           "type": family_name(s1.type)},
                     [s1.fileno(), s2.fileno()], obj=obj_of(s1.fileno()))
                return s1, s2
            return socketpair

        def w_method(call, names, f):
            def method(self, *a, **k):
                fd = self.fileno()
                args = dict(zip(names, a, strict=False), fd=fd, **k)
                if "address" in args:
                    args["address"] = address(args["address"])
                try:
                    r = f(self, *a, **k)
                except BaseException as e:
                    emit(call, args, error=errname(e), obj=obj_of(fd))
                    raise
                emit(call, args, r, obj=obj_of(fd))
                return r
            return method

        def w_connect_ex(f):
            def connect_ex(self, address_):
                fd = self.fileno()
                r = f(self, address_)
                emit("socket.connect_ex", {"fd": fd, "address": address(address_)},
                     errnames.get(r, r) if r else 0, obj=obj_of(fd))
                return r
            return connect_ex

        def w_close_sock(f):
            def close(self):
                fd = self.fileno()
                kind = obj_of(fd) if fd >= 0 else None
                kinds.pop(fd, None)
                f(self)
                if fd >= 0:
                    emit("socket.close", {"fd": fd}, obj=kind)
            return close

        def w_accept(f):
            def accept(self):
                fd = self.fileno()
                try:
                    conn, addr = f(self)
                except BaseException as e:
                    emit("socket.accept", {"fd": fd}, error=errname(e), obj=obj_of(fd))
                    raise
                emit("socket.accept", {"fd": fd},
                     {"fd": conn.fileno(), "address": address(addr)},
                     obj=obj_of(conn.fileno()))
                return conn, addr
            return accept

        def w_send(call, f, n_of=None):
            def send(self, data, *a):
                fd = self.fileno()
                kind = obj_of(fd)
                if limit is not None and counts.get(call, 0) > limit:
                    return f(self, data, *a)
                if state["sigpipe_dfl"]:
                    emit("calling", {"call": call, "fd": fd}, obj=kind, data=data)
                try:
                    r = f(self, data, *a)
                except BaseException as e:
                    emit(call, {"fd": fd}, error=errname(e), obj=kind, data=data)
                    raise
                n = len(data) if r is None else r
                emit(call, {"fd": fd}, n, obj=kind, data=repr(bytes(data[:min(n, 48)])))
                return r
            return send

        def w_recv(call, f):
            def recv(self, n, *a):
                fd = self.fileno()
                kind = obj_of(fd)
                if limit is not None and counts.get(call, 0) > limit:
                    return f(self, n, *a)
                try:
                    r = f(self, n, *a)
                except BaseException as e:
                    emit(call, {"fd": fd, "n": n}, error=errname(e), obj=kind)
                    raise
                data = r[0] if type(r) is tuple else r
                emit(call, {"fd": fd, "n": n}, len(data), obj=kind, data=repr(data[:48]))
                return r
            return recv

        def w_recv_into(call, f):
            def recv_into(self, buffer, nbytes=0, *a):
                fd = self.fileno()
                kind = obj_of(fd)
                try:
                    r = f(self, buffer, nbytes, *a)
                except BaseException as e:
                    emit(call, {"fd": fd, "n": nbytes}, error=errname(e), obj=kind)
                    raise
                n = r[0] if type(r) is tuple else r
                emit(call, {"fd": fd, "n": nbytes}, n, obj=kind,
                     data=repr(bytes(memoryview(buffer).cast("B")[:min(n, 48)])))
                return r
            return recv_into

        scm_rights = getattr(m, "SCM_RIGHTS", None)

        def rights(ancdata):
            fds = []
            for item in ancdata or ():
                level, kind, data = item
                if level == m.SOL_SOCKET and kind == scm_rights:
                    data = bytes(data)
                    fds += [int.from_bytes(data[i:i + 4], sys.byteorder, signed=True)
                            for i in range(0, len(data) - len(data) % 4, 4)]
            return fds

        def w_sendmsg(f):
            def sendmsg(self, buffers, *a):
                fd = self.fileno()
                kind = obj_of(fd)
                buffers = list(buffers)
                passed = rights(a[0] if a else ())
                try:
                    n = f(self, buffers, *a)
                except BaseException as e:
                    emit("socket.sendmsg", {"fd": fd}, error=errname(e), obj=kind, fds=passed)
                    raise
                data = b"".join(bytes(b) for b in buffers)
                emit("socket.sendmsg", {"fd": fd}, n, obj=kind, data=repr(data[:min(n, 48)]),
                     fds=passed)
                return n
            return sendmsg

        def w_recvmsg(f):
            def recvmsg(self, bufsize, *a):
                fd = self.fileno()
                kind = obj_of(fd)
                try:
                    r = f(self, bufsize, *a)
                except BaseException as e:
                    emit("socket.recvmsg", {"fd": fd, "n": bufsize}, error=errname(e), obj=kind)
                    raise
                got = rights(r[1])
                for new in got:
                    kinds.pop(new, None)
                emit("socket.recvmsg", {"fd": fd, "n": bufsize}, len(r[0]), obj=kind,
                     data=repr(r[0][:48]), fds=got)
                return r
            return recvmsg

        peercred = getattr(m, "SO_PEERCRED", None)

        def w_getsockopt(f):
            def getsockopt(self, level, option, *a):
                r = f(self, level, option, *a)
                if option == peercred and level == m.SOL_SOCKET and a and isinstance(r, bytes):
                    pid, uid, gid = (int.from_bytes(r[i:i + 4], sys.byteorder, signed=True)
                                     for i in (0, 4, 8))
                    emit("socket.getsockopt", {"fd": self.fileno(), "option": "SO_PEERCRED"},
                         {"pid": pid, "uid": uid, "gid": gid}, obj=obj_of(self.fileno()))
                return r
            return getsockopt

        def put(name, wrapper, original):
            setattr(cls, name, wraps(original, wrapper))
            installed["socket." + name] = (cls, name, wrapper, original)

        put("__init__", w_init(cls.__init__), cls.__init__)
        put("close", w_close_sock(cls.close), cls.close)
        put("accept", w_accept(cls.accept), cls.accept)
        for name, names in (("bind", ("address",)), ("connect", ("address",)),
                            ("listen", ("backlog",)), ("shutdown", ("how",))):
            put(name, w_method("socket." + name, names, getattr(base, name)), getattr(base, name))
        put("connect_ex", w_connect_ex(base.connect_ex), base.connect_ex)
        for name in ("send", "sendall", "sendto"):
            put(name, w_send("socket." + name, getattr(base, name)), getattr(base, name))
        for name in ("recv", "recvfrom"):
            put(name, w_recv("socket." + name, getattr(base, name)), getattr(base, name))
        for name in ("recv_into", "recvfrom_into"):
            put(name, w_recv_into("socket." + name, getattr(base, name)), getattr(base, name))
        if hasattr(base, "sendmsg"):
            put("sendmsg", w_sendmsg(base.sendmsg), base.sendmsg)
            put("recvmsg", w_recvmsg(base.recvmsg), base.recvmsg)
        put("getsockopt", w_getsockopt(base.getsockopt), base.getsockopt)
        patch(m, "socketpair", w_socketpair)

    def patch_mmap(m):
        base = m.mmap
        accesses = {getattr(m, n): n for n in ("ACCESS_DEFAULT", "ACCESS_READ", "ACCESS_WRITE",
                                                "ACCESS_COPY")}

        def describe(fileno, length, flags=None, prot=None, access=0, offset=0, **_):
            if flags is None:
                flags = m.MAP_SHARED
            names = [n for n in ("MAP_SHARED", "MAP_PRIVATE", "MAP_ANONYMOUS", "MAP_POPULATE")
                     if getattr(m, n, 0) and flags & getattr(m, n)]
            shared = (access in (m.ACCESS_READ, m.ACCESS_WRITE)
                      or (access != m.ACCESS_COPY and bool(flags & m.MAP_SHARED)))
            args = {"fd": fileno, "length": length, "flags": "|".join(names) or str(flags),
                    "access": accesses.get(access, access), "offset": offset}
            if isinstance(fileno, int) and fileno >= 0:
                try:
                    args["file"] = _readlink(f"/proc/self/fd/{fileno}")
                except OSError:
                    pass
            return args, shared

        class mmap(base):
            __slots__ = ()

            def __new__(cls, fileno, length, *a, **k):
                names = ("flags", "prot", "access", "offset")
                try:
                    given = dict(zip(names, a, strict=False), **k)
                    args, shared = describe(fileno, length, **given)
                except Exception:
                    args, shared = {"fd": fileno, "length": length}, None
                try:
                    self = base.__new__(cls, fileno, length, *a, **k)
                except BaseException as e:
                    emit("mmap.mmap", args, error=errname(e))
                    raise
                emit("mmap.mmap", args, {"size": len(self), "shared": shared,
                                         "anonymous": fileno == -1})
                return self

        mmap.__module__, mmap.__qualname__, mmap.__doc__ = "mmap", "mmap", base.__doc__
        m.mmap = mmap

    def patch_fcntl(m):
        cmds = {}

        def w_fcntl(f):
            def fcntl(fd, cmd, arg=0, /):
                fdn = fd if isinstance(fd, int) else fd.fileno()
                kind = obj_of(fdn)
                if kind is not None and not cmds:
                    cmds.update({getattr(m, n): n for n in dir(m) if n.startswith("F_")})
                try:
                    r = f(fd, cmd, arg)
                except BaseException as e:  # F_SETPIPE_SZ refused (EPERM, EBUSY)...
                    if kind is not None:
                        emit("fcntl.fcntl", {"fd": fdn, "cmd": cmds.get(cmd, cmd), "arg": arg},
                             error=errname(e), obj=kind)
                    raise
                if kind is not None:
                    emit("fcntl.fcntl", {"fd": fdn, "cmd": cmds.get(cmd, cmd), "arg": arg}, r,
                         obj=kind)
                return r
            return fcntl

        patch(m, "fcntl", w_fcntl)

    def patch_posixsubprocess(m):
        def w_fork_exec(f):
            def fork_exec(args, executable_list, *rest):
                argv = [os.fsdecode(a) for a in args] if args else []
                exe = os.fsdecode(executable_list[0]) if executable_list else None
                try:
                    pid = f(args, executable_list, *rest)
                except BaseException as e:
                    emit("subprocess.Popen", {"executable": exe, "argv": argv}, error=errname(e))
                    raise
                emit("subprocess.Popen", {"executable": exe, "argv": argv}, pid)
                return pid
            return fork_exec

        patch(m, "fork_exec", w_fork_exec)

    patchers = {"socket": patch_socket, "mmap": patch_mmap, "fcntl": patch_fcntl,
                "_posixsubprocess": patch_posixsubprocess}

    class Loader:
        def __init__(self, loader, patcher):
            self.loader, self.patcher = loader, patcher

        def create_module(self, spec):
            return self.loader.create_module(spec)

        def exec_module(self, module):
            self.loader.exec_module(module)
            try:
                self.patcher(module)
            except Exception as e:  # never break an import; say why the events are missing
                emit("observe.error", {"module": module.__name__}, error=repr(e))

        def __getattr__(self, name):
            return getattr(self.loader, name)

    class Finder:
        @classmethod
        def find_spec(cls, name, path=None, target=None):
            if name not in patchers:
                return None
            patcher = patchers.pop(name)
            for finder in sys.meta_path:
                if finder is cls or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    if spec.loader is not None:
                        spec.loader = Loader(spec.loader, patcher)
                    return spec
            return None

    for name in list(patchers):
        if name in sys.modules:
            patchers.pop(name)(sys.modules[name])
    sys.meta_path.insert(0, Finder)

    # -- tracebacks printed without the wrappers' frames (they are not the snippet's) --
    previous_hook = sys.excepthook

    def strip(tb):
        kept = []
        while tb is not None:
            if tb.tb_frame.f_code.co_filename != here:
                kept.append(tb)
            tb = tb.tb_next
        new = None
        for t in reversed(kept):
            new = type(t)(new, t.tb_frame, t.tb_lasti, t.tb_lineno)
        return new

    def excepthook(kind, value, tb):
        try:
            seen = set()
            e = value
            while e is not None and id(e) not in seen:
                seen.add(id(e))
                e.__traceback__ = strip(e.__traceback__)
                e = e.__cause__ or e.__context__
            tb = value.__traceback__
        except Exception:
            pass
        return previous_hook(kind, value, tb)

    sys.excepthook = excepthook


def _site_code() -> str:
    """The sitecustomize part: a short stub carrying ``_install`` compiled, plus its source.

    Compiling ~1000 lines in every process of a run would cost ~10 ms each (runs write no .pyc),
    so the stub carries the code object marshalled by this interpreter (the one that runs the
    snippets) and compiles the source only under another Python version.
    """
    source = textwrap.dedent(inspect.getsource(_install)) + "\n_install()\n"
    code = compile(source, _CODE_NAME, "exec")
    return textwrap.dedent(f"""
        # --- observation layer (docs/_ext/snippetexec/observe.py) ---
        def _snippet_observer():
            import os
            if not os.environ.get({ENV_EVENTS!r}):
                return
            import sys
            from binascii import a2b_base64
            from zlib import decompress
            if sys.implementation.cache_tag == {sys.implementation.cache_tag!r}:
                import marshal
                code = marshal.loads(decompress(a2b_base64({_packed(marshal.dumps(code))!r})))
            else:
                source = decompress(a2b_base64({_packed(source.encode())!r})).decode()
                code = compile(source, {_CODE_NAME!r}, "exec")
            exec(code, {{"__name__": "_snippet_observer"}})


        _snippet_observer()
        del _snippet_observer
        """)


def _packed(data: bytes) -> str:
    """Compressed, then base64 on one line: a literal the tokenizer scans fast."""
    return binascii.b2a_base64(zlib.compress(data, 9), newline=False).decode()


_CODE_NAME = "<snippet observer>"  # the file name its frames show (faulthandler, tracebacks)
SITE_CODE = _site_code()


# --- the reading side: used by the runner and the tests -----------------------------------------

class Event(dict):
    """One recorded call: a dict (as in the file) with attribute access to its fields."""

    pid = property(lambda self: self["pid"])
    ppid = property(lambda self: self.get("ppid"))
    call = property(lambda self: self["call"])
    args = property(lambda self: self.get("args") or {})
    result = property(lambda self: self.get("result"))
    error = property(lambda self: self.get("error"))
    ok = property(lambda self: "error" not in self)
    obj = property(lambda self: self.get("obj"))
    data = property(lambda self: self.get("data"))
    fds = property(lambda self: self.get("fds"))
    asked = property(lambda self: self.get("asked"))  # os.write: the bytes it was given
    at = property(lambda self: self.get("at"))  # "file.py:LINE" of the Python line that called

    def __str__(self) -> str:
        """``[4121] os.read(fd=3, n=100) = 24 b'...'``: one line, for reports and panels."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        outcome = f"error {self.error}" if self.error else f"= {json.dumps(self.result)}"
        extra = "".join(f" {k}={self[k]}" for k in ("obj", "fds") if self.get(k) not in (None, []))
        data = f" {self.data}" if self.data is not None else ""
        return f"[{self.pid}] {self.call}({args}) {outcome}{data}{extra}"


Signal = namedtuple("Signal", "sender target signal call error")
Signal.__doc__ = ("A signal sent: sender pid, target (a pid; -pgid for a group; the sender for "
                  "raise_signal and pthread_kill), signal name, the call, error or None.")

_READS = ("os.read", "socket.recv", "socket.recv_into", "socket.recvfrom", "socket.recvfrom_into",
          "socket.recvmsg")
_WRITES = ("os.write", "socket.send", "socket.sendall", "socket.sendto", "socket.sendmsg")
_WAITS = ("os.waitpid", "os.wait", "os.wait3", "os.wait4", "os.waitid")
_KILLS = ("os.kill", "os.killpg", "signal.raise_signal", "signal.pthread_kill")


class Events(list):
    """The events of one run, in the order they happened; filters return Events again.

    Selecting:
        ``calls(*names, pid=None)`` events of these calls ("os.fork", "socket.bind"...);
        ``by(pid)``; ``where(**args)`` events whose args match (``where(fd=3)``);
        ``failed(error=None)`` / ``succeeded()``; ``made_in("x.py")`` calls made by that file's
        own lines (not by library code such as subprocess); ``first(...)``/``one(...)`` as
        calls() but one event.
    Processes:
        ``main`` the snippet's own pid; ``processes()`` {pid: parent pid};
        ``children(pid)`` pids it forked or spawned, in order; ``argv_of(pid)``;
        ``execs(pid=None)`` exec and spawn events; ``exit_of(pid)`` how it ended as its parent's
        wait saw it: {"exited": n} or {"signal": "SIGPIPE", "core": False} (None if not waited).
    Signals:
        ``signals_sent(sender=None, target=None, signal=None)`` -> list of Signal tuples.
    Data:
        ``reads(fd=None, pid=None, obj=None)`` / ``writes(...)``: os.read/os.write and socket
        receive/send calls on pipes, FIFOs and sockets; ``fds_passed()`` sendmsg/recvmsg events
        that carried descriptors; ``output_pipe`` the obj of the main process's stdout.
    Reports:
        ``text()`` one line per event (``str(event)``), for assertion messages and panels.
    """

    def __init__(self, items=()):
        """Events from Event objects or plain dicts (as a Run stores them)."""
        super().__init__(e if isinstance(e, Event) else Event(e) for e in items)

    def _new(self, items) -> Events:
        return Events(items)

    # selecting
    def calls(self, *names: str, pid: int | None = None) -> Events:
        return self._new(e for e in self if e.call in names and (pid is None or e.pid == pid))

    def by(self, pid: int) -> Events:
        return self._new(e for e in self if e.pid == pid)

    def where(self, **args) -> Events:
        missing = object()
        return self._new(e for e in self
                         if all(e.args.get(k, missing) == v for k, v in args.items()))

    def made_in(self, filename: str) -> Events:
        """Calls made by lines of ``filename`` (a base name: "read_returns_eof.py"), not by the
        library code it used (subprocess's own pipes, multiprocessing's, asyncio's...)."""
        return self._new(e for e in self if (e.at or "").rpartition(":")[0] == filename)

    def failed(self, error: str | None = None) -> Events:
        return self._new(e for e in self if e.error and (error is None or e.error == error))

    def succeeded(self) -> Events:
        return self._new(e for e in self if e.ok)

    def first(self, *names: str, pid: int | None = None) -> Event | None:
        found = self.calls(*names, pid=pid) if names else self
        return found[0] if found else None

    def one(self, *names: str, pid: int | None = None) -> Event:
        found = self.calls(*names, pid=pid) if names else self
        assert len(found) == 1, f"expected one {'/'.join(names)}, got {len(found)}\n{self.text()}"
        return found[0]

    # processes
    @property
    def main(self) -> int | None:
        """The snippet's own process: the first one that started."""
        start = self.first("start")
        return start.pid if start else (self[0].pid if self else None)

    def processes(self) -> dict[int, int]:
        """Every process seen, mapped to its parent (from starts, forks and spawns)."""
        tree: dict[int, int] = {}
        for e in self:
            if e.call in ("start", "forked"):
                tree.setdefault(e.pid, e.ppid)
            elif e.call in ("os.fork", "os.forkpty", "subprocess.Popen", "os.posix_spawn",
                            "os.posix_spawnp") and e.ok and isinstance(e.result, int):
                tree.setdefault(e.result, e.pid)
        return tree

    def children(self, pid: int | None = None) -> list[int]:
        """The processes ``pid`` (default: main) forked or spawned, in the order they began."""
        pid = self.main if pid is None else pid
        return [child for child, parent in self.processes().items() if parent == pid]

    def argv_of(self, pid: int) -> list[str] | None:
        """The command line the process ran last (after an exec, the new one)."""
        argv = None
        for e in self.by(pid):
            if e.call in ("start", "os.exec"):
                argv = e.args.get("argv")
        if argv is None:
            for e in self.calls("subprocess.Popen", "os.posix_spawn", "os.posix_spawnp"):
                if e.result == pid:
                    argv = e.args.get("argv")
        return argv

    def execs(self, pid: int | None = None) -> Events:
        found = self.calls("os.exec", "subprocess.Popen", "os.posix_spawn", "os.posix_spawnp",
                           "os.spawnv", "os.spawnve", "os.spawnvp", "os.spawnvpe", "os.system")
        return found.by(pid) if pid is not None else found

    def waits(self, pid: int | None = None) -> Events:
        """Successful waits that reported a child (``pid``: that child)."""
        return self._new(e for e in self.calls(*_WAITS)
                         if e.ok and e.result and e.result.get("pid")
                         and (pid is None or e.result["pid"] == pid))

    def exit_of(self, pid: int) -> dict | None:
        """How ``pid`` ended, as a wait saw it: {"exited": n} or {"signal": name, "core": bool}."""
        for e in reversed(self.waits(pid)):
            if "exited" in e.result or "signal" in e.result:
                return {k: v for k, v in e.result.items() if k != "pid"}
        return None

    # signals
    def signals_sent(self, sender: int | None = None, target: int | None = None,
                     signal: str | None = None) -> list[Signal]:
        found = []
        for e in self.calls(*_KILLS):
            if e.call == "os.kill":
                to = e.args.get("pid")
            elif e.call == "os.killpg":
                to = -e.args.get("pgid", 0)
            else:
                to = e.pid
            item = Signal(e.pid, to, e.args.get("signal"), e.call, e.error)
            if ((sender is None or item.sender == sender) and (target is None or to == target)
                    and (signal is None or item.signal == signal)):
                found.append(item)
        return found

    # data
    def _io(self, names, fd, pid, obj) -> Events:
        return self._new(e for e in self.calls(*names)
                         if (fd is None or e.args.get("fd") == fd)
                         and (pid is None or e.pid == pid) and (obj is None or e.obj == obj))

    def reads(self, fd: int | None = None, pid: int | None = None,
              obj: str | None = None) -> Events:
        return self._io(_READS, fd, pid, obj)

    def writes(self, fd: int | None = None, pid: int | None = None,
               obj: str | None = None) -> Events:
        return self._io(_WRITES, fd, pid, obj)

    def fds_passed(self) -> Events:
        return self._new(e for e in self.calls("socket.sendmsg", "socket.recvmsg") if e.fds)

    @property
    def output_pipe(self) -> str | None:
        """The obj ("pipe:[...]") of the main process's stdout: the runner's output pipe."""
        start = self.first("start")
        stdio = start.args.get("stdio") if start else None
        return stdio[1] if stdio and len(stdio) > 1 else None

    # reports
    def text(self) -> str:
        return "\n".join(str(e) for e in self)

    def __repr__(self) -> str:  # what an assertion message shows: one readable line per event
        lines = [str(e) for e in self[:60]]
        if len(self) > 60:
            lines.append(f"... {len(self) - 60} more")
        return "Events([\n  " + "\n  ".join(lines) + "\n])" if self else "Events([])"


def load(path: str | os.PathLike) -> Events:
    """The events in ``path`` (one JSON object per line); a torn or missing line is skipped."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return Events()
    return from_lines(raw.decode("utf-8", "replace").splitlines())


def from_lines(lines) -> Events:
    events = Events()
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:
            continue  # cut short by a process killed while writing (or a torn last line)
        if isinstance(item, dict) and "call" in item and "pid" in item:
            events.append(Event(item))
    return events


def wrap(items) -> Events:
    """Events from what a Run carries (a list of plain dicts, e.g. read back from the cache)."""
    return items if isinstance(items, Events) else Events(items)
