"""One process may write and read its own pipe, but each end works one way only."""
# snippet: runs = one

import errno
import os

r, w = os.pipe()
os.write(w, b"note to self")
print(f"read back by the same process: {os.read(r, 100)!r}")

for name, call in (("write to the read end", lambda: os.write(r, b"x")),
                   ("read from the write end", lambda: os.read(w, 1))):
    try:
        call()
    except OSError as exc:
        print(f"{name}: {errno.errorcode[exc.errno]}")
os.close(r)
os.close(w)
