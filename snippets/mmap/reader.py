"""The reading program: map the same file, read the message another program left."""
# snippet: runs = one

import mmap
import sys

if len(sys.argv) != 2:
    print("usage: python3 reader.py FILE  (after writer.py has written to it)")
    sys.exit(0)

with (open(sys.argv[1], "rb") as f,
      mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m):
    length = int.from_bytes(m[0:4], "little")
    print(f"reader: found {m[4:4 + length]!r}")
