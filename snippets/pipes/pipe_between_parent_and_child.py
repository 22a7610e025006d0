"""A parent and its child talk through a pipe made before fork()."""

import os

r, w = os.pipe()  # r: the read end, w: the write end
print(f"pipe: read end is fd {r}, write end is fd {w}")

pid = os.fork()
if pid == 0:  # child: the reader
    os.close(w)  # the child never writes: close its copy of the write end
    data = os.read(r, 100)
    print(f"child: read {data!r}")
    os.close(r)
    os._exit(0)

# parent: the writer
os.close(r)  # the parent never reads
os.write(w, b"hello through the kernel")
os.close(w)
_, status = os.waitpid(pid, 0)
print(f"parent: child exited with status {os.waitstatus_to_exitcode(status)}")
