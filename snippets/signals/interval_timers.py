"""setitimer: a periodic real-time timer, and CPU timers that stand still while a process sleeps."""
# snippet: observe = first 50

import select
import signal
import time

# ITIMER_REAL every 50 ms; SIGALRM stays blocked and is taken with sigwait (no handler needed).
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGVTALRM, signal.SIGPROF})
signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
start = time.monotonic()
ticks = 0
while ticks < 5:
    signal.sigwait({signal.SIGALRM})
    ticks += 1
elapsed = time.monotonic() - start
signal.setitimer(signal.ITIMER_REAL, 0)
print(f"ITIMER_REAL, every 0.05 s: {ticks} ticks, taking at least 0.25 s: {elapsed >= 0.24}")

# ITIMER_VIRTUAL counts user CPU time only, ITIMER_PROF user + system CPU time.
for which, sig in ((signal.ITIMER_VIRTUAL, signal.SIGVTALRM), (signal.ITIMER_PROF, signal.SIGPROF)):
    signal.setitimer(which, 0.2)
    select.select([], [], [], 0.3)  # 0.3 s of waiting, no CPU used
    left_after_wait = signal.getitimer(which)[0]
    while sig not in signal.sigpending():  # now burn CPU until it expires
        pass
    signal.sigwait({sig})
    name = "ITIMER_VIRTUAL" if which == signal.ITIMER_VIRTUAL else "ITIMER_PROF"
    print(f"{name}: after 0.3 s of waiting, still more than 0.1 s left: {left_after_wait > 0.1}; "
          f"expired after CPU work: {sig.name}")
signal.pthread_sigmask(signal.SIG_SETMASK, set())
