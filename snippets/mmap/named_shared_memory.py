"""Named POSIX shared memory: SharedMemory is a file in /dev/shm others can open."""
# snippet: runs = one

import mmap
import os
from multiprocessing import shared_memory

shm = shared_memory.SharedMemory(create=True, size=4096)
try:
    shm.buf[:5] = b"hello"
    path = f"/dev/shm/{shm.name}"  # the name is how unrelated processes find it
    print(f"exists in /dev/shm: {os.path.exists(path)}, size {os.path.getsize(path)}")

    pid = os.fork()
    if pid == 0:  # any process that knows the name can map it, here with plain mmap
        try:
            with open(path, "r+b") as f, mmap.mmap(f.fileno(), 4096) as m:
                m[5:11] = b" world"
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    print(f"creator reads: {bytes(shm.buf[:11])!r}")
finally:
    shm.close()
    shm.unlink()  # the creator removes the name
print(f"after unlink: exists in /dev/shm: {os.path.exists(path)}")
