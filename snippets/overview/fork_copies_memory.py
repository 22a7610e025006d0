"""After fork() the child changes its copy of a variable; only bytes sent through a pipe arrive."""

import os

counter = 1
r, w = os.pipe()

pid = os.fork()
if pid == 0:  # child
    counter = 100  # changes the child's own copy of the memory
    os.write(w, f"counter is {counter} in the child".encode())
    os._exit(0)

os.close(w)
message = os.read(r, 100).decode()
os.waitpid(pid, 0)
print(f"parent: counter is still {counter}")
print(f"parent: the pipe brought {message!r}")
