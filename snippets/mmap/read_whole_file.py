"""Read a whole file through a mapping: count, search and read lines with no read()."""
# snippet: runs = one

import mmap
import os
import tempfile

TEXT = "".join(f"line {n}: the quick brown fox\n" for n in range(1, 10001))

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "text.txt")
    with open(path, "w") as f:
        f.write(TEXT)

    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        newline = b"\n"
        lines = 0
        position = m.find(newline)
        while position != -1:  # count lines by searching the mapped memory
            lines += 1
            position = m.find(newline, position + 1)
        print(f"size: {len(m)} bytes, lines: {lines}")
        where = m.find(b"line 5000:")
        print(f"'line 5000:' starts at byte {where}")
        m.seek(where)
        print(f"readline() from there: {m.readline()!r}")
