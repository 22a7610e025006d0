"""The writing side: open a FIFO by its path, send three lines, close it."""
# snippet: runs = one

import os
import sys

if len(sys.argv) != 2:
    print("usage: python3 writer.py FIFO_PATH  (run reader.py on the same path too)")
    sys.exit(0)

fd = os.open(sys.argv[1], os.O_WRONLY)  # waits here until a reader opens the FIFO
for i in range(3):
    os.write(fd, f"hello {i} from the writer\n".encode())
os.close(fd)  # the reader sees EOF once every writer has closed
print("writer: sent 3 lines and closed the FIFO")
