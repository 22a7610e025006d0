"""Signals: os.kill, killpg, signal.raise_signal, pthread_kill, pidfd_send_signal (sent);
signal.signal (handlers);
pthread_sigmask, sigpending, sigwait, sigwaitinfo, sigtimedwait (masks and waits); pause,
alarm, setitimer, set_wakeup_fd, siginterrupt.

A signal is named as ``signal.Signals`` names it (``"SIGUSR1"``). ``signal.signal`` keeps
``core.state["sigpipe_dfl"]`` true while SIGPIPE is at SIG_DFL: a write may then be killed
inside the call, so it is announced by a ``calling`` event first (descriptors, sockets).
"""

import _signal
from os import readlink as _readlink

from . import core
from .core import emit, past_limit, state
from .names import errname, handler_name, sig, sigset

HOWS = {getattr(_signal, n): n for n in ("SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK")}
TIMERS = ("ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF")


def w_kill(f, call, key):
    """os.kill (``key`` "pid"), os.killpg ("pgid")."""
    def kill(target, signalnum, /):
        if past_limit(call):
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


def w_pidfd_send_signal(f):
    """signal.pidfd_send_signal: the pidfd (``obj`` as /proc names it) and the signal."""
    def pidfd_send_signal(pidfd, signalnum, *a, **k):
        args = {"fd": pidfd, "signal": sig(signalnum)}
        try:
            obj = _readlink(f"/proc/self/fd/{pidfd}")
        except (OSError, TypeError, ValueError):
            obj = None
        try:
            f(pidfd, signalnum, *a, **k)
        except OSError as e:
            emit("signal.pidfd_send_signal", args, error=errname(e), obj=obj)
            raise
        except BaseException:  # a handler of a signal sent to ourselves raised: it was sent
            emit("signal.pidfd_send_signal", args, obj=obj)
            raise
        emit("signal.pidfd_send_signal", args, obj=obj)
    return pidfd_send_signal


def w_signal(f):
    def signal_(signalnum, handler, /):
        args = {"signal": sig(signalnum), "handler": handler_name(handler)}
        try:
            old = f(signalnum, handler)
        except BaseException as e:
            emit("signal.signal", args, error=errname(e))
            raise
        emit("signal.signal", args, handler_name(old))
        if signalnum == _signal.SIGPIPE:
            state["sigpipe_dfl"] = handler == _signal.SIG_DFL
        return old
    return signal_


def w_sigmask(f):
    def pthread_sigmask(how, mask, /):
        args = {"how": HOWS.get(how, how), "signals": sigset(mask)}
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
        if past_limit("signal.sigpending"):
            return f()
        r = f()
        emit("signal.sigpending", {}, sigset(r))
        return r
    return sigpending


def w_sigwait(f):
    def sigwait(sigset_, /):
        if past_limit("signal.sigwait"):
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
    """A struct_siginfo as {"signal", "pid", "uid", "code"} (None: the wait timed out)."""
    if r is None:
        return None
    return {"signal": sig(r.si_signo), "pid": r.si_pid, "uid": r.si_uid, "code": r.si_code}


def w_siginfo(f, call, names):
    """signal.sigwaitinfo, sigtimedwait: the signals waited for, what arrived (``info``)."""
    def sigwaitinfo(sigset_, *a):
        args = {"signals": sigset(sigset_), **dict(zip(names, a, strict=False))}
        try:
            r = f(sigset_, *a)
        except BaseException as e:
            emit(call, args, error=errname(e))
            raise
        emit(call, args, info(r))
        return r
    return sigwaitinfo


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
    for name in TIMERS:
        if w == getattr(_signal, name, None):
            args["which"] = name
    return args


def install():
    """Wrap os.kill and os.killpg (the calls of signal: ``patch_signal``, on its import)."""
    import os

    core.patch(os, "kill", lambda f: w_kill(f, "os.kill", "pid"))
    core.patch(os, "killpg", lambda f: w_kill(f, "os.killpg", "pgid"))


def patch_signal(signal):
    """Wrap the calls of the signal module, once it is imported (imports.py): importing it at
    start-up would cost every process about 4 ms (enum, functools, collections)."""
    patch = core.patch
    patch(signal, "raise_signal", w_raise_signal)
    patch(signal, "pthread_kill", w_pthread_kill)
    patch(signal, "pidfd_send_signal", w_pidfd_send_signal)
    patch(signal, "signal", w_signal)
    patch(signal, "pthread_sigmask", w_sigmask)
    patch(signal, "sigpending", w_sigpending)
    patch(signal, "sigwait", w_sigwait)
    patch(signal, "sigwaitinfo", lambda f: w_siginfo(f, "signal.sigwaitinfo", ()))
    patch(signal, "sigtimedwait", lambda f: w_siginfo(f, "signal.sigtimedwait", ("timeout",)))
    patch(signal, "pause", w_pause)
    patch(signal, "alarm", lambda f: w_simple(f, "signal.alarm", ("seconds",)))
    patch(signal, "setitimer", lambda f: w_simple(
        f, "signal.setitimer", ("which", "seconds", "interval"), with_which))
    patch(signal, "set_wakeup_fd", lambda f: w_simple(f, "signal.set_wakeup_fd", ("fd",)))
    patch(signal, "siginterrupt", lambda f: w_simple(
        f, "signal.siginterrupt", ("signalnum", "flag"), with_signal))
