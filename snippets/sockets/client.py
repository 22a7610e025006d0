"""A Unix stream client: connect to the server's path, send, read the reply."""
# snippet: runs = one

import socket
import sys

if len(sys.argv) != 2:
    print("usage: python3 client.py SOCKET_PATH  (with server.py listening on it)")
    sys.exit(0)

with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
    client.connect(sys.argv[1])
    client.sendall(b"hello, server")
    client.shutdown(socket.SHUT_WR)  # "no more from me": the server reads b""
    reply = b""
    while data := client.recv(1024):
        reply += data
print(f"client: reply {reply!r}")
