"""Measure a pipe's capacity by filling it, then change it with F_SETPIPE_SZ and measure again."""

import fcntl
import os


def fill(w: int) -> int:
    """Write 4096-byte chunks until the pipe is full; return how many bytes went in."""
    total = 0
    while True:
        try:
            total += os.write(w, b"\0" * 4096)
        except BlockingIOError:
            return total


r, w = os.pipe()
os.set_blocking(w, False)
print(f"default: F_GETPIPE_SZ says {fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)}, filling took {fill(w)}")
os.close(r)
os.close(w)

r, w = os.pipe()
os.set_blocking(w, False)
fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 100000)  # rounded up to a power-of-two number of pages
size = fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
print(f"F_SETPIPE_SZ asked for 100000, got: {size}")
print(f"resized: F_GETPIPE_SZ says {size}, filling took {fill(w)}")
os.close(r)
os.close(w)
