"""A signal handled during a blocking read(): Python runs the handler, then reads on."""

import os
import signal

r, w = os.pipe()
handled = []


def on_alarm(signum, frame):
    handled.append(signal.Signals(signum).name)
    os.write(w, b"written by the handler")  # now the read has something to return


signal.signal(signal.SIGALRM, on_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.2)  # SIGALRM in 0.2 s, while read() waits
data = os.read(r, 100)  # nothing written yet: it waits; no InterruptedError (PEP 475)
print(f"the handler ran for: {handled}")
print(f"read() returned: {data!r}")
os.close(r)
os.close(w)
