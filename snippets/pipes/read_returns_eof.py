"""Once every write end is closed, read() returns the data left, then b"" (end of file)."""

import os

r, w = os.pipe()
pid = os.fork()
if pid == 0:  # child: write two messages, then exit (which closes its write end)
    os.close(r)
    os.write(w, b"first ")
    os.write(w, b"second")
    os._exit(0)

os.close(w)  # the parent's copy of the write end must go too, or EOF never comes
os.waitpid(pid, 0)  # the writer is gone; its data is still in the pipe
print(f"read 1: {os.read(r, 100)!r}")
print(f"read 2: {os.read(r, 100)!r}")
print(f"read 3: {os.read(r, 100)!r}")
os.close(r)
