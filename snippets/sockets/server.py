"""A Unix stream server on a path: bind, listen, accept one client, answer it, remove the file."""

import os
import socket
import stat
import sys

if len(sys.argv) != 2:
    print("usage: python3 server.py SOCKET_PATH  (then run client.py on the same path)")
    sys.exit(0)
path = sys.argv[1]

with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
    server.bind(path)  # creates the socket file
    print(f"server: bound; socket file is a socket: {stat.S_ISSOCK(os.stat(path).st_mode)}")
    server.listen()
    print("server: listening", flush=True)  # the launcher waits for this line
    conn, _ = server.accept()
    with conn:
        request = b""
        while data := conn.recv(1024):  # until the client shuts down its sending side
            request += data
        print(f"server: request {request!r}")
        conn.sendall(request.upper())
os.unlink(path)  # closing does not remove the file: unlink it
print(f"server: closed and unlinked; file exists: {os.path.exists(path)}")
