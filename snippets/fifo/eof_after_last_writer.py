"""With two writers, the reader sees EOF only after the last one closes."""
# snippet: runs = one

import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "fifo")
    os.mkfifo(path)
    # non-blocking: "no data yet" is an error, not a wait
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    w1 = os.open(path, os.O_WRONLY)
    w2 = os.open(path, os.O_WRONLY)

    os.write(w1, b"from writer 1")
    os.close(w1)
    print(f"after writer 1 closed: {os.read(r, 100)!r}")
    try:
        os.read(r, 100)
    except BlockingIOError:
        print("then: BlockingIOError, no data but writer 2 is still open (no EOF)")

    os.close(w2)
    print(f"after writer 2 closed: {os.read(r, 100)!r} (EOF)")
    os.close(r)
