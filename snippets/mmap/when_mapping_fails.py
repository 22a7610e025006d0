"""What makes mmap fail, and how Python reports it: an exception, never -1."""
# snippet: runs = one

import errno
import mmap
import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "data.bin")
    with open(path, "wb") as f:
        f.write(b"x" * 100)
    r, w = os.pipe()
    write_only = os.open(path, os.O_WRONLY)
    read_write = os.open(path, os.O_RDWR)
    attempts = {
        "a pipe": lambda: mmap.mmap(r, 100, access=mmap.ACCESS_READ),
        "a write-only fd": lambda: mmap.mmap(write_only, 100),
        "length beyond the file": lambda: mmap.mmap(read_write, 200),
        "a negative length": lambda: mmap.mmap(-1, -1),
    }
    for what, attempt in attempts.items():
        try:
            attempt()
        except OSError as exc:
            print(f"{what}: {type(exc).__name__} {errno.errorcode[exc.errno]}")
        except (ValueError, OverflowError) as exc:
            print(f"{what}: {type(exc).__name__}: {exc}")
    for fd in (r, w, write_only, read_write):
        os.close(fd)
