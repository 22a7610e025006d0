"""Descriptors and pipes: os.pipe, pipe2, mkfifo, open (of a FIFO), read, write, close, dup,
dup2, set_blocking, and fcntl.fcntl, each recorded only on an IPC descriptor.

What a descriptor is, ``"pipe:[ino]"``, ``"socket:[ino]"``, ``"fifo:<path>"`` or None, is found
with one ``fstat`` and kept in ``kinds`` until it is closed or something else is opened (the
audit hook and the wrappers forget it then), so a read on a file costs about +0.1 µs.
"""

import os

from . import core
from .core import counts, emit, state
from .names import errname, open_flags

kinds: dict[int, str | None] = {}
_fstat, _readlink, _stat = os.fstat, os.readlink, os.stat
S_FIFO, S_SOCK, S_FMT = 0o010000, 0o140000, 0o170000
unseen = object()


def classify(fd):
    """What ``fd`` is (and remember it); None for a file, a terminal... or a bad fd."""
    try:
        mode = _fstat(fd).st_mode & S_FMT
        if mode == S_SOCK:
            kind = _readlink(f"/proc/self/fd/{fd}")
        elif mode == S_FIFO:
            kind = _readlink(f"/proc/self/fd/{fd}")
            if not kind.startswith("pipe:"):
                kind = "fifo:" + kind
        else:
            kind = None
    except (OSError, TypeError, ValueError, OverflowError):
        return None  # not cached: a bad fd now may be a good one later
    kinds[fd] = kind
    return kind


def obj_of(fd):
    """What ``fd`` is, from ``kinds`` or looked at now."""
    kind = kinds.get(fd, unseen)
    return classify(fd) if kind is unseen else kind


def stdio():
    """What descriptors 0, 1 and 2 are (the ``start`` event's ``stdio``)."""
    return [classify(n) for n in (0, 1, 2)]


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
                is_fifo = _stat(path, dir_fd=dir_fd).st_mode & S_FMT == S_FIFO
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
        if kind is None or (core.limit is not None and counts.get("os.read", 0) > core.limit):
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
        if kind is None or (core.limit is not None
                            and counts.get("os.write", 0) > core.limit):
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
        # A descriptor this process never classified (inherited, or made by C code) is looked
        # at before it goes.
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


def install():
    """Wrap the descriptor calls of os."""
    for name, make in (("pipe", w_pipe), ("pipe2", w_pipe2), ("mkfifo", w_mkfifo),
                       ("open", w_open), ("read", w_read), ("write", w_write),
                       ("close", w_close), ("closerange", w_closerange), ("dup", w_dup),
                       ("dup2", w_dup2), ("set_blocking", w_set_blocking)):
        core.patch(os, name, make)


# --- fcntl, patched when it is first imported ---------------------------------------------------

def patch_fcntl(m):
    """Wrap ``m.fcntl`` (the fcntl module): recorded on IPC descriptors, with F_ names."""
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

    core.patch(m, "fcntl", w_fcntl)
