"""Close the file descriptor right after mapping: the mapping still works."""
# snippet: runs = one

import mmap
import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "data.bin")
    with open(path, "wb") as f:
        f.write(b"before")

    fd = os.open(path, os.O_RDWR)
    m = mmap.mmap(fd, 0)
    os.close(fd)  # the mapping keeps its own reference to the file
    m[0:6] = b"after!"
    print(f"wrote through the mapping after close(fd): {m[:]!r}")
    m.close()
    with open(path, "rb") as f:
        print(f"file: {f.read()!r}")
