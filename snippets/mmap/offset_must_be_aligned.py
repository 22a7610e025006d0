"""The offset must be a multiple of the page size (the allocation granularity)."""
# snippet: runs = one

import errno
import mmap
import os
import tempfile

print(f"mmap.PAGESIZE = {mmap.PAGESIZE}, "
      f"mmap.ALLOCATIONGRANULARITY = {mmap.ALLOCATIONGRANULARITY}")
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "data.bin")
    with open(path, "wb") as f:
        f.write(b"a" * mmap.PAGESIZE + b"second page")

    with open(path, "rb") as f:
        try:
            mmap.mmap(f.fileno(), 10, access=mmap.ACCESS_READ, offset=1000)
        except OSError as exc:
            print(f"offset 1000: OSError {errno.errorcode[exc.errno]}")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ,
                       offset=mmap.PAGESIZE) as m:
            print(f"offset {mmap.PAGESIZE}: {m[:]!r}")
