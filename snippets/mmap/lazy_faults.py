"""Mapping a file reads nothing: a page is loaded at its first touch (a page fault)."""

import mmap
import os
import resource
import tempfile

SIZE = 64 * 1024 * 1024  # 16384 pages of 4 KiB


def file_system(path: str) -> str:
    """The type of the file system that holds path (its deepest mount point)."""
    best, kind = "", "unknown"
    with open("/proc/self/mountinfo") as mounts:
        for line in mounts:
            fields = line.split()
            point = fields[4].replace("\\040", " ")
            inside = path == point or path.startswith(point.rstrip("/") + "/")
            if inside and len(point) >= len(best):  # a later mount hides an earlier one
                best, kind = point, fields[fields.index("-") + 1]
    return kind


def faults() -> int:
    """Page faults so far: minor (no disk read) plus major (the disk was read)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_minflt + usage.ru_majflt


with tempfile.TemporaryDirectory() as folder:
    kind = file_system(os.path.realpath(folder))
    print(f"the file is on a file system of type: {kind}")
    path = os.path.join(folder, "big.bin")
    with open(path, "wb") as f:
        f.truncate(SIZE)  # 64 MiB of zeros, a sparse file

    with open(path, "rb") as f:
        # A first mapping warms up Python's own memory, so it does not fault below.
        mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ).close()
        before = faults()
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        after_mmap = faults()
        # Read one byte from every page.
        total = sum(m[i] for i in range(0, SIZE, mmap.PAGESIZE))
        after_touch = faults()
        m.close()

pages = SIZE // mmap.PAGESIZE
touched = after_touch - after_mmap
print(f"page faults during mmap() of {pages} pages: {after_mmap - before}")
print(f"page faults while touching every page: {touched}")
print(f"every byte read was zero: {total == 0}")
print(f"fewer faults than pages: {touched < pages}")
