"""Once every write end is closed, read() returns the data left, then b"" (EOF)."""
# snippet: runs = one

import os
import sys

r, w = os.pipe()
sys.stdout.flush()
pid = os.fork()
if pid == 0:  # child: write two messages, then exit (which closes its write end)
    try:
        os.close(r)
        os.write(w, b"first ")
        os.write(w, b"second")
    finally:
        os._exit(0)

os.close(w)  # the parent's copy of the write end must go too, or EOF never comes
# Waiting before reading is safe only because 12 bytes fit in the pipe: a writer with
# more than the pipe holds would wait for this reader forever. Here it shows that the
# data stays in the pipe after the writer is gone.
os.waitpid(pid, 0)
print(f"read 1: {os.read(r, 100)!r}")
print(f"read 2: {os.read(r, 100)!r}")
print(f"read 3: {os.read(r, 100)!r}")
os.close(r)
