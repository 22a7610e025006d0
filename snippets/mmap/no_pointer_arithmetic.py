"""No pointer to move: Python offers slices and seek() instead of pointer arithmetic."""
# snippet: runs = one

import mmap

with mmap.mmap(-1, 16) as m:  # anonymous: no file needed
    m.write(b"0123456789abcdef")
    print(f"a slice instead of ptr + 4: {m[4:8]!r}")
    m.seek(10)  # a file-like position instead of moving the pointer
    print(f"after seek(10), read(3): {m.read(3)!r}, tell() = {m.tell()}")
    print(f"the mapping itself never moved: m[0:4] = {m[0:4]!r}")
# close() (here by the with statement) unmaps the whole region, from the right address.
try:
    m[0]
except ValueError as exc:
    print(f"after close: ValueError: {exc}")
