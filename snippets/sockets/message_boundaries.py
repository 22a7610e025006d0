"""Three sends read back from a stream, a datagram and a seqpacket socket pair."""
# snippet: runs = one

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

# One recv() takes one datagram, whole or cut short: what does not fit is discarded, and
# recvmsg() reports the cut with the MSG_TRUNC flag.
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
a.send(b"three")
a.send(b"next")
data, _, flags, _ = b.recvmsg(2)  # a 2-byte buffer for a 5-byte datagram
cut = bool(flags & socket.MSG_TRUNC)
print(f"recvmsg(2) of b'three': {data!r}, MSG_TRUNC set: {cut}")
data, _, flags, _ = b.recvmsg(100)
print(f"next recvmsg(100): {data!r}, MSG_TRUNC set: {bool(flags & socket.MSG_TRUNC)}")

# With MSG_TRUNC passed in (Linux 3.4+), a receive returns the datagram's real length.
a.send(b"three")
room = bytearray(2)
length = b.recv_into(room, 2, socket.MSG_TRUNC)
print(f"recv_into(2 bytes, MSG_TRUNC) of b'three': {length}, kept {bytes(room)!r}")
a.close()
b.close()
