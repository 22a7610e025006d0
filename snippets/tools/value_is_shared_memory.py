"""Value and Array: shared mappings of deleted /dev/shm files, and semaphores."""

import multiprocessing
import re

N = 20_000


def add(counter):
    for _ in range(N):
        with counter.get_lock():  # one lock per Value, shared by every process
            counter.value += 1


if __name__ == "__main__":
    counter = multiprocessing.Value("i", 0)
    numbers = multiprocessing.Array("d", [0.5, 1.5, 2.5])
    print(f"Value: {counter!r}, lock: {type(counter.get_lock()).__name__}")
    # This process's mappings: find those in /dev/shm
    for line in open("/proc/self/maps"):
        fields = line.split()
        if len(fields) >= 6 and fields[5].startswith("/dev/shm/"):
            path = re.sub(r"/dev/shm/(pym-|sem\.)\S+", r"/dev/shm/\1...",
                          " ".join(fields[5:]))
            print(f"mapping: {fields[1]} (s = shared) {path}")

    workers = [multiprocessing.Process(target=add, args=(counter,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(f"two processes added {N} each under the lock: {counter.value}")
    print(f"Array in the same arena: {list(numbers)}")
