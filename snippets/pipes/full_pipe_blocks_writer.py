"""A full pipe takes no more: a blocking write waits; a non-blocking one gets EAGAIN."""

import errno
import os

r, w = os.pipe()
os.set_blocking(w, False)  # "would block" is reported instead of waiting forever

written = 0
chunk = b"x" * 4096
while True:
    try:
        written += os.write(w, chunk)
    except BlockingIOError as exc:
        print(f"writer: bytes accepted before the pipe was full: {written}")
        print(f"writer: the next write() failed with {errno.errorcode[exc.errno]}")
        break

print(f"reader: took {len(os.read(r, 4096))} bytes out")
print(f"writer: now writes {os.write(w, chunk)} more bytes")
try:
    os.write(w, chunk)
except BlockingIOError:
    print("writer: and the pipe is full again")
os.close(r)
os.close(w)
