"""What a child keeps across fork and exec: mask, ignored signals, handlers, timers."""

import os
import signal
import subprocess
import sys


def names(hex_mask: str) -> list[str]:
    value = int(hex_mask, 16)
    return [signal.Signals(s).name for s in sorted(signal.valid_signals())
            if value >> (s - 1) & 1]


def kernel_view(status_text: str) -> str:
    """Blocked, ignored and caught signals, from a /proc/PID/status text."""
    fields = dict(line.split(":\t", 1) for line in status_text.splitlines()
                  if ":\t" in line)
    return (f"blocked {names(fields['SigBlk'])}, ignored {names(fields['SigIgn'])}, "
            f"caught {names(fields['SigCgt'])}")


def handler(signum, frame):
    pass


# Start from the defaults, whatever started this run may have ignored (nohup ignores
# SIGHUP);
# keep what CPython itself ignores at start-up: SIGPIPE and SIGXFSZ.
for sig in signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP, signal.SIGPIPE,
                                     signal.SIGXFSZ}:
    if signal.getsignal(sig) == signal.SIG_IGN:
        signal.signal(sig, signal.SIG_DFL)

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
signal.signal(signal.SIGUSR2, signal.SIG_IGN)
signal.signal(signal.SIGTERM, handler)
signal.setitimer(signal.ITIMER_REAL, 30)  # SIGALRM in 30 s, cancelled at the end
print("parent: blocks SIGUSR1, ignores SIGUSR2, catches SIGTERM, ITIMER_REAL set to 30 "
      "s")


def child_output(after_fork) -> str:
    """Fork; the child runs after_fork() with stdout on a pipe; return what it wrote."""
    r, w = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 1)
        try:
            after_fork()
        finally:
            os._exit(1)  # only reached if exec failed
    os.close(w)
    text = b""
    while chunk := os.read(r, 65536):
        text += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return text.decode()


def python_view():
    mask = sorted(s.name for s in signal.pthread_sigmask(signal.SIG_BLOCK, set()))
    usr2 = signal.getsignal(signal.SIGUSR2).name
    term = "our handler" if signal.getsignal(signal.SIGTERM) is handler else "not ours"
    timer = signal.getitimer(signal.ITIMER_REAL)
    said = f"blocked {mask}, SIGUSR2 {usr2}, SIGTERM {term}, timer {timer}"
    os.write(1, said.encode())
    os._exit(0)


TIMER_CHECK = ("import signal; "
               "print(signal.getitimer(signal.ITIMER_REAL)[0] > 0, end='')")
print(f"after fork, the child (Python's view): {child_output(python_view)}")
print("after fork + exec of cat (the kernel's view): "
      + kernel_view(child_output(
          lambda: os.execvp("cat", ["cat", "/proc/self/status"]))))


def set_timer_then_exec():
    # The child's own timer (fork gave it none)
    signal.setitimer(signal.ITIMER_REAL, 30)
    os.execv(sys.executable, [sys.executable, "-c", TIMER_CHECK])


print("a child that sets ITIMER_REAL, then execs python: still running after exec: "
      + child_output(set_timer_then_exec))
done = subprocess.run(["cat", "/proc/self/status"], capture_output=True, text=True,
                      check=True)
print(f"subprocess.run(cat), restore_signals=True: {kernel_view(done.stdout)}")

signal.setitimer(signal.ITIMER_REAL, 0)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
