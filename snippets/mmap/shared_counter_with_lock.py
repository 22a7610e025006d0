"""The idiom: a counter in SharedMemory, changed by several processes under one Lock."""
# snippet: runs = one

import struct
from multiprocessing import Lock, Process, shared_memory


def work(name, lock, times):
    shm = shared_memory.SharedMemory(name=name)  # attach by name
    for _ in range(times):
        with lock:  # read, add, write: one step as far as the others can tell
            (value,) = struct.unpack_from("q", shm.buf)
            struct.pack_into("q", shm.buf, 0, value + 1)
    shm.close()


if __name__ == "__main__":
    shm = shared_memory.SharedMemory(create=True, size=8)
    lock = Lock()
    try:
        workers = [Process(target=work, args=(shm.name, lock, 5000)) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        print(f"exit codes: {[w.exitcode for w in workers]}")
        print(f"counter: {struct.unpack_from('q', shm.buf)[0]} (4 processes x 5000)")
    finally:
        shm.close()
        shm.unlink()  # the creator removes the name
