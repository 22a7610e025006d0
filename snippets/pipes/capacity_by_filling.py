"""Measure a pipe's capacity by filling it, change it with F_SETPIPE_SZ, fill again."""
# snippet: observe = first 100

import errno
import fcntl
import os


def fill(w: int, size: int = 4096) -> int:
    """Write `size`-byte chunks until the pipe is full; return how many went in."""
    total = 0
    while True:
        try:
            total += os.write(w, b"\0" * size)
        except BlockingIOError:
            return total


def new_pipe() -> tuple[int, int]:
    r, w = os.pipe()
    os.set_blocking(w, False)  # "full" becomes BlockingIOError instead of a wait
    return r, w


r, w = new_pipe()
size = fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
print(f"default: F_GETPIPE_SZ says {size}, filling took {fill(w)}")
os.close(r)
os.close(w)

r, w = new_pipe()
# rounded up to a power-of-two number of pages:
fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 100000)
size = fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
print(f"F_SETPIPE_SZ asked for 100000, got: {size}")
print(f"resized: F_GETPIPE_SZ says {size}, filling took {fill(w)}")

with open("/proc/sys/fs/pipe-max-size") as f:
    limit = int(f.read())
try:
    fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 2 * limit)
    print("asking for twice pipe-max-size: granted (this process has CAP_SYS_RESOURCE)")
except PermissionError as exc:
    print(f"asking for twice pipe-max-size: {errno.errorcode[exc.errno]}")
os.close(r)
os.close(w)

r, w = new_pipe()
print(f"a default pipe filled with 100-byte writes took: {fill(w, 100)}")
os.close(r)
os.close(w)
