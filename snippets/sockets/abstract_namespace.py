"""Linux's abstract namespace: a socket name that starts with a NUL byte creates no file."""

import os
import socket
import uuid

# Unique: every process in this network namespace shares the abstract names.
name = f"\0linux-ipc-demo-{uuid.uuid4().hex}"
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
    server.bind(name)
    server.listen()
    bound = server.getsockname()
    starts_with_nul = bound.startswith(b"\0")
    print(f"getsockname() type: {type(bound).__name__}, starts with NUL: {starts_with_nul}")
    print(f"files in the working directory: {os.listdir()}")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.connect(name)
        conn, _ = server.accept()
        with conn:
            client.sendall(b"no file needed")
            print(f"server got: {conn.recv(100)!r}")
# The name vanished with the socket: nothing to unlink.
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as again:
    again.bind(name)
    print("the same name is free again once the socket is closed")
