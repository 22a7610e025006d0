"""The writing program: map a shared file and put a message into it."""
# snippet: runs = one

import mmap
import sys

if len(sys.argv) != 2:
    print("usage: python3 writer.py FILE  (then run reader.py on the same file)")
    sys.exit(0)

with open(sys.argv[1], "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
    message = b"hello from writer.py"
    m[0:4] = len(message).to_bytes(4, "little")  # a length, then the bytes
    m[4:4 + len(message)] = message
print(f"writer: stored {len(message)} bytes in the mapping")
