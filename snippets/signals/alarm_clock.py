"""alarm(): one timer per process; it returns the seconds left on the previous one,
rounded; exit ends it."""

import os
import select
import signal

print(f"alarm(5) returns {signal.alarm(5)} (no alarm was set)")
print(f"alarm(2) returns {signal.alarm(2)} (the 5 s alarm is replaced)")
remaining, interval = signal.getitimer(signal.ITIMER_REAL)
print(f"getitimer(ITIMER_REAL) sees it too: about {round(remaining)} s left (the same "
      "timer)")
print(f"alarm(0) returns {signal.alarm(0)} and cancels it")
print(f"now the timer is off: {signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)}")
try:
    signal.alarm(0.4)
except TypeError as exc:
    print(f"alarm(0.4): TypeError ({exc})")
signal.setitimer(signal.ITIMER_REAL, 0.4)  # setitimer takes fractions of a second
print(f"alarm(0) after setitimer(ITIMER_REAL, 0.4) returns {signal.alarm(0)} (rounded "
      "up, not 0)")

# The default action of SIGALRM is Term: a child that sets an alarm and waits is killed
# by it.
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        os.close(w)
        # Its default action, however we were started
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        # alarm() counts whole seconds; this is finer
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        os.read(r, 1)  # would wait forever: nobody writes
    finally:
        os._exit(0)
os.close(r)
_, status = os.waitpid(pid, 0)
os.close(w)
print("child waiting with an alarm set: killed by "
      f"{signal.Signals(os.WTERMSIG(status)).name}")

# Exit releases the timers: a zombie whose alarm was due long ago is still a plain
# "exited 0".
pid = os.fork()
if pid == 0:
    try:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, 0.5)
    finally:
        os._exit(0)
os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # wait for the zombie, leave it there
select.select([], [], [], 1.0)  # twice as long as the timer had left
with open(f"/proc/{pid}/status") as f:
    fields = dict(line.split(":", 1) for line in f.read().splitlines())
pending = int(fields["ShdPnd"], 16) | int(fields["SigPnd"], 16)
print("a child that set a 0.5 s timer and exited, 1 s later: "
      f"{fields['State'].strip()}, "
      f"SIGALRM pending: {bool(pending & 1 << signal.SIGALRM - 1)}")
_, status = os.waitpid(pid, 0)
print(f"the zombie reaped: exit status {os.waitstatus_to_exitcode(status)}")
