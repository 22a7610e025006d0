"""Question 1: can a newly created, empty file be mapped?"""

import mmap
import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "new.bin")
    with open(path, "w+b") as f:
        try:
            mmap.mmap(f.fileno(), 0)
        except ValueError as exc:
            print(f"empty file: {type(exc).__name__}: {exc}")
        os.ftruncate(f.fileno(), 4096)  # give it a size first
        with mmap.mmap(f.fileno(), 0) as m:
            zeros = m[:] == bytes(len(m))
            print(f"after ftruncate to 4096: mapped {len(m)} bytes, all zero: {zeros}")
