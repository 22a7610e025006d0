"""raise() signals the calling thread only; kill(getpid()), the process (any thread)."""

import os
import signal
import threading

ran_in = []
signal.signal(signal.SIGUSR1,
              lambda signum, frame: ran_in.append(threading.current_thread().name))
report = {}


def pending_bit(path: str, field: str, sig: signal.Signals) -> bool:
    """Bit sig of a pending mask: SigPnd (the thread's) or ShdPnd (the process's)."""
    with open(path) as f:
        value = next(int(line.split()[1], 16) for line in f
                     if line.startswith(field + ":"))
    return bool(value >> (sig - 1) & 1)


def worker():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})  # this thread blocks it
    signal.raise_signal(signal.SIGUSR1)  # raise(3): to this thread, which blocks it
    report["raise: pending for the worker thread"] = pending_bit(
        "/proc/thread-self/status", "SigPnd", signal.SIGUSR1)
    report["raise: pending for the process"] = pending_bit(
        "/proc/thread-self/status", "ShdPnd", signal.SIGUSR1)
    report["raise: handler ran"] = bool(ran_in)
    signal.sigtimedwait({signal.SIGUSR1}, 0)  # take it back
    # To the process: the main thread does not block it
    os.kill(os.getpid(), signal.SIGUSR1)


thread = threading.Thread(target=worker, name="worker")
thread.start()
thread.join()
for what, value in report.items():
    print(f"{what}: {value}")
print(f"kill(getpid()) from the worker: handler ran in {ran_in}")
