"""Two processes increment a shared counter: updates lost, forced or by chance."""
# snippet: timeout = 60
# snippet: observe = first 50

import mmap
import multiprocessing
import os
import struct

ROUNDS = 1000  # forced rounds: each process increments once per round
FREE_ROUNDS = 100_000  # increments per process when they run freely


def get(counter: mmap.mmap) -> int:
    return struct.unpack_from("q", counter, 0)[0]


def put(counter: mmap.mmap, value: int) -> None:
    struct.pack_into("q", counter, 0, value)


def turn(send: int, receive: int) -> None:
    """Hand the turn to the other process, then wait until it hands it back."""
    os.write(send, b"!")
    if os.read(receive, 1) != b"!":
        raise EOFError("the other process is gone")


def run_child(work) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    return pid


def wait(pid: int) -> None:
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, status


counter = mmap.mmap(-1, 8)  # anonymous and MAP_SHARED: the child sees the same 8 bytes
to_child_r, to_child_w = os.pipe()
to_parent_r, to_parent_w = os.pipe()

# 1. No lock, and the worst interleaving forced in every round: the parent reads, the
#    child reads and writes, then the parent writes the value it read plus one over the
#    child's update.
put(counter, 0)


def child_without_lock():
    for _ in range(ROUNDS):
        os.read(to_child_r, 1)  # the parent has read the counter
        put(counter, get(counter) + 1)
        os.write(to_parent_w, b"!")


pid = run_child(child_without_lock)
trace = []
for n in range(ROUNDS):
    value = get(counter)  # read...
    turn(to_child_w, to_parent_r)  # ...the child increments in between...
    child_wrote = get(counter)
    put(counter, value + 1)  # ...then write: the child's increment is overwritten
    if n == 0:
        trace = [value, child_wrote, value + 1]
wait(pid)
kept = get(counter)
print(f"round 1: parent read {trace[0]}; child read {trace[0]} and wrote {trace[1]}; "
      f"parent wrote {trace[2]}")
print(f"forced, without a lock: {kept} of {2 * ROUNDS} increments kept "
      f"({2 * ROUNDS - kept} lost)")

# 2. The same schedule with a lock around each read-modify-write: when the child is told
#    to go, the parent still holds the lock, so the child must wait until the parent's
#    update is done. The lock is a POSIX semaphore, shared across fork.
lock = multiprocessing.get_context("fork").Lock()
put(counter, 0)


def child_with_lock():
    for _ in range(ROUNDS):
        os.read(to_child_r, 1)  # the parent holds the lock and has read the counter
        taken = not lock.acquire(block=False)
        os.write(to_parent_w, b"taken" if taken else b"free!")
        if taken:
            lock.acquire()  # wait for the parent's release
        put(counter, get(counter) + 1)
        lock.release()
        os.write(to_parent_w, b"!")


pid = run_child(child_with_lock)
found_taken = 0
for _ in range(ROUNDS):
    with lock:
        value = get(counter)
        os.write(to_child_w, b"!")
        found_taken += os.read(to_parent_r, 5) == b"taken"
        put(counter, value + 1)
    os.read(to_parent_r, 1)  # the child's increment is done
wait(pid)
print(f"forced, with a lock: the child found the lock taken in {found_taken} of "
      f"{ROUNDS} rounds; "
      f"{get(counter)} of {2 * ROUNDS} increments kept")

# 3. No lock and no forced schedule: two processes increment as fast as they can.
put(counter, 0)


def free_running():
    for _ in range(FREE_ROUNDS):
        put(counter, get(counter) + 1)


children = [run_child(free_running) for _ in range(2)]
for pid in children:
    wait(pid)
kept = get(counter)
print(f"free-running, without a lock, increments kept: {kept} / {2 * FREE_ROUNDS}")

for fd in (to_child_r, to_child_w, to_parent_r, to_parent_w):
    os.close(fd)
counter.close()
