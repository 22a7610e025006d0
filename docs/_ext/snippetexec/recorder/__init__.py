"""The recording side of the observation layer: in every Python process of a run, what it did.

Imported by the start-up hook the runner puts in a run's ``sitecustomize.py`` (``observe.py``
copies this package, byte-compiled, into the run's site folder as ``_snippet_recorder``), which
calls ``install()`` when ``SNIPPET_EVENTS`` names the events file; nothing at all happens
without it, so a snippet run by hand is unaffected. It survives ``fork``; a program started by
``exec`` is recorded as an exec event, and if it is Python it records too.

Modules, by what they record:

    core         per-process state, the events descriptor, ``emit``, wrapping and unwrapping
    writer       the JSON of an event line (by hand: importing json costs ~2 ms)
    names        errno, signal, flag and wait-status names
    processes    fork, exec, spawn, subprocess, system, waits, _exit, setsid, pidfd_open...
    descriptors  pipes, FIFOs, read, write, close, dup, fcntl (on IPC descriptors only)
    signals      os.kill, killpg; pidfd_send_signal, handlers, masks, sigwait... (on import)
    sockets      socket.socket's methods, socketpair (on ``import socket``)
    mappings     mmap.mmap (on ``import mmap``)
    imports      the finder that patches those modules when they are first imported

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
os.pidfd_open                          pid                                   fd       + obj
                                                                             (anon_inode:[pidfd])
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
signal.pidfd_send_signal               fd, signal                            null     + obj
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

What is recorded per process is set by the snippet's header, ``# snippet: observe = first N``
(the default: first 1000 events of each repeated call), ``all`` or ``off`` (observe.py), passed
as ``SNIPPET_OBSERVE``; past N a call's wrapper takes itself off (``core.saturate``) until the
next fork, whose child gets its own first N.

Costs (measured on the shared 2-core build machine, CPython 3.11, medians of interleaved runs):
start-up about +1.7 to +2.0 ms per Python process over the runner's own sitecustomize, the
package imported from its .pyc files (signals, sockets and mappings patched only when signal,
socket and mmap are imported: importing signal alone costs a process about 4 ms; the
marshalled code object this package replaced cost +2.5 ms in one measurement where this cost
+1.9 ms, 300 interleaved ``python -c pass``); each recorded event about 4 µs (10 µs on a
heavily loaded machine); a read/write on a descriptor that is not IPC about +0.1 µs; a call
past its limit 0 µs (its wrapper is off), or about 0.2 µs through a reference taken before the
limit was reached (``from os import read``, a bound method ``sock.recv`` kept in a variable,
subprocess's ``_waitpid=os.waitpid``). So timing-sensitive snippets take a small limit
(``choosing/measure_costs.py``: ``first 20``, within noise of no observation; the default
``first 1000`` doubles its latencies) or ``off``, which none needs now
(``signals/count_one_second.py`` writes a million numbers to /dev/null, which is not IPC: each
write costs the wrapper's 0.1 µs, the same in both of the CPU times it compares).

How: wrappers installed on os, signal, socket, mmap, fcntl and _posixsubprocess (signal,
socket, mmap, fcntl and _posixsubprocess when they are first imported, so the start-up does not
import them)
plus one audit hook (``os.exec``, and ``open`` to forget descriptor classifications). A wrapper
calls the original C function (same signature, same exceptions, PEP 475 retries unchanged),
then writes one line with a single ``os.write`` on an ``O_APPEND`` descriptor kept at a high fd
number (so it never shifts the fds a snippet prints, and lines from many processes never
interleave). Uncaught-exception tracebacks are printed without the wrappers' frames (those of
this package's files: ``core.OUR_FILES``), and ``at`` names the first frame outside them.

Not recorded: what a program does after exec'ing into something other than Python (its exec and
its end, seen by its parent's wait, are); Python started with -I, -S or -E (no sitecustomize);
I/O through file objects (``open(fifo).read()``, ``sys.stdout``, ``sock.makefile``); the running
of a Python signal handler (the calls it makes are recorded, with ``at`` in the handler); a call
during which the process is killed (except writes while SIGPIPE is at SIG_DFL and
``signal.pause``, announced by a ``calling`` event).
"""

import _signal
import os
import sys

from . import core, descriptors, imports, processes, signals
from .descriptors import kinds
from .processes import exec_event


def install():
    """Start recording in this process (once; not at all without SNIPPET_EVENTS or when the
    setting is ``off``)."""
    path = os.environ.get("SNIPPET_EVENTS")
    if not path or getattr(sys, "_snippet_observed", None) == os.getpid():
        return
    setting = os.environ.get("SNIPPET_OBSERVE", "first 1000")
    if (setting.lower().split() or ["all"])[0] == "off":
        return
    core.limit = core.parse_limit(setting)
    sys._snippet_observed = os.getpid()
    if not core.open_events(path):
        return
    core.state.update(pid=os.getpid(), ppid=os.getppid(),
                      sigpipe_dfl=_signal.getsignal(_signal.SIGPIPE) == _signal.SIG_DFL)
    core.emit("start", {"argv": list(sys.orig_argv), "stdio": descriptors.stdio()})
    os.register_at_fork(after_in_child=core.after_fork_child)
    sys.addaudithook(audit)
    processes.install()
    descriptors.install()
    signals.install()
    imports.install()
    sys.excepthook = core.excepthook_over(sys.excepthook)


def audit(event, args):
    """exec, and opens: a new file or socket may reuse a descriptor number already classified."""
    if event == "open":
        if kinds:
            kinds.clear()
    elif event == "os.exec":
        exec_event(args)
    elif event == "socket.__new__" and kinds:
        kinds.clear()
