"""An empty pipe with a write end still open makes read() wait: no data, and no EOF."""

import os
import select
import sys

r, w = os.pipe()
ready_to_write, go = os.pipe()  # the parent uses this to tell the child when to write

sys.stdout.flush()
pid = os.fork()
if pid == 0:  # child: holds the write end, writes only when told
    try:
        os.close(r)
        os.close(go)
        os.read(ready_to_write, 1)
        os.write(w, b"late data")
    finally:
        os._exit(0)

os.close(w)
os.close(ready_to_write)
# Would read() return now? select() answers without blocking (timeout 0.5 s).
readable, _, _ = select.select([r], [], [], 0.5)
print(f"reader: readable while the writer is silent: {bool(readable)}")

os.write(go, b"!")  # now let the child write
readable, _, _ = select.select([r], [], [], 10)
print(f"reader: readable after the writer wrote: {bool(readable)}")
print(f"reader: read {os.read(r, 100)!r}")
os.waitpid(pid, 0)
print(f"reader: read after the writer exited: {os.read(r, 100)!r}")
for fd in (r, go):
    os.close(fd)
