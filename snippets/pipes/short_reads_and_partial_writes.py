"""read() returns what is there, not what was asked; a write() may take only part."""

import fcntl
import os
import sys


def read_exactly(fd: int, n: int) -> tuple[bytes, int]:
    """Read n bytes (fewer only at EOF), however many read() calls it takes."""
    chunks, got, calls = [], 0, 0
    while got < n:
        chunk = os.read(fd, n - got)
        calls += 1
        if not chunk:  # EOF before n bytes
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks), calls


r, w = os.pipe()
capacity = fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
size = 4 * capacity  # one write() of four times what the pipe holds
print(f"the pipe holds: {capacity} bytes")

sys.stdout.flush()
pid = os.fork()
if pid == 0:  # the writer: one blocking write() call
    try:
        os.close(r)
        os.write(w, b"x" * size)  # returns once the reader has made room for all of it
    finally:
        os._exit(0)
os.close(w)
first = os.read(r, size)  # asks for everything at once
print(f"one write() of {size} bytes; the first read() of {size} got: {len(first)}")
rest, calls = read_exactly(r, size - len(first))
print(f"read_exactly() collected the other {len(rest)} bytes in read() calls: {calls}")
os.waitpid(pid, 0)
os.close(r)

r, w = os.pipe()
os.set_blocking(w, False)
sent = os.write(w, b"y" * (capacity + 100))  # more than fits: it takes what fits
print(f"non-blocking write() into an empty pipe, bytes asked: {capacity + 100}")
print(f"non-blocking write() into an empty pipe, bytes taken: {sent}")
os.close(r)
os.close(w)
