"""Sent five times while blocked: a standard signal arrives once, a real-time one five times."""

import os
import signal

STANDARD, REALTIME = signal.SIGUSR1, signal.SIGRTMIN
signal.pthread_sigmask(signal.SIG_BLOCK, {STANDARD, REALTIME})
for _ in range(5):
    os.kill(os.getpid(), STANDARD)
    os.kill(os.getpid(), REALTIME)

counts = {STANDARD: 0, REALTIME: 0}
order = []
while (info := signal.sigtimedwait({STANDARD, REALTIME}, 0)) is not None:  # take what is there
    counts[info.si_signo] += 1
    order.append(signal.Signals(info.si_signo).name)
print(f"sent 5 x SIGUSR1, delivered {counts[STANDARD]}")
print(f"sent 5 x SIGRTMIN, delivered {counts[REALTIME]}")
print(f"delivery order: {order}")

# A Python handler cannot show the difference: CPython records "it happened", not how often.
calls = []
signal.signal(REALTIME, lambda signum, frame: calls.append(signum))
for _ in range(5):
    os.kill(os.getpid(), REALTIME)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {STANDARD, REALTIME})
print(f"5 x SIGRTMIN to a Python handler: {len(calls)} call(s)")
