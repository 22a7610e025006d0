"""setitimer: a periodic real-time timer, and CPU timers that stand still while a
process sleeps or is stopped."""
# snippet: observe = first 50
# snippet: calls = python

import os
import select
import signal
import time

# ITIMER_REAL every 50 ms; SIGALRM stays blocked and is taken with sigwait (no handler
# needed).
signal.pthread_sigmask(signal.SIG_BLOCK,
                       {signal.SIGALRM, signal.SIGVTALRM, signal.SIGPROF})
signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
start = time.monotonic()
ticks = 0
while ticks < 5:
    signal.sigwait({signal.SIGALRM})
    ticks += 1
elapsed = time.monotonic() - start
signal.setitimer(signal.ITIMER_REAL, 0)
print(f"ITIMER_REAL, every 0.05 s: {ticks} ticks, taking at least 0.25 s: "
      f"{elapsed >= 0.24}")

# ITIMER_VIRTUAL counts user CPU time only, ITIMER_PROF user + system CPU time.
for which, sig in ((signal.ITIMER_VIRTUAL, signal.SIGVTALRM),
                   (signal.ITIMER_PROF, signal.SIGPROF)):
    signal.setitimer(which, 0.2)
    select.select([], [], [], 0.3)  # 0.3 s of waiting, no CPU used
    left_after_wait = signal.getitimer(which)[0]
    while sig not in signal.sigpending():  # now burn CPU until it expires
        pass
    signal.sigwait({sig})
    name = "ITIMER_VIRTUAL" if which == signal.ITIMER_VIRTUAL else "ITIMER_PROF"
    print(f"{name}: after 0.3 s of waiting, still more than 0.1 s left: "
          f"{left_after_wait > 0.1}; "
          f"expired after CPU work: {sig.name}")
signal.pthread_sigmask(signal.SIG_SETMASK, set())

# A stopped process: its ITIMER_REAL runs on, its ITIMER_VIRTUAL stands still.
def proc_status(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as f:
        pairs = (line.split(":", 1) for line in f.read().splitlines())
        return {k: v.strip() for k, v in pairs}


r, w = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        os.close(r)
        handled = []
        signal.signal(signal.SIGALRM, lambda signum, frame: handled.append(signum))
        signal.setitimer(signal.ITIMER_VIRTUAL, 5)
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        before = signal.getitimer(signal.ITIMER_VIRTUAL)[0]
        os.kill(os.getpid(), signal.SIGSTOP)  # stops here until SIGCONT
        moved = before - signal.getitimer(signal.ITIMER_VIRTUAL)[0]
        os.write(w, f"{[signal.Signals(n).name for n in handled]};{moved:.3f}".encode())
    finally:
        os._exit(0)
os.close(w)
try:
    _, status = os.waitpid(pid, os.WUNTRACED)
    if not os.WIFSTOPPED(status):
        raise RuntimeError("the child did not stop")
    deadline = time.monotonic() + 10
    # Until the timer expires
    while not (pending := int(proc_status(pid)["ShdPnd"], 16)):
        if time.monotonic() > deadline:
            raise RuntimeError("the stopped child's ITIMER_REAL never expired")
        time.sleep(0.01)
    names = [signal.Signals(n).name for n in range(1, 32) if pending >> (n - 1) & 1]
    print(f"a child stopped with ITIMER_REAL 0.5 s, ITIMER_VIRTUAL 5 s: "
          f"{proc_status(pid)['State']}, pending {names}")
    os.kill(pid, signal.SIGCONT)
    handled, moved = os.read(r, 200).decode().split(";")
    print(f"  after SIGCONT, the child's handler ran for: {handled}; "
          f"its ITIMER_VIRTUAL moved less than 0.05 s: {float(moved) < 0.05}")
except BaseException:
    os.kill(pid, signal.SIGKILL)  # do not leave it stopped
    raise
finally:
    _, status = os.waitpid(pid, 0)
    os.close(r)
if os.waitstatus_to_exitcode(status) != 0:
    raise RuntimeError(f"the child ended with {status}")
