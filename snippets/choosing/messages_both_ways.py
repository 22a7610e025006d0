"""Messages both ways between a parent and its child: a SOCK_SEQPACKET socket pair."""

import os
import socket
import sys

parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
sys.stdout.flush()  # the child must not inherit buffered output
pid = os.fork()
if pid == 0:  # the worker: one reply per message, until the parent closes its end
    try:
        parent_end.close()
        while request := child_end.recv(4096):  # one whole message; b"" at the end
            child_end.send(request[::-1])
    finally:
        os._exit(0)
child_end.close()
for word in (b"stressed", b"drawer", b"live"):
    parent_end.send(word)
    print(f"sent {word!r}, got back {parent_end.recv(4096)!r}")
parent_end.close()  # the worker's recv() returns b"" and it exits
_, status = os.waitpid(pid, 0)
print(f"worker exit status: {os.waitstatus_to_exitcode(status)}")
