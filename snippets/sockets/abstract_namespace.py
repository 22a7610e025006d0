"""The abstract namespace: a socket name starting with a NUL byte creates no file."""

import os
import socket
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
# The name vanished with the last descriptor of the socket: nothing to unlink.
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as again:
    again.bind(name)
    print("the same name is free again once the socket is closed")
