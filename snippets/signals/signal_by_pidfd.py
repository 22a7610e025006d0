"""kill(pid) names a number the kernel reuses; a pidfd names the process itself."""

import os
import select
import signal
import subprocess
import sys

if not hasattr(os, "pidfd_open"):
    print("This example needs os.pidfd_open: Linux 5.3 or later, Python 3.9 or later")
    sys.exit(0)

# The idiom: take a pidfd while the process surely exists (you started it and have not
# reaped it), then signal and watch the process through it, never through its number.
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
pidfd = os.pidfd_open(child.pid)
signal.pidfd_send_signal(pidfd, signal.SIGTERM)
readable, _, _ = select.select([pidfd], [], [], 30)  # readable once the process ended
print(f"pidfd readable once the child ended: {readable == [pidfd]}")
child.wait()  # reaped: from now on the number is free for the next new process
print(f"child: exit status {child.returncode}")

try:
    signal.pidfd_send_signal(pidfd, signal.SIGTERM)
except ProcessLookupError:
    print("pidfd_send_signal after the reap: ProcessLookupError, never another process")
os.close(pidfd)

with open("/proc/sys/kernel/pid_max") as f:
    print(f"pids are handed out in turn up to pid_max, then again from the bottom; "
          f"pid_max: {f.read().strip()}")
