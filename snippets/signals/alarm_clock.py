"""alarm(): one timer per process; it returns the seconds left on the previous one."""

import os
import signal

print(f"alarm(5) returns {signal.alarm(5)} (no alarm was set)")
print(f"alarm(2) returns {signal.alarm(2)} (the 5 s alarm is replaced)")
remaining, interval = signal.getitimer(signal.ITIMER_REAL)
print(f"getitimer(ITIMER_REAL) sees it too: about {round(remaining)} s left (the same timer)")
print(f"alarm(0) returns {signal.alarm(0)} and cancels it")
print(f"now the timer is off: {signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)}")

# The default action of SIGALRM is Term: a child that sets an alarm and waits is killed by it.
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(w)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # its default action, however we were started
    signal.setitimer(signal.ITIMER_REAL, 0.05)  # alarm() counts whole seconds; this is finer
    os.read(r, 1)  # would wait forever: nobody writes
    os._exit(0)
os.close(r)
_, status = os.waitpid(pid, 0)
os.close(w)
print(f"child waiting with an alarm set: killed by {signal.Signals(os.WTERMSIG(status)).name}")
