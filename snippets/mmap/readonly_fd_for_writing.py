"""A file opened read-only, mapped for writing: shared is refused, private works."""
# snippet: runs = one

import errno
import mmap
import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "data.bin")
    with open(path, "wb") as f:
        f.write(b"original")

    fd = os.open(path, os.O_RDONLY)
    try:
        mmap.mmap(fd, 0, access=mmap.ACCESS_WRITE)  # MAP_SHARED + PROT_WRITE
    except PermissionError as exc:
        name = errno.errorcode[exc.errno]
        print(f"ACCESS_WRITE on a read-only fd: PermissionError {name}")

    with mmap.mmap(fd, 0, access=mmap.ACCESS_COPY) as m:  # MAP_PRIVATE: copy-on-write
        m[0:8] = b"modified"
        print(f"ACCESS_COPY works; the mapping holds {m[:8]!r}")
    os.close(fd)
    with open(path, "rb") as f:
        print(f"the file still holds {f.read()!r}")
