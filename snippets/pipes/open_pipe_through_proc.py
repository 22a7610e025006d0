"""A process that did not inherit a pipe can open it by path, through /proc/PID/fd/N."""

import os
import stat
import subprocess
import sys

# The helper, a separate program, gets no descriptor of the pipe, only a path.
HELPER = """
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)  # a new descriptor on the same pipe
os.write(fd, b"written by a process that never had the pipe")
os.close(fd)
"""

r, w = os.pipe()
path = f"/proc/{os.getpid()}/fd/{w}"
is_fifo = stat.S_ISFIFO(os.stat(path).st_mode)
print(f"/proc/PID/fd/N of the write end is a FIFO: {is_fifo}")
# close_fds (the default): the helper does not inherit w
helper = subprocess.run([sys.executable, "-c", HELPER, path])
print(f"helper exited with status {helper.returncode}")
os.close(w)
print(f"parent read: {os.read(r, 100)!r}")
os.close(r)
