"""A Unix stream server on a path: bind, listen, answer one client, remove the file."""
# snippet: runs = one

import os
import socket
import stat
import sys

if len(sys.argv) != 2:
    print("usage: python3 server.py SOCKET_PATH  (then run client.py on the same path)")
    sys.exit(0)
path = sys.argv[1]

# A socket file left by a server that died refuses connections: remove it, but never the
# file of a server that still listens.
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
    try:
        probe.connect(path)
        sys.exit(f"server: another server is listening on {path}")
    except ConnectionRefusedError:  # also what a file that is not a socket answers
        if not stat.S_ISSOCK(os.lstat(path).st_mode):
            sys.exit(f"server: {path} exists and is not a socket; not removing it")
        os.unlink(path)  # stale
    except FileNotFoundError:
        pass  # nothing there: the usual case

with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
    server.bind(path)  # creates the socket file
    try:
        is_socket = stat.S_ISSOCK(os.stat(path).st_mode)
        print(f"server: bound; socket file is a socket: {is_socket}")
        server.listen()
        print("server: listening", flush=True)  # the launcher waits for this line
        conn, _ = server.accept()
        with conn:
            request = b""
            while data := conn.recv(1024):  # until the client shuts down its side
                request += data
            print(f"server: request {request!r}")
            conn.sendall(request.upper())
    finally:
        os.unlink(path)  # closing does not remove the file: unlink it, always
print(f"server: closed and unlinked; file exists: {os.path.exists(path)}")
