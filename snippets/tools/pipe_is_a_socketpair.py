"""multiprocessing.Pipe(): a connected socket pair, or os.pipe() when duplex=False."""

import multiprocessing
import os
import stat


def kind(fd):
    """What the kernel says this descriptor is, and its /proc/self/fd link, no inode."""
    mode = os.fstat(fd).st_mode
    name = ("socket" if stat.S_ISSOCK(mode)
            else "FIFO (pipe)" if stat.S_ISFIFO(mode) else "other")
    return f"{name}, {os.readlink(f'/proc/self/fd/{fd}').split(':')[0]}:[...]"


def child(conn):
    request = conn.recv()  # unpickles one object
    conn.send({"got": request, "doubled": [2 * n for n in request]})
    conn.close()


if __name__ == "__main__":
    a, b = multiprocessing.Pipe()  # duplex=True by default
    print(f"Pipe():             {kind(a.fileno())} / {kind(b.fileno())}")
    r, w = multiprocessing.Pipe(duplex=False)  # r can only receive, w only send
    print(f"Pipe(duplex=False): {kind(r.fileno())} / {kind(w.fileno())}")
    r.close()
    w.close()

    p = multiprocessing.Process(target=child, args=(b,))
    p.start()
    b.close()  # the child has its own copy now
    a.send([1, 2, 3])  # any picklable object, framed and pickled by the connection
    print(f"parent: received {a.recv()}")
    a.close()
    p.join()
    print(f"parent: child exit code {p.exitcode}")
