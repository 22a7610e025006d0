"""MAP_SHARED versus MAP_PRIVATE across fork: who sees the child's write, and does the file?"""

import mmap
import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    results = {}
    for name, flags in (("MAP_SHARED", mmap.MAP_SHARED), ("MAP_PRIVATE", mmap.MAP_PRIVATE)):
        path = os.path.join(folder, f"{name}.bin")
        with open(path, "wb") as f:
            f.write(b"parent")
        with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0, flags=flags) as m:
            pid = os.fork()
            if pid == 0:
                m[:] = b"child!"  # the child writes into its mapping
                os._exit(0)
            os.waitpid(pid, 0)  # then the parent looks
            seen = m[:]
        with open(path, "rb") as f:
            print(f"{name:11}: parent sees {seen!r}, file holds {f.read()!r}")
