"""The five default actions, each done to a child: Term, Core, Ign, Stop, Cont."""

import ctypes
import os
import resource
import signal
import tempfile

PR_SET_DUMPABLE = 4


def core_files_allowed() -> bool:
    """True if a core file would land in the dying process's directory (reads only)."""
    with open("/proc/sys/kernel/core_pattern") as f:
        pattern = f.read().strip()
    print(f"core_pattern here: {pattern!r}")
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    big_enough = hard == resource.RLIM_INFINITY or hard >= 1 << 20
    plain = bool(pattern) and not pattern.startswith("|") and "/" not in pattern
    allowed = plain and big_enough
    print(f"core files written into the child's own directory: {allowed}")
    return allowed


def start_child(folder: str) -> tuple[int, int, int]:
    """A child with default dispositions that answers "alive" to each byte it reads."""
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(to_child_w)  # or the child would never see EOF on its own pipe
            os.close(from_child_r)
            os.chdir(folder)
            if CORE_ALLOWED:  # let it dump core, into our temporary directory
                hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
                resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
            else:  # no dump at all, not even to a program core_pattern names
                ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
            # May have been inherited
            for sig in (signal.SIGTERM, signal.SIGQUIT, signal.SIGURG):
                # As ignored: reset them
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, set())
            os.write(from_child_w, b"ready")
            while os.read(to_child_r, 1):
                os.write(from_child_w, b"alive")
        finally:
            os._exit(0)
    os.close(to_child_r)
    os.close(from_child_w)
    os.read(from_child_r, 5)  # signals are sent only once the child is set up
    return pid, to_child_w, from_child_r


def describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return f"killed by {name}, core dumped: {os.WCOREDUMP(status)}"
    if os.WIFSTOPPED(status):
        return f"stopped by {signal.Signals(os.WSTOPSIG(status)).name}"
    if os.WIFCONTINUED(status):
        return "continued"
    return f"exited with status {os.WEXITSTATUS(status)}"


CORE_ALLOWED = core_files_allowed()
with tempfile.TemporaryDirectory() as folder:
    for sig, action in ((signal.SIGTERM, "Term"), (signal.SIGQUIT, "Core")):
        pid, w, r = start_child(folder)
        os.kill(pid, sig)
        print(f"{action} ({sig.name}): child {describe(os.waitpid(pid, 0)[1])}; "
              f"files in its directory: {sorted(os.listdir(folder))}")
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.close(w)
        os.close(r)

    pid, w, r = start_child(folder)
    os.kill(pid, signal.SIGURG)  # Ign: discarded
    os.write(w, b"?")
    print(f"Ign (SIGURG): child answers {os.read(r, 10).decode()!r}")

    os.kill(pid, signal.SIGSTOP)
    print(f"Stop (SIGSTOP): child {describe(os.waitpid(pid, os.WUNTRACED)[1])}")
    os.kill(pid, signal.SIGCONT)
    continued = describe(os.waitpid(pid, os.WCONTINUED)[1])
    os.write(w, b"?")
    print(f"Cont (SIGCONT): child {continued}, and answers {os.read(r, 10).decode()!r}")
    os.close(w)  # the child's read() returns b"": it exits
    print(f"finally: child {describe(os.waitpid(pid, 0)[1])}")
    os.close(r)
