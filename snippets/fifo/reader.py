"""The reading side: open a FIFO by its path, read until EOF, then stop."""
# snippet: runs = one

import os
import sys

if len(sys.argv) != 2:
    print("usage: python3 reader.py FIFO_PATH  (run writer.py on the same path too)")
    sys.exit(0)

fd = os.open(sys.argv[1], os.O_RDONLY)  # waits here until a writer opens the FIFO
chunks = []
while True:
    data = os.read(fd, 4096)
    if not data:  # b"": every writer has closed; without this test, the loop spins
        break
    chunks.append(data)
os.close(fd)
for line in b"".join(chunks).decode().splitlines():
    print(f"reader: got {line!r}")
print("reader: EOF, the writer is gone")
