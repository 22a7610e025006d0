"""A parent and its child talk through a pipe made before fork()."""
# snippet: runs = one

import os

r, w = os.pipe()  # r: the read end, w: the write end
# flush=True: nothing may stay in the buffer, or the child would copy it and print it
# again
print(f"pipe: read end is fd {r}, write end is fd {w}", flush=True)

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
