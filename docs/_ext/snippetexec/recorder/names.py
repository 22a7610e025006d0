"""Names for numbers, as events show them: errnos, signals, handlers, flags, wait statuses."""

import _signal
import errno
import os

_errnames = errno.errorcode
_signames: dict[int, str] = {}


def errname(e):
    """``"EAGAIN"`` for an OSError with an errno, else the exception's class name."""
    code = getattr(e, "errno", None)
    if isinstance(e, OSError) and code:
        return _errnames.get(code) or str(code)
    return type(e).__name__


def errno_name(code):
    """``"ECONNREFUSED"`` for an errno (connect_ex's result), else the number."""
    return _errnames.get(code, code)


def sig(n):
    """``"SIGUSR1"`` for a signal number (its text if it has no name)."""
    if not _signames:
        # As signal.Signals names them (without importing signal): of a number's names, the
        # first in alphabetical order (SIGABRT, not SIGIOT; SIGCHLD, not SIGCLD).
        for name, number in sorted(vars(_signal).items()):
            if name.startswith("SIG") and not name.startswith("SIG_") and type(number) is int:
                _signames.setdefault(number, name)
    try:
        return _signames.get(int(n), str(n))
    except (TypeError, ValueError):
        return repr(n)


def sigset(s):
    """A set of signal numbers as a sorted list of names."""
    return sorted(sig(n) for n in s)


def handler_name(h):
    """``"SIG_IGN"``, ``"SIG_DFL"``, ``None`` or a handler function's qualified name."""
    if h is None or isinstance(h, int):
        return getattr(h, "name", h)  # Handlers.SIG_DFL -> "SIG_DFL"
    return getattr(h, "__qualname__", None) or repr(h)


def flags_of(value, names):
    """The names among ``names`` (constants of os) whose bits are set in ``value``."""
    return [name for name in names if getattr(os, name, 0) and value & getattr(os, name)]


def open_flags(f):
    """``"O_RDONLY|O_NONBLOCK"`` for open flags."""
    mode = {os.O_RDONLY: "O_RDONLY", os.O_WRONLY: "O_WRONLY", os.O_RDWR: "O_RDWR"}.get(
        f & os.O_ACCMODE, str(f & os.O_ACCMODE))
    return "|".join([mode] + flags_of(f, ("O_NONBLOCK", "O_CREAT", "O_EXCL", "O_TRUNC",
                                          "O_APPEND", "O_CLOEXEC", "O_SYNC", "O_DIRECT")))


def wait_options(o):
    """``"WNOHANG|WUNTRACED"`` for wait options (the number if none is known)."""
    return "|".join(flags_of(o, ("WNOHANG", "WUNTRACED", "WCONTINUED", "WNOWAIT", "WEXITED",
                                 "WSTOPPED"))) or str(o)


def status(pid, s):
    """A wait status decoded: {"pid", "exited"}, {"pid", "signal", "core"}, {"pid", "stopped"},
    {"pid", "continued"}, or {"pid": 0} (WNOHANG, nothing to report)."""
    if pid == 0:
        return {"pid": 0}
    if s & 0x7F == 0:
        return {"pid": pid, "exited": (s >> 8) & 0xFF}
    if s & 0xFF == 0x7F:
        return {"pid": pid, "stopped": sig((s >> 8) & 0xFF)}
    if s == 0xFFFF:
        return {"pid": pid, "continued": True}
    return {"pid": pid, "signal": sig(s & 0x7F), "core": bool(s & 0x80)}


def text(a):
    """A path or argument as text (its ``repr`` if it is neither str nor bytes)."""
    try:
        return os.fsdecode(a)
    except TypeError:
        return repr(a)
