"""Blocking delays a signal until it is unblocked; ignoring throws it away."""

import os
import signal

delivered = []
signal.signal(signal.SIGUSR1, lambda signum, frame: delivered.append("SIGUSR1"))

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
os.kill(os.getpid(), signal.SIGUSR1)
print(f"blocked:   pending {sorted(s.name for s in signal.sigpending())}, delivered {delivered}")
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
print(f"unblocked: pending {sorted(s.name for s in signal.sigpending())}, delivered {delivered}")

delivered.clear()
handler = signal.signal(signal.SIGUSR1, signal.SIG_IGN)
os.kill(os.getpid(), signal.SIGUSR1)
print(f"ignored:   pending {sorted(s.name for s in signal.sigpending())}, delivered {delivered}")
signal.signal(signal.SIGUSR1, handler)  # catching it again brings nothing back
print(f"caught again afterwards: delivered {delivered}")
