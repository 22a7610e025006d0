"""Popen's pass_fds, restore_signals, start_new_session, process_group, seen inside."""

import os
import signal
import subprocess
import sys


def sigpipe_ignored(restore):
    """Run cat on /proc/self/status: is SIGPIPE in a non-Python child's SigIgn mask?"""
    status = subprocess.run(["cat", "/proc/self/status"], capture_output=True,
                            text=True, check=True, restore_signals=restore).stdout
    mask = int(next(line.split()[1] for line in status.splitlines()
                    if line.startswith("SigIgn:")), 16)
    return bool(mask & (1 << (signal.SIGPIPE - 1)))


# pass_fds: only the listed descriptors (and 0, 1, 2) survive into the child.
r, w = os.pipe()
other_r, other_w = os.pipe()
os.write(w, b"through an inherited pipe")
CHILD = """
import os, sys
passed, other = int(sys.argv[1]), int(sys.argv[2])
print(f"child: the passed descriptor reads {os.read(passed, 100)!r}")
try:
    os.fstat(other)
except OSError as e:
    print(f"child: the other one, not passed: {e.strerror}")
"""
subprocess.run([sys.executable, "-c", CHILD, str(r), str(other_r)], pass_fds=[r],
               check=True)
for fd in (r, w, other_r, other_w):
    os.close(fd)

# restore_signals: Python ignores SIGPIPE; Popen puts it back to default in the child.
print(f"parent (Python): SIGPIPE is {signal.getsignal(signal.SIGPIPE)!r}")
print(f"child, restore_signals=True (default): SIGPIPE ignored: "
      f"{sigpipe_ignored(True)}")
print(f"child, restore_signals=False: SIGPIPE ignored: {sigpipe_ignored(False)}")

# start_new_session and process_group: where the child stands for job control, killpg().
IDS = "import os; print(os.getpid(), os.getpgrp(), os.getsid(0))"
for options in ({}, {"process_group": 0}, {"start_new_session": True}):
    ids = subprocess.run([sys.executable, "-c", IDS], capture_output=True, text=True,
                         check=True, **options).stdout
    pid, pgid, sid = map(int, ids.split())
    print(f"{str(options) + ':':29} leads its own group: {pgid == pid}, "
          f"own session: {sid == pid}, same session as parent: {sid == os.getsid(0)}")
