"""The recorder's core: the per-process state, the events descriptor and ``emit``.

One line per event, written with a single ``os.write`` on an ``O_APPEND`` descriptor kept at a
high fd number (so it never shifts the fds a snippet prints, and lines from many processes
never interleave). The state lives in this module's globals: ``state`` (this process's pid and
parent, whether SIGPIPE is at SIG_DFL), ``counts`` (events per call, for ``first N``) and
``limit`` (N, or None for ``all``); ``descriptors.kinds`` says what each descriptor is.
"""

import os
import sys

from . import writer

limit = None  # at most this many events of each call in ``LIMITED`` per process (None: all)
counts: dict[str, int] = {}
state = {"pid": 0, "ppid": 0, "sigpipe_dfl": True}
out = -1  # the events descriptor
LIMITED = frozenset({
    "os.read", "os.write", "os.close", "os.kill", "os.killpg", "os.waitpid", "os.wait3",
    "os.wait4", "os.waitid", "signal.raise_signal", "signal.pthread_kill", "signal.sigwait",
    "signal.sigwaitinfo", "signal.sigtimedwait", "signal.sigpending", "signal.pthread_sigmask",
    "socket.send", "socket.sendall", "socket.sendto", "socket.sendmsg", "socket.recv",
    "socket.recv_into", "socket.recvfrom", "socket.recvfrom_into", "socket.recvmsg",
    "signal.pause", "fcntl.fcntl", "calling"})
# Frames of these files are the recorder's own: ``at`` names the first frame that is not.
OURS = os.path.dirname(__file__) + os.sep
OUR_FILES = frozenset(OURS + name for name in os.listdir(OURS) if name.endswith(".py"))

_write = os.write
_getframe = sys._getframe
enc, quote = writer.enc, writer.quote


def past_limit(call):
    """True when ``call`` has already had its ``limit`` events in this process."""
    return limit is not None and counts.get(call, 0) > limit


def parse_limit(setting):
    """N of ``"first N"``; None for ``"all"`` (or anything else: record everything)."""
    words = setting.lower().split() or ["all"]
    if words[0] == "first" and len(words) > 1 and words[1].isdigit():
        return int(words[1])
    return None


def open_events(path):
    """Open the events file once, at a high number, close-on-exec (a Python child opens its own);
    False if it cannot be opened."""
    global out
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return False
    high = max(64, min(os.sysconf("SC_OPEN_MAX"), 4096) - 1)
    try:
        out = os.dup2(fd, high, inheritable=False)
        os.close(fd)
    except OSError:
        out = fd
    return True


def emit(call, args, result=None, error=None, **extra):
    """Write one event; past its limit a call's first extra event says so and it is unwrapped."""
    if limit is not None and call in LIMITED:
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
    frame = _getframe(1)  # where the call was made: the first frame that is not ours
    while frame is not None and frame.f_code.co_filename in OUR_FILES:
        frame = frame.f_back
    if frame is not None:
        line += ',"at":' + quote(frame.f_code.co_filename.rpartition("/")[2] + ":"
                                 + str(frame.f_lineno))
    try:
        _write(out, (line + "}\n").encode("utf-8", "backslashreplace"))
    except OSError:
        pass


# --- wrappers: installed by call name; past its limit a call's wrapper takes itself off (zero
# cost from then on) until the next fork, whose child gets its own first N.
installed: dict[str, tuple] = {}
unwrapped: list[str] = []


def wraps(original, wrapper):
    """``wrapper`` dressed as ``original`` (name, qualname, doc, module, __wrapped__)."""
    wrapper.__name__ = getattr(original, "__name__", wrapper.__name__)
    wrapper.__qualname__ = getattr(original, "__qualname__", wrapper.__name__)
    wrapper.__doc__ = getattr(original, "__doc__", None)
    wrapper.__module__ = getattr(original, "__module__", None)
    wrapper.__wrapped__ = original
    return wrapper


def patch(module, name, make):
    """Replace ``module.name`` (if it exists) with ``make(original)``."""
    original = getattr(module, name, None)
    if original is not None:
        put(module, name, make(original), original, f"{module.__name__}.{name}")


def put(owner, name, wrapper, original, call):
    """Set ``owner.name`` to ``wrapper`` and remember it as the wrapper of ``call``."""
    setattr(owner, name, wraps(original, wrapper))
    installed[call] = (owner, name, wrapper, original)


def saturate(call):
    """Put the original of ``call`` back: it has had its ``limit`` events."""
    if call in installed:
        owner, name, wrapper, original = installed[call]
        if getattr(owner, name, None) is wrapper:
            setattr(owner, name, original)
            unwrapped.append(call)


def after_fork_child():
    """A forked child: its own pid, its own counts, every wrapper back; a "forked" event."""
    state["pid"], state["ppid"] = os.getpid(), os.getppid()
    counts.clear()
    for call in unwrapped:
        owner, name, wrapper, _ = installed[call]
        setattr(owner, name, wrapper)
    unwrapped.clear()
    emit("forked", {"parent": state["ppid"]})


# --- tracebacks printed without the wrappers' frames (they are not the snippet's) -------------

def strip(tb):
    """The traceback ``tb`` without the recorder's frames."""
    kept = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename not in OUR_FILES:
            kept.append(tb)
        tb = tb.tb_next
    new = None
    for t in reversed(kept):
        new = type(t)(new, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return new


def excepthook_over(previous):
    """An excepthook that strips the recorder's frames, then calls ``previous``."""
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
        return previous(kind, value, tb)
    return excepthook
