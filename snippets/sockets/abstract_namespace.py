"""The abstract namespace: a socket name starting with a NUL byte creates no file."""
# snippet: runs = one

import errno
import os
import socket
import sys
import tempfile
import uuid

# Unique: every process in this network namespace shares the abstract names.
name = f"\0linux-ipc-demo-{uuid.uuid4().hex}"
start = os.getcwd()
with tempfile.TemporaryDirectory() as folder:
    os.chdir(folder)  # a fresh, empty working folder, wherever the program was started
    print(f"files in a fresh working folder, before bind(): {os.listdir()}")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(name)
        server.listen()
        print(f"files in the same folder, after bind(): {os.listdir()}")
        bound = server.getsockname()
        nul = bound.startswith(b"\0")
        print(f"getsockname() type: {type(bound).__name__}, starts with NUL: {nul}")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(name)
            conn, _ = server.accept()
            with conn:
                client.sendall(b"no file needed")
                print(f"server got: {conn.recv(100)!r}")
    os.chdir(start)  # leave the folder so that it can be removed


def try_bind() -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(name)
            return "bind() works"
        except OSError as exc:
            return f"bind() fails with {errno.errorcode[exc.errno]}"


print(f"every socket on the name closed: {try_bind()}")  # nothing to unlink

# The name lives as long as the socket, that is as long as any descriptor for it.
holder = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
holder.bind(name)
r, w = os.pipe()
sys.stdout.flush()
pid = os.fork()
if pid == 0:  # the child holds its inherited copy until the parent closes the pipe
    try:
        os.close(w)
        os.read(r, 1)
    finally:
        os._exit(0)
os.close(r)
holder.close()
print(f"bound again; the parent's copy closed, a child's still open: {try_bind()}")
os.close(w)  # the child reads EOF and exits, closing the last copy
os.waitpid(pid, 0)
print(f"the child has exited too: {try_bind()}")
