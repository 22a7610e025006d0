"""A child that exits with Queue items unsent cannot end until someone reads them."""

import multiprocessing


def child(q):
    q.put(b"x" * (1024 * 1024))  # returns at once: the feeder thread does the writing
    print("child: put returned, function ends")
    # On the way out the child joins its feeder thread, which waits for pipe room.


if __name__ == "__main__":
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=child, args=(q,))
    p.start()
    p.join(timeout=2)  # a plain p.join() here would wait forever
    print(f"parent: child still alive 2 s later: {p.is_alive()} "
          f"(exit code {p.exitcode})")
    data = q.get(timeout=10)  # reading the item lets the feeder thread finish
    p.join(timeout=10)
    print(f"parent: got {len(data)} bytes; child exit code {p.exitcode}")
    q.close()
    q.join_thread()
