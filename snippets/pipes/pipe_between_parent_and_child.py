"""A parent and its child talk through a pipe made before fork()."""

import os
import sys

r, w = os.pipe()  # r: the read end, w: the write end
print(f"pipe: read end is fd {r}, write end is fd {w}")

sys.stdout.flush()  # or the child would inherit what is still buffered, and print it
pid = os.fork()
if pid == 0:  # child: the reader
    try:
        os.close(w)  # the child never writes: close its copy of the write end
        data = os.read(r, 100)  # waits until the parent has written
        print(f"child: read {data!r}", flush=True)
    finally:
        os._exit(0)  # never return into the parent's code

# parent: the writer
os.close(r)  # the parent never reads
os.write(w, b"hello through the kernel")
os.close(w)  # the child would see EOF after the data
_, status = os.waitpid(pid, 0)
print(f"parent: child exited with status {os.waitstatus_to_exitcode(status)}")
