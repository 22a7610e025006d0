"""Blocking delays a signal; ignoring it (or SIG_DFL, if that ignores) discards it."""

import os
import signal

delivered = []


def pending() -> list[str]:
    return sorted(s.name for s in signal.sigpending())


signal.signal(signal.SIGUSR1, lambda signum, frame: delivered.append("SIGUSR1"))

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
os.kill(os.getpid(), signal.SIGUSR1)
print(f"blocked:   pending {pending()}, delivered {delivered}")
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
print(f"unblocked: pending {pending()}, delivered {delivered}")

delivered.clear()
handler = signal.signal(signal.SIGUSR1, signal.SIG_IGN)
os.kill(os.getpid(), signal.SIGUSR1)
print(f"ignored:   pending {pending()}, delivered {delivered}")
signal.signal(signal.SIGUSR1, handler)  # catching it again brings nothing back
print(f"caught again afterwards: delivered {delivered}")

# SIG_DFL discards a pending signal too, when the default action is to ignore it.
signal.signal(signal.SIGWINCH, lambda signum, frame: None)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGWINCH})
os.kill(os.getpid(), signal.SIGWINCH)
print(f"SIGWINCH blocked and caught: pending {pending()}")
signal.signal(signal.SIGWINCH, signal.SIG_DFL)  # its default action: ignore
print(f"after SIG_DFL, still blocked: pending {pending()}")
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGWINCH})
