"""Map a file into memory: read and write it by index and slice, then unmap it."""
# snippet: runs = one

import mmap
import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "data.bin")
    with open(path, "wb") as f:
        f.write(b"hello, mapped world")

    with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:  # 0: map the whole file
        print(f"length: {len(m)}, m[0:5] = {m[0:5]!r}, m[7] = {m[7]} ({chr(m[7])!r})")
        m[0:5] = b"HELLO"  # a store into memory...
        print(f"found 'world' at {m.find(b'world')}")
        m.flush()  # msync(): write the dirty page back to the disk now
    # The mapping is closed (munmap) by the with statement.

    with open(path, "rb") as f:
        # ...is a write to the file:
        print(f"file after the mapping is gone: {f.read()!r}")
