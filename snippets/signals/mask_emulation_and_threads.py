"""Blocking a signal inside a handler defers it only if every other thread blocks it."""
# snippet: observe = first 50
# snippet: timeout = 90

import os
import signal
import threading
import time

USR2 = signal.SIGUSR2
result = []
state = {"in masked section": False, "handled": False}


def blocked_in_every_thread(sig: signal.Signals) -> bool:
    """Read each thread's blocked mask (SigBlk) from /proc, as the kernel sees it."""
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/status") as f:
            mask = next(int(line.split()[1], 16) for line in f
                        if line.startswith("SigBlk:"))
        if not mask >> (sig - 1) & 1:
            return False
    return True


def on_usr2(signum, frame):
    state["handled"] = True
    inside = state["in masked section"]
    result.append("INSIDE the masked section" if inside else "after the masked section")


def on_usr1(signum, frame):
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {USR2})  # the sa_mask emulation
    state["in masked section"] = True
    # process-directed: any thread that does not block it may take it
    os.kill(os.getpid(), USR2)
    # The work lasts until SIGUSR2 is settled: handled, or pending with no thread able
    # to take it.
    deadline = time.monotonic() + 60  # a bound only: under load it may take long
    while not state["handled"] and time.monotonic() < deadline:
        if USR2 in signal.sigpending() and blocked_in_every_thread(USR2):
            break
    state["in masked section"] = False
    signal.pthread_sigmask(signal.SIG_SETMASK, old)


def run(label: str, worker_blocks: bool | None) -> None:
    """worker_blocks: None = no worker; else whether the idle worker blocks SIGUSR2."""
    result.clear()
    state["handled"] = False
    stop = threading.Event()
    worker = None
    if worker_blocks is not None:
        if worker_blocks:  # a new thread inherits the mask of the thread that starts it
            signal.pthread_sigmask(signal.SIG_BLOCK, {USR2})
        worker = threading.Thread(target=stop.wait)
        worker.start()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {USR2})
    signal.raise_signal(signal.SIGUSR1)
    stop.set()
    if worker:
        worker.join()
    print(f"{label:38} SIGUSR2 handler ran {result[0] if result else 'not at all'}")


signal.signal(signal.SIGUSR1, on_usr1)
signal.signal(USR2, on_usr2)
run("one thread:", None)
run("an idle thread that does not block it:", False)
run("an idle thread that blocks it too:", True)
