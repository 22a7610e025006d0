"""MAP_SHARED and MAP_PRIVATE across fork: what the child sees, who sees its write."""
# snippet: runs = one

import mmap
import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    for name in ("MAP_SHARED", "MAP_PRIVATE"):
        flags = getattr(mmap, name)
        path = os.path.join(folder, f"{name}.bin")
        with open(path, "wb") as f:
            f.write(b"[file]")
        r, w = os.pipe()
        with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0, flags=flags) as m:
            m[:] = b"parent"  # the parent writes first, before the fork
            pid = os.fork()
            if pid == 0:
                try:
                    os.close(r)
                    first = m[:]  # what the child's mapping holds when it starts
                    m[:] = b"child!"  # then the child writes into its mapping
                    os.write(w, first)
                finally:
                    os._exit(0)
            os.close(w)
            child_first = os.read(r, 6)
            os.close(r)
            os.waitpid(pid, 0)  # the child has written and exited: now the parent looks
            seen = m[:]
        with open(path, "rb") as f:
            on_disk = f.read()
        print(f"{name:11}: child first sees {child_first!r}; after its write, "
              f"parent sees {seen!r}, file holds {on_disk!r}")
