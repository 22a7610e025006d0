"""Mapping a file does not read it: pages are loaded on first touch (page faults), lazily."""

import mmap
import os
import resource
import tempfile

SIZE = 64 * 1024 * 1024  # 16384 pages


def faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "big.bin")
    with open(path, "wb") as f:
        f.truncate(SIZE)  # 64 MiB of zeros, a sparse file

    with open(path, "rb") as f:
        mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ).close()  # warm-up: Python's own memory
        before = faults()
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        after_mmap = faults()
        total = sum(m[i] for i in range(0, SIZE, mmap.PAGESIZE))  # one byte from every page
        after_touch = faults()
        m.close()

pages = SIZE // mmap.PAGESIZE
print(f"page faults during mmap() of {pages} pages: {after_mmap - before}")
print(f"page faults while touching every page: {after_touch - after_mmap} (sum {total})")
