"""One blocking waitpid against a loop of waitpid(-1, WNOHANG) calls."""

import os
import time

WORK = 0.2  # seconds each child spends before it exits (its "work")


def child() -> int:
    pid = os.fork()
    if pid == 0:
        try:
            time.sleep(WORK)
        finally:
            os._exit(7)
    return pid


# Blocking: one call, asleep in the kernel until the child has exited.
pid = child()
cpu, wall = time.process_time(), time.monotonic()
done, status = os.waitpid(-1, 0)
idle_cpu, idle_wall = time.process_time() - cpu, time.monotonic() - wall
print(f"blocking waitpid: child exit status {os.waitstatus_to_exitcode(status)}, 1 "
      "call")
print(f"blocking waitpid: time spent waiting: {idle_wall:.3f} s")
print(f"blocking waitpid: CPU time used meanwhile: {idle_cpu:.4f} s")

# Busy: ask again at once whenever the answer is "nothing has ended yet".
pid = child()
cpu, wall = time.process_time(), time.monotonic()
polls = 0
while True:
    polls += 1
    done, status = os.waitpid(-1, os.WNOHANG)
    if done == pid:
        break
busy_cpu, busy_wall = time.process_time() - cpu, time.monotonic() - wall
print(f"WNOHANG loop: child exit status {os.waitstatus_to_exitcode(status)}")
print(f"WNOHANG loop: calls to waitpid: {polls}")
print(f"WNOHANG loop: time spent waiting: {busy_wall:.3f} s")
print(f"WNOHANG loop: CPU time used meanwhile: {busy_cpu:.4f} s")
print(f"WNOHANG loop: more than 1000 calls: {polls > 1000}")
