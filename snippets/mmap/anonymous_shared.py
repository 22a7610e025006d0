"""Memory a parent shares with its child, with no file: anonymous, or /dev/zero."""
# snippet: runs = one

import mmap
import os

anonymous = mmap.mmap(-1, 4096)  # MAP_SHARED | MAP_ANONYMOUS: the Python default for -1
with open("/dev/zero", "r+b") as zero:
    via_dev_zero = mmap.mmap(zero.fileno(), 4096)  # the older way, same result

pid = os.fork()
if pid == 0:
    try:
        anonymous[:13] = b"via anonymous"
        via_dev_zero[:13] = b"via /dev/zero"
    finally:
        os._exit(0)
os.waitpid(pid, 0)
print(f"parent reads {anonymous[:13]!r} and {via_dev_zero[:13]!r}")
anonymous.close()
via_dev_zero.close()
