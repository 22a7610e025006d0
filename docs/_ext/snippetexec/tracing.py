"""Running a snippet under strace, and reading strace's logs back: what the "Calls made" panels
are built from (calls.py). Used by the runner for a traced run; imports neither of them.

Plain Python, no Sphinx import.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

try:
    from . import hostfiles
except ImportError:  # runner.py run as a script
    import hostfiles

# Python call -> the system calls it is made of (only these are shown beside it).
SYSCALLS = {
    "os.pipe": {"pipe2", "pipe"}, "os.pipe2": {"pipe2"},
    "os.fork": {"clone", "clone3", "fork", "vfork"}, "os.forkpty": {"clone", "clone3", "fork"},
    "subprocess.Popen": {"clone", "clone3", "vfork"}, "os.posix_spawn": {"clone", "clone3",
                                                                          "vfork"},
    "os.posix_spawnp": {"clone", "clone3", "vfork"}, "os.exec": {"execve"},
    "os.system": {"clone", "clone3", "vfork", "wait4"},
    "os.waitpid": {"wait4", "waitid"}, "os.wait": {"wait4"}, "os.wait3": {"wait4"},
    "os.wait4": {"wait4"}, "os.waitid": {"waitid"},
    "os.read": {"read"}, "os.write": {"write"}, "os.close": {"close"},
    "os.dup": {"dup", "fcntl"}, "os.dup2": {"dup2", "dup3"}, "os.set_blocking": {"fcntl"},
    "fcntl.fcntl": {"fcntl"}, "os.mkfifo": {"mknodat", "mknod"}, "os.open": {"openat", "open"},
    "os.kill": {"kill"}, "os.killpg": {"kill"}, "signal.raise_signal": {"tgkill", "kill"},
    "signal.pthread_kill": {"tgkill"}, "signal.signal": {"rt_sigaction"},
    "signal.siginterrupt": {"rt_sigaction"}, "signal.pthread_sigmask": {"rt_sigprocmask"},
    "signal.sigpending": {"rt_sigpending"}, "signal.sigwait": {"rt_sigtimedwait"},
    "signal.sigwaitinfo": {"rt_sigtimedwait"}, "signal.sigtimedwait": {"rt_sigtimedwait"},
    "signal.pause": {"pause", "rt_sigsuspend"}, "signal.alarm": {"alarm", "setitimer"},
    "signal.setitimer": {"setitimer"}, "os.setsid": {"setsid"}, "os.setpgid": {"setpgid"},
    "socket.socket": {"socket"}, "socket.socketpair": {"socketpair"}, "socket.bind": {"bind"},
    "socket.connect": {"connect"}, "socket.connect_ex": {"connect"}, "socket.listen": {"listen"},
    "socket.accept": {"accept4", "accept"}, "socket.shutdown": {"shutdown"},
    "socket.close": {"close"}, "socket.send": {"sendto", "send", "write"},
    "socket.sendall": {"sendto", "send", "write"}, "socket.sendto": {"sendto"},
    "socket.sendmsg": {"sendmsg"}, "socket.recv": {"recvfrom", "recv", "read"},
    "socket.recv_into": {"recvfrom", "recv", "read"}, "socket.recvfrom": {"recvfrom"},
    "socket.recvfrom_into": {"recvfrom"}, "socket.recvmsg": {"recvmsg"},
    "socket.getsockopt": {"getsockopt"}, "mmap.mmap": {"mmap"},
    "os._exit": {"exit_group"}, "os.abort": {"tgkill", "rt_sigprocmask"},
    "os.pidfd_open": {"pidfd_open"}, "signal.pidfd_send_signal": {"pidfd_send_signal"},
}
TRACED = sorted(set().union(*SYSCALLS.values()))


def strace() -> str | None:
    return shutil.which("strace")


@functools.cache
def _seccomp_option() -> list[str]:
    """``--seccomp-bpf`` where strace has it (5.3+): only the traced calls stop the process, so
    the sandbox's own set-up and its init's scans of /proc cost almost nothing under strace."""
    try:
        probe = subprocess.run([strace() or "strace", "-f", "--seccomp-bpf", "-qq",
                                "-e", "trace=exit_group", "-o", os.devnull, "true"],
                               capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return ["--seccomp-bpf"] if probe.returncode == 0 else []


# Standard modules that make recorded calls of their own (subprocess's fork and exec,
# multiprocessing's pipes...): a snippet that imports one is traced for every call. A few make
# only these (TemporaryDirectory's clean-up opens and closes folders).
_MAKE_CALLS = re.compile(r"^\s*(?:import|from)\s+(?:subprocess|multiprocessing|asyncio|concurrent|"
                         r"socketserver|selectors|pty)\b|\bos\.popen\b", re.M)
_SOCKETS = {name for call, names in SYSCALLS.items() if call.startswith("socket.")
            for name in names}
_MAKE_SOME = {"tempfile": {"openat", "open"}, "shutil": {"openat", "open"},
              "socket": _SOCKETS}  # send_fds is a sendmsg, a with block a close...


def wanted(sources: list[str]) -> list[str]:
    """The system calls to trace for a snippet made of ``sources``: those of the Python calls its
    code names (``os.read`` when a word of it starts with ``read``, ``os.exec`` with ``exec``),
    and ``write`` for the markers. A traced call stops the process, and the interpreter's
    start-up alone makes some 200 of them (openat, read and mmap for its imports, rt_sigaction
    for every signal): they are not traced unless the snippet makes those calls itself. A snippet
    that imports a module making calls of its own is traced for them too."""
    text = "\n".join(sources)
    if _MAKE_CALLS.search(text):
        return TRACED
    found = {"write", "exit_group", "close"}  # a with block closes what it opened
    for module, extra in _MAKE_SOME.items():
        if re.search(r"^\s*(?:import|from)\s+" + module + r"\b", text, re.M):
            found |= extra
    for call, names in SYSCALLS.items():
        if re.search(r"\b" + re.escape(call.rpartition(".")[2].lstrip("_")), text):
            found |= names
    return sorted(found)


def command(prefix: Path, calls: list[str] | None = None) -> list[str]:
    """The strace command line that goes before ``python3 snippet.py``: one log per process;
    ``calls``, the system calls to trace (``wanted``; all of TRACED, ``write`` included, by
    default)."""
    return [strace() or "strace", "-f", "-ff", "-qq", *_seccomp_option(), "-s", "48",
            "-o", str(prefix), "-e", "trace=" + ",".join(calls or TRACED),
            "-e", "signal=none"]


LOG_LIMIT = 16 << 20  # bytes of one process's strace log read at most


# --- strace's logs ------------------------------------------------------------------------------

_LINE = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\)\s+=\s+(?P<result>.*)$")
_MARKER = re.compile(r'^write\(\d+, "\{\\"pid\\":(?P<pid>\d+),')


def parse_logs(prefix: Path) -> dict[int, list[tuple[str, str]]]:
    """inner pid -> [(kind, text)]: 'mark' lines (an event written) and 'call' lines, in order.

    The pid a process has in strace's view may differ from its own view (a PID namespace): the
    markers carry the process's own pid.
    """
    logs, threads = {}, set()
    for file in sorted(prefix.parent.glob(prefix.name + ".*")):
        entries, inner = [], None
        try:  # strace writes them, but in the fallback the snippet can reach the folder
            data, _more = hostfiles.read_regular(file, LOG_LIMIT)
        except OSError:
            continue
        for line in data.decode("utf-8", "replace").splitlines():
            if m := _MARKER.match(line):
                inner = inner or int(m.group("pid"))
                entries.append(("mark", line))
            elif _LINE.match(line):
                entries.append(("call", line))
        if inner in logs:
            threads.add(inner)  # several threads of one process: their order is unknown
        elif inner is not None:
            logs[inner] = entries
    return {pid: entries for pid, entries in logs.items() if pid not in threads}
