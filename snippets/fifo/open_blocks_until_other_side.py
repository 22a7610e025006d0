"""open() of a FIFO waits for the other side; O_NONBLOCK changes that, per side."""

import errno
import os
import tempfile
import threading

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "fifo")
    os.mkfifo(path)

    # 1. Blocking open for reading waits until someone opens for writing.
    opened = {}

    def open_for_reading() -> None:
        opened["fd"] = os.open(path, os.O_RDONLY)

    thread = threading.Thread(target=open_for_reading)
    thread.start()
    thread.join(timeout=0.5)
    waiting = thread.is_alive()  # has not returned from open() (or not yet reached it)
    print(f"reader's open() still waiting after 0.5 s with no writer: {waiting}")
    w = os.open(path, os.O_WRONLY)  # the writer arrives...
    thread.join()
    print(f"reader's open() returned once a writer opened: {'fd' in opened}")
    os.close(w)
    os.close(opened["fd"])

    # 2. Non-blocking open for reading succeeds at once; reading finds EOF (no writer).
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    print(f"O_RDONLY|O_NONBLOCK with no writer: opened, read gives {os.read(r, 10)!r}")
    os.close(r)

    # 3. Non-blocking open for writing with no reader fails with ENXIO.
    try:
        os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        print(f"O_WRONLY|O_NONBLOCK with no reader: {errno.errorcode[exc.errno]}")

    # 4. On Linux, O_RDWR never waits: the opener is its own reader and writer.
    rw = os.open(path, os.O_RDWR)
    os.write(rw, b"loop")
    print(f"O_RDWR opened at once; read back {os.read(rw, 10)!r}")
    os.close(rw)
