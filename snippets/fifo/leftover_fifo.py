"""A FIFO outlives its users: it stays as an empty file, reusable, until it is unlinked."""

import os
import stat
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "fifo")
    os.mkfifo(path)

    for session in (1, 2):  # two pairs of users, one after the other, on the same FIFO
        r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        w = os.open(path, os.O_WRONLY)
        os.write(w, f"session {session}".encode())
        os.close(w)
        print(f"session {session}: read {os.read(r, 100)!r}")
        os.close(r)
        info = os.stat(path)
        print(f"after session {session}: still a FIFO: {stat.S_ISFIFO(info.st_mode)}, "
              f"size {info.st_size}")

    # Bytes still unread when the last user closes are not kept anywhere.
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    w = os.open(path, os.O_WRONLY)
    os.write(w, b"never read")
    print(f"written but not read: size {os.stat(path).st_size}")
    os.close(w)
    os.close(r)
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    print(f"next reader finds: {os.read(r, 100)!r}")
    os.close(r)

    os.unlink(path)  # removing the name is the only clean-up a FIFO needs
    print(f"after unlink: exists: {os.path.exists(path)}")
