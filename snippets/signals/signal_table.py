"""This machine's signal table; each default action found by signalling a child."""

import ctypes
import os
import resource
import signal
import tempfile

PR_SET_DUMPABLE = 4
libc = ctypes.CDLL(None, use_errno=True)


def core_files_allowed() -> bool:
    """Would a child's core file land in its own directory? (Reads the settings.)"""
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    big_enough = hard == resource.RLIM_INFINITY or hard >= 1 << 20
    plain = bool(PATTERN) and not PATTERN.startswith("|") and "/" not in PATTERN
    return plain and big_enough


with open("/proc/sys/kernel/core_pattern") as f:
    PATTERN = f.read().strip()
CORE_ALLOWED = core_files_allowed()


def wait_for(fd: int) -> None:
    if not os.read(fd, 1):
        raise RuntimeError("child ended before it was ready")


def child(sig: signal.Signals, folder: str) -> tuple[int, int]:
    """A child in its own process group, sig at its default action; waits for a byte."""
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            # Not an orphaned group: terminal stop signals are not discarded
            os.setpgid(0, 0)
            os.chdir(folder)  # where a core file would go
            if CORE_ALLOWED:
                hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
                resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
                with open("/proc/self/coredump_filter", "w") as f:
                    f.write("0")  # dump headers only: small core files
            else:
                # No dump at all, not even to a pipe
                libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
            if sig not in (signal.SIGKILL, signal.SIGSTOP):
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, set())
            os.write(ready_w, b"!")
            # a signal that is ignored lets the child get here and exit
            os.read(go_r, 1)
        finally:
            os._exit(0)
    os.close(ready_w)
    os.close(go_r)
    wait_for(ready_r)
    os.close(ready_r)
    return pid, go_w


def default_action(sig: signal.Signals, folder: str) -> str:
    # 1. Send it to a running child, then ask the child to go on.
    pid, go_w = child(sig, folder)
    os.kill(pid, sig)
    try:
        # Pending signals are acted on before the child can read this
        os.write(go_w, b"!")
    except BrokenPipeError:
        pass  # it is already dead
    _, status = os.waitpid(pid, os.WUNTRACED)
    os.close(go_w)
    if os.WIFSTOPPED(status):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return "Stop"
    if os.WIFSIGNALED(status):
        cores = os.listdir(folder)
        for name in cores:
            os.remove(os.path.join(folder, name))
        if os.WCOREDUMP(status) and cores:
            return "Core"
        return "Term" if CORE_ALLOWED else "Term|Core"
    # 2. It carried on. Does it resume a stopped child?
    pid, go_w = child(sig, folder)
    os.kill(pid, signal.SIGSTOP)
    os.waitpid(pid, os.WUNTRACED)
    os.kill(pid, sig)
    # SIGCONT acts at once
    resumed = os.waitpid(pid, os.WCONTINUED | os.WNOHANG)[0] == pid
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(go_w)
    return "Cont" if resumed else "Ign"


valid = sorted(signal.valid_signals())
standard = [s for s in valid if s < signal.SIGRTMIN]
with tempfile.TemporaryDirectory() as folder:
    print(f"{'no.':>3}  {'name':10} {'action':9} description")
    for sig in standard:
        print(f"{sig:3}  {sig.name:10} {default_action(sig, folder):9} "
              f"{signal.strsignal(sig)}")
    realtime = [s for s in valid if s >= signal.SIGRTMIN]
    ends = {default_action(signal.SIGRTMIN, folder),
            default_action(signal.SIGRTMAX, folder)}
print(f"real-time: SIGRTMIN = {int(signal.SIGRTMIN)} to SIGRTMAX = "
      f"{int(signal.SIGRTMAX)}, "
      f"{len(realtime)} signals; SIGRTMIN and SIGRTMAX: {' '.join(sorted(ends))}")
missing = sorted(set(range(1, int(signal.SIGRTMAX) + 1)) - set(valid))
print(f"numbers not usable here: {missing}; {len(valid)} valid signals in all")
print(f"core_pattern: {PATTERN!r}")
print(f"core files written into the child's own directory: {CORE_ALLOWED}")
