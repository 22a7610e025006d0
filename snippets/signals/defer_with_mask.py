"""C's sa_mask in Python: signals blocked inside a handler wait until it ends."""

import os
import signal
import time

events = []
phase = {"SIGUSR1 handler": "not running"}


def on_usr2(signum, frame):
    if phase["SIGUSR1 handler"] == "working":
        events.append("  SIGUSR2 handler, in the middle of the SIGUSR1 handler")
    else:
        events.append("  SIGUSR2 handler, after the work, once the mask is restored")


def on_usr1(signum, frame, mask: bool):
    if mask:  # what sa_mask = {SIGUSR2} does in C
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})
    phase["SIGUSR1 handler"] = "working"
    events.append("  SIGUSR1 handler starts, sends SIGUSR2")
    # SIGUSR2 arrives while this handler is running
    os.kill(os.getpid(), signal.SIGUSR2)
    events.append("  SIGUSR1 handler does 0.2 s of work")
    time.sleep(0.2)  # stands for the handler's real work
    phase["SIGUSR1 handler"] = "work done"
    if mask:
        # The deferred SIGUSR2 comes now
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    events.append("  SIGUSR1 handler ends")


signal.signal(signal.SIGUSR2, on_usr2)
for mask in (False, True):
    events.clear()
    signal.signal(signal.SIGUSR1,
                  lambda signum, frame, mask=mask: on_usr1(signum, frame, mask))
    os.kill(os.getpid(), signal.SIGUSR1)
    events.append("  back in the main program")
    print("with SIGUSR2 blocked in the handler:" if mask else "without a mask:")
    print("\n".join(events))
