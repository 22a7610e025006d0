"""Queue: a pipe, a lock and a feeder thread; SimpleQueue: a pipe and locks only."""

import multiprocessing
import os
import stat
import threading

BIG = b"x" * (1024 * 1024)  # far more than a pipe holds (64 KiB with 4 KiB pages)


def pipe_kind(conn):
    return "pipe" if stat.S_ISFIFO(os.fstat(conn.fileno()).st_mode) else "not a pipe"


def feeder_threads():
    return [t.name for t in threading.enumerate() if t is not threading.main_thread()]


if __name__ == "__main__":
    q = multiprocessing.Queue()
    print(f"Queue: reader {pipe_kind(q._reader)}, writer {pipe_kind(q._writer)}")
    print(f"Queue: threads besides main before put: {feeder_threads()}")
    q.put(BIG)  # nobody reads: a write of 1 MiB into the pipe cannot finish
    print("Queue: put(1 MiB) returned with no reader")
    print(f"Queue: threads besides main after put: {feeder_threads()}")
    print(f"Queue: get() took back {len(q.get(timeout=10))} bytes")
    q.close()
    q.join_thread()

    sq = multiprocessing.SimpleQueue()
    print(f"SimpleQueue: reader {pipe_kind(sq._reader)}, "
          f"writer {pipe_kind(sq._writer)}")
    putter = threading.Thread(target=sq.put, args=(BIG,))
    putter.start()  # this thread does the put, so the main thread can watch it
    putter.join(timeout=1)
    print(f"SimpleQueue: put(1 MiB) still blocked after 1 s: {putter.is_alive()}")
    print(f"SimpleQueue: get() took back {len(sq.get())} bytes")
    putter.join(timeout=10)
    print(f"SimpleQueue: put finished once the data was read: {not putter.is_alive()}")
    sq.close()
