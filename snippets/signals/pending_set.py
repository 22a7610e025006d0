"""The pending set, printed as a row of 31 bits like the original: block, send, watch, unblock."""

import os
import signal

WATCHED = [signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1]


def row() -> str:
    pending = signal.sigpending()
    return "".join("1" if n in pending else "0" for n in range(1, 32))


print(f"{'':28}{'1234567890' * 3}1")
signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)
print(f"{'blocked, nothing sent:':28}{row()}")
for sig in WATCHED:
    os.kill(os.getpid(), sig)
    print(f"{'after ' + sig.name + ':':28}{row()}")
os.kill(os.getpid(), signal.SIGUSR1)
print(f"{'SIGUSR1 again:':28}{row()}")

for sig in WATCHED:  # ignore them, then unblock: pending signals that are ignored are dropped
    signal.signal(sig, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_UNBLOCK, WATCHED)
print(f"{'ignored and unblocked:':28}{row()}")
