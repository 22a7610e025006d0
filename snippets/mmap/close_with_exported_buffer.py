"""close() refuses while a memoryview of the mapping exists: release the views first."""
# snippet: runs = one

import mmap
from multiprocessing import shared_memory

m = mmap.mmap(-1, 4096)
view = memoryview(m)[:5]  # a view points into the mapping itself
try:
    m.close()
except BufferError as exc:
    print(f"mmap.close() while a view exists: BufferError: {exc}")
view.release()
m.close()
print(f"after view.release(): mmap closed: {m.closed}")

shm = shared_memory.SharedMemory(create=True, size=4096)
try:
    head = shm.buf[:5]  # a slice of shm.buf is a view too
    try:
        shm.close()
    except BufferError as exc:
        print(f"SharedMemory.close() while a view exists: BufferError: {exc}")
    head.release()
    shm.close()
    print("after head.release(): SharedMemory.close() worked")
finally:
    shm.unlink()
