"""socket.socketpair(): unlike a pipe, each end reads and writes."""
# snippet: runs = one

import os
import socket
import sys

parent_end, child_end = socket.socketpair()  # AF_UNIX, SOCK_STREAM
print(f"family: {parent_end.family.name}, type: {parent_end.type.name}")

sys.stdout.flush()  # the child must not inherit a buffered line
pid = os.fork()
if pid == 0:
    try:
        parent_end.close()
        question = child_end.recv(100)
        child_end.sendall(b"child got " + question)  # the same socket, the other way
        child_end.close()
    finally:
        os._exit(0)

child_end.close()
parent_end.sendall(b"ping")
print(f"parent: {parent_end.recv(100)!r}")
parent_end.close()
os.waitpid(pid, 0)
