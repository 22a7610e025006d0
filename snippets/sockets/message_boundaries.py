"""The same three sends read back from a stream, a datagram and a seqpacket socket pair."""

import socket

for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET):
    a, b = socket.socketpair(socket.AF_UNIX, kind)
    for message in (b"one", b"two", b"three"):
        a.send(message)
    a.close()
    b.setblocking(False)  # everything was sent already: stop when nothing is left
    received = []
    try:
        while data := b.recv(100):  # b"" is EOF (stream, seqpacket)
            received.append(data)
    except BlockingIOError:  # a datagram socket has no EOF: the queue is simply empty
        pass
    b.close()
    print(f"{kind.name:15} {received}")

# A datagram is read whole or not at all: what does not fit is discarded.
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
a.send(b"three")
a.send(b"next")
print(f"recv(2) of b'three': {b.recv(2)!r}, then {b.recv(100)!r}")
a.close()
b.close()
