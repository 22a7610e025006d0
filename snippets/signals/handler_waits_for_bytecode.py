"""The C-level handler only takes note; the Python one runs after a long C call."""

import signal
import time

events = {}
signal.signal(signal.SIGALRM,
              lambda signum, frame: events.setdefault("handler", time.monotonic()))

# SIGALRM in 0.1 s, in the middle of the call below
signal.setitimer(signal.ITIMER_REAL, 0.1)
start = time.monotonic()
# One long call into C: no Python bytecode runs inside it
total = sum(range(30_000_000))
events["call returned"] = time.monotonic()

print(f"the C call took more than 0.1 s: {events['call returned'] - start > 0.1}")
late = events["handler"] - (start + 0.1)
print(f"the handler ran {late:.2f} s after the signal came, when the call returned: "
      f"{events['call returned'] - events['handler'] < 0.05}")
