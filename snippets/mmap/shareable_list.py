"""ShareableList: a fixed-size list of numbers, strings and bytes in shared memory."""
# snippet: runs = one

import os
from multiprocessing import Process, shared_memory


def child(name):
    items = shared_memory.ShareableList(name=name)  # attach by name
    items[0] += 1
    items[2] = "done"
    items.shm.close()


if __name__ == "__main__":
    items = shared_memory.ShareableList([41, 2.5, "ready", None])
    try:
        print(f"in /dev/shm: {os.path.exists('/dev/shm/' + items.shm.name)}")
        p = Process(target=child, args=(items.shm.name,))
        p.start()
        p.join()
        print(f"after the child (exit code {p.exitcode}): {list(items)}")
        try:
            items[2] = "a much longer string"  # a slot keeps its first size
        except ValueError as exc:
            print(f"a longer string: ValueError: {exc}")
    finally:
        items.shm.close()
        items.shm.unlink()
