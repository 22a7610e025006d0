"""A reader that keeps its own copy of the write end never sees EOF."""

import os
import select

r, w = os.pipe()
pid = os.fork()
if pid == 0:  # child: the writer; writes once and exits
    os.close(r)
    os.write(w, b"only message")
    os._exit(0)

os.waitpid(pid, 0)  # the writer has exited...
# ...but the parent forgot to close its own write end w.
print(f"reader: {os.read(r, 100)!r}")
readable, _, _ = select.select([r], [], [], 1.0)
print(f"reader: EOF within 1 s with w still open: {bool(readable)}")

os.close(w)  # the last write end goes away
readable, _, _ = select.select([r], [], [], 1.0)
print(f"reader: EOF after closing w: {bool(readable) and os.read(r, 100) == b''}")
os.close(r)
