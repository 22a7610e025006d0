"""A reader that keeps its own copy of the write end never sees EOF."""

import os
import select
import sys

r, w = os.pipe()
sys.stdout.flush()
pid = os.fork()
if pid == 0:  # child: the writer; writes once and exits
    try:
        os.close(r)
        os.write(w, b"only message")
    finally:
        os._exit(0)

# Waiting first is safe because 12 bytes fit in the pipe (with more, read first).
os.waitpid(pid, 0)  # the writer has exited...
# ...but the parent forgot to close its own write end w.
print(f"reader: {os.read(r, 100)!r}")
readable, _, _ = select.select([r], [], [], 1.0)
print(f"reader: EOF within 1 s with w still open: {bool(readable)}")

os.close(w)  # the last write end goes away
readable, _, _ = select.select([r], [], [], 1.0)
print(f"reader: EOF after closing w: {bool(readable) and os.read(r, 100) == b''}")
os.close(r)
