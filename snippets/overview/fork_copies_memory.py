"""After fork() a child changes only its own copy of a variable; pipe bytes arrive."""
# snippet: runs = one

import os
import sys

counter = 1
r, w = os.pipe()  # a pipe lives in the kernel, outside both processes' memory

sys.stdout.flush()
pid = os.fork()
if pid == 0:  # child: a copy of the parent, memory included
    try:
        os.close(r)
        counter = 100  # changes the child's own copy only
        # flush: os._exit() does not flush
        print(f"child: set counter to {counter}", flush=True)
        os.write(w, f"counter is {counter} in the child".encode())
        os.close(w)
    finally:
        os._exit(0)

os.close(w)  # keep only the read end, so that read() sees EOF when the child is done
message = b""
while chunk := os.read(r, 100):
    message += chunk
os.close(r)
_, status = os.waitpid(pid, 0)
print(f"parent: child exited with status {os.waitstatus_to_exitcode(status)}")
print(f"parent: counter is still {counter}")
print(f"parent: the pipe brought {message.decode()!r}")
