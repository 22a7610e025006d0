"""SIGCHLD without busy waiting: sleep in sigwait, then reap every child that ended."""

import os
import signal
import sys

# Not inherited as ignored: that reaps for us
signal.signal(signal.SIGCHLD, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
go_r, go_w = os.pipe()
children = set()
for code in (1, 2, 3):
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            os.read(go_r, 1)  # all three exit at about the same moment
        finally:
            os._exit(code)
    children.add(pid)
os.close(go_r)
os.write(go_w, b"xxx")

statuses, wakeups = [], 0
while children:
    signal.sigwait({signal.SIGCHLD})  # several exits may come as one SIGCHLD...
    wakeups += 1
    while children:  # ...so reap everything that has ended, without blocking
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            break
        children.discard(pid)
        statuses.append(os.waitstatus_to_exitcode(status))
print(f"reaped exit statuses {sorted(statuses)}; SIGCHLD wake-ups between 1 and 3: "
      f"{1 <= wakeups <= 3}")

# A child that has exited but was not waited for is a zombie.
pid = os.fork()
if pid == 0:
    os._exit(0)
# Wait until it has exited, reap nothing
os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
with open(f"/proc/{pid}/stat") as f:
    print(f"exited, not yet waited for: state {f.read().rsplit(')', 1)[1].split()[0]} "
          "(zombie)")
os.waitpid(pid, 0)
print(f"after waitpid: /proc entry exists: {os.path.exists(f'/proc/{pid}')}")

# SIGCHLD also reports a child that stops or continues (si_code says which).
CODES = {getattr(os, name): name for name in (
    "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_STOPPED", "CLD_CONTINUED")}
wait_r, wait_w = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        os.read(wait_r, 1)  # never written: it waits until killed
    finally:
        os._exit(0)
# Drop the SIGCHLD of the earlier children
while signal.sigtimedwait({signal.SIGCHLD}, 0):
    pass
codes = []
for sig in (signal.SIGSTOP, signal.SIGCONT, signal.SIGKILL):
    os.kill(pid, sig)
    info = signal.sigwaitinfo({signal.SIGCHLD})
    codes.append(f"{sig.name} -> {CODES[info.si_code]}")
os.waitpid(pid, 0)
os.close(wait_r)
os.close(wait_w)
print(f"SIGCHLD for one child: {', '.join(codes)}")

# With SIGCHLD set to SIG_IGN the kernel reaps children itself: nothing is left to wait
# for.
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os._exit(0)
try:
    # Returns only when the child is gone, then fails: nothing to report
    os.waitpid(pid, 0)
except ChildProcessError as exc:
    print(f"with SIGCHLD ignored: waitpid raised ChildProcessError ({exc.strerror})")
signal.signal(signal.SIGCHLD, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_SETMASK, set())
