"""Hand an open file over a Unix socket: the receiver reads a file it never opened."""
# snippet: runs = one

import os
import socket
import sys
import tempfile

with tempfile.TemporaryDirectory() as folder:
    parent_sock, child_sock = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # child: has no path and opens nothing
        code = 1
        try:
            parent_sock.close()
            message, fds, _, _ = socket.recv_fds(child_sock, 100, maxfds=1)
            inheritable = os.get_inheritable(fds[0])  # os.open() would make it False
            with os.fdopen(fds[0], "r") as f:  # a new descriptor for the parent's file
                print(f"child: got {message!r} and a descriptor; it reads {f.read()!r}")
            print(f"child: the received descriptor is inheritable: {inheritable}")
            child_sock.close()
            code = 0
        finally:
            sys.stdout.flush()  # os._exit() skips flushing
            os._exit(code)

    child_sock.close()
    path = os.path.join(folder, "secret.txt")
    with open(path, "w") as f:  # opened by the parent only, after the fork
        f.write("written by the parent")
    fd = os.open(path, os.O_RDONLY)
    socket.send_fds(parent_sock, [b"here is a file"], [fd])
    os.close(fd)  # the child's copy stays valid
    parent_sock.close()
    _, status = os.waitpid(pid, 0)
    print(f"parent: child exited with status {os.waitstatus_to_exitcode(status)}")
