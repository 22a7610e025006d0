"""A stream socket keeps no message boundaries; a length prefix puts them back."""

import os
import socket
import struct

BIG = 8 * 1024 * 1024  # 8 MiB: far more than a socket buffer holds


def send_message(sock, payload):
    # 4-byte big-endian length first
    sock.sendall(struct.pack("!I", len(payload)) + payload)


def recv_exactly(sock, n):
    """recv() returns what has arrived, up to n: loop until all n bytes are in."""
    chunks, calls = [], 0
    while n:
        chunk = sock.recv(n)
        calls += 1
        if not chunk:
            raise EOFError("the peer closed in the middle of a message")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks), calls


def recv_message(sock):
    header, _ = recv_exactly(sock, 4)
    (length,) = struct.unpack("!I", header)
    return recv_exactly(sock, length)[0]


parent, child = socket.socketpair()  # AF_UNIX, SOCK_STREAM
sent_r, sent_w = os.pipe()  # the child says "both sends done" through a pipe
pid = os.fork()
if pid == 0:  # child: the sender
    try:
        parent.close()
        child.sendall(b"one")
        child.sendall(b"two")
        os.write(sent_w, b".")
        child.recv(1)  # wait until the parent has read those
        child.sendall(b"y" * BIG)
        for payload in (b"short", b"z" * 300_000, b""):
            send_message(child, payload)
        child.close()
    finally:
        os._exit(0)

child.close()
os.read(sent_r, 1)  # both sends are in the socket now
print(f"two sends, one recv(100): {parent.recv(100)!r}")
parent.send(b"k")

first = parent.recv(BIG)
rest, calls = recv_exactly(parent, BIG - len(first))
print(f"recv(8 MiB) of one 8 MiB send returned all of it: {len(first) == BIG}")
print(f"recv() calls to collect all 8 MiB: {calls + 1}")
print(f"bytes intact: {first + rest == b'y' * BIG}")

sizes = [len(recv_message(parent)) for _ in range(3)]
print(f"length-prefixed messages received with sizes {sizes}")
parent.close()
os.close(sent_r)
os.close(sent_w)
_, status = os.waitpid(pid, 0)
print(f"sender exit status: {os.waitstatus_to_exitcode(status)}")
