"""The self-pipe trick: a signal writes a byte into the process's own pipe."""

import os
import select
import signal

r, w = os.pipe()
os.set_blocking(w, False)  # set_wakeup_fd() requires a non-blocking descriptor
# a handler, so that SIGUSR1 does not kill:
signal.signal(signal.SIGUSR1, lambda signum, frame: None)
signal.set_wakeup_fd(w)  # from now on each signal writes its number into w

readable, _, _ = select.select([r], [], [], 0)
print(f"before the signal, the read end is readable: {bool(readable)}")
os.kill(os.getpid(), signal.SIGUSR1)
readable, _, _ = select.select([r], [], [], 10)  # an event loop would sleep here
print(f"after the signal, the read end is readable: {bool(readable)}")
print(f"the byte in the pipe names {signal.Signals(os.read(r, 1)[0]).name}")

signal.set_wakeup_fd(-1)
os.close(r)
os.close(w)
