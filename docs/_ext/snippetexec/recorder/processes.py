"""Processes: fork, forkpty, exec (from the audit hook), posix_spawn, the spawnv family,
system, subprocess (its fork_exec or its posix_spawn), _exit, abort, the waits, setpgid, setsid,
pidfd_open.

A forked child is recorded by ``core.after_fork_child`` ("forked", in the child); the parent's
``os.fork`` event carries the child's pid. A wait's status is decoded (``names.status``).
"""

import os
import sys

from . import core
from .core import emit, past_limit, state
from .descriptors import kinds
from .names import errname, sig, status, text, wait_options

_getframe, _readlink = sys._getframe, os.readlink
SPAWN_MODES = {getattr(os, m): m for m in ("P_NOWAITO", "P_NOWAIT", "P_WAIT") if hasattr(os, m)}
CLD = ("CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_STOPPED", "CLD_CONTINUED", "CLD_TRAPPED")
_cld: dict[int, str] = {}


def exec_event(args):
    """The ``os.exec`` audit event: the program about to replace this process."""
    argv = [os.fsdecode(a) if isinstance(a, (str, bytes)) else repr(a) for a in args[1]]
    emit("os.exec", {"path": os.fsdecode(args[0]), "argv": argv})


def w_fork(f, call):
    """os.fork, os.forkpty: the event in the parent, with the child's pid."""
    def fork():
        try:
            r = f()
        except BaseException as e:
            emit(call, {}, error=errname(e))
            raise
        pid = r[0] if type(r) is tuple else r
        if pid:
            emit(call, {}, pid)
        return r
    return fork


def w_spawn(f, call):
    def spawn(path, argv, *a, **k):
        # subprocess starts a program with posix_spawn where it can (_USE_POSIX_SPAWN: an
        # executable with a path and no option that needs a fork, which is 3.13's usual case)
        # and with _posixsubprocess.fork_exec otherwise: both are "subprocess.Popen".
        caller = _getframe(1).f_code
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


def w_spawnv(f, call):
    # os.spawnv and the others fork (os.fork, at os.py) and exec in the child (os.exec); this
    # adds one event in the parent: the mode, the program, and the pid (P_NOWAIT) or the exit
    # code (P_WAIT). The os.spawnl forms call these.
    def spawnv(mode, file, args, *a):
        what = {"mode": SPAWN_MODES.get(mode, mode), "path": text(file),
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


def w_wait(f, call, names):
    """os.waitpid, wait, wait3, wait4: args named ``names`` (options decoded), status decoded."""
    def described(a, k):
        args = dict(zip(names, a, strict=False), **k)
        if "options" in args:
            args["options"] = wait_options(args["options"])
        return args

    def wait(*a, **k):
        if past_limit(call):
            return f(*a, **k)
        try:
            r = f(*a, **k)
        except BaseException as e:
            emit(call, described(a, k), error=errname(e))
            raise
        emit(call, described(a, k), status(r[0], r[1]))
        return r
    return wait


def waitid_result(r):
    """os.waitid's result as a decoded status."""
    if r is None:
        return {"pid": 0}
    if not _cld:
        _cld.update({getattr(os, name): name for name in CLD if hasattr(os, name)})
    code = _cld.get(r.si_code)
    if code == "CLD_EXITED":
        return {"pid": r.si_pid, "exited": r.si_status}
    if code in ("CLD_KILLED", "CLD_DUMPED"):
        return {"pid": r.si_pid, "signal": sig(r.si_status), "core": code == "CLD_DUMPED"}
    if code == "CLD_CONTINUED":
        return {"pid": r.si_pid, "continued": True}
    return {"pid": r.si_pid, "stopped": sig(r.si_status)}


def w_waitid(f):
    def waitid(idtype, id, options, /):
        args = {"idtype": idtype, "id": id, "options": wait_options(options)}
        try:
            r = f(idtype, id, options)
        except BaseException as e:
            emit("os.waitid", args, error=errname(e))
            raise
        emit("os.waitid", args, waitid_result(r))
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


def w_pidfd_open(f):
    """os.pidfd_open: the pid, the descriptor, ``obj`` as /proc names it ("anon_inode:[pidfd]")."""
    def pidfd_open(pid, flags=0, /):
        try:
            fd = f(pid, flags)
        except BaseException as e:
            emit("os.pidfd_open", {"pid": pid}, error=errname(e))
            raise
        kinds.pop(fd, None)  # a new descriptor: what this number was is forgotten
        try:
            obj = _readlink(f"/proc/self/fd/{fd}")
        except OSError:
            obj = None
        emit("os.pidfd_open", {"pid": pid}, fd, obj=obj)
        return fd
    return pidfd_open


def install():
    """Wrap the process calls of os."""
    patch = core.patch
    patch(os, "fork", lambda f: w_fork(f, "os.fork"))
    patch(os, "forkpty", lambda f: w_fork(f, "os.forkpty"))
    patch(os, "posix_spawn", lambda f: w_spawn(f, "os.posix_spawn"))
    patch(os, "posix_spawnp", lambda f: w_spawn(f, "os.posix_spawnp"))
    for name in ("spawnv", "spawnve", "spawnvp", "spawnvpe"):
        patch(os, name, lambda f, call="os." + name: w_spawnv(f, call))
    patch(os, "system", w_system)
    patch(os, "_exit", w_exit)
    patch(os, "abort", w_abort)
    patch(os, "waitpid", lambda f: w_wait(f, "os.waitpid", ("pid", "options")))
    patch(os, "wait", lambda f: w_wait(f, "os.wait", ()))
    patch(os, "wait3", lambda f: w_wait(f, "os.wait3", ("options",)))
    patch(os, "wait4", lambda f: w_wait(f, "os.wait4", ("pid", "options")))
    patch(os, "waitid", w_waitid)
    patch(os, "setpgid", w_setpgid)
    patch(os, "setsid", w_setsid)
    patch(os, "pidfd_open", w_pidfd_open)


# --- _posixsubprocess, patched when it is first imported --------------------------------------

def patch_posixsubprocess(m):
    """Wrap ``m.fork_exec``: the "subprocess.Popen" event, with the child's pid."""
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

    core.patch(m, "fork_exec", w_fork_exec)
