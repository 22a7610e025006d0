"""Two processes increment a counter in shared memory: updates get lost, unless a lock is used."""

import mmap
import multiprocessing
import os
import struct

ROUNDS = 50_000


def count(shared: mmap.mmap, lock) -> int:
    struct.pack_into("q", shared, 0, 0)
    children = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            for _ in range(ROUNDS):
                if lock:
                    lock.acquire()
                value = struct.unpack_from("q", shared, 0)[0]  # read...
                struct.pack_into("q", shared, 0, value + 1)  # ...then write: not atomic
                if lock:
                    lock.release()
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    return struct.unpack_from("q", shared, 0)[0]


shared = mmap.mmap(-1, 8)
unlocked = count(shared, None)
print(f"without a lock: {unlocked} of {2 * ROUNDS} (lost {2 * ROUNDS - unlocked}; varies)")
lock = multiprocessing.get_context("fork").Lock()  # a semaphore that both children share
locked = count(shared, lock)
print(f"with a lock: {locked} of {2 * ROUNDS}")
shared.close()
