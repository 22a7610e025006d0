"""SIGKILL and SIGSTOP cannot be caught, ignored or blocked."""

import errno
import signal

for sig in (signal.SIGKILL, signal.SIGSTOP):
    for disposition in (lambda signum, frame: None, signal.SIG_IGN):
        kind = "ignore" if disposition is signal.SIG_IGN else "catch"
        try:
            signal.signal(sig, disposition)
        except OSError as exc:
            print(f"{kind} {sig.name}: OSError {errno.errorcode[exc.errno]}")

asked = {signal.SIGKILL, signal.SIGSTOP, signal.SIGUSR1}
signal.pthread_sigmask(signal.SIG_BLOCK, asked)
now = signal.pthread_sigmask(signal.SIG_BLOCK, set())  # read the mask back
print(f"asked to block {sorted(s.name for s in asked)}")
print(f"actually blocked: {sorted(s.name for s in now)}")
signal.pthread_sigmask(signal.SIG_SETMASK, set())
