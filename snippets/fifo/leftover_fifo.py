"""A FIFO stores no data: st_size stays 0; unread bytes go when the last one closes."""
# snippet: runs = one

import array
import fcntl
import os
import stat
import tempfile
import termios


def waiting(fd: int) -> int:
    """How many bytes wait in the FIFO's kernel buffer (the FIONREAD ioctl)."""
    count = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, count)
    return count[0]


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

    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    w = os.open(path, os.O_WRONLY)
    os.write(w, b"unread")
    size = os.stat(path).st_size
    print(f"6 bytes written, none read: FIONREAD {waiting(r)}, st_size {size}")
    os.close(r)  # the reader leaves, the writer stays: the bytes stay too
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    print(f"reader gone, writer still open: a new reader gets {os.read(r, 100)!r}")

    os.write(w, b"unread")
    os.close(w)
    os.close(r)  # now nobody has the FIFO open
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    print(f"after everybody closed: FIONREAD {waiting(r)}, "
          f"a new reader gets {os.read(r, 100)!r}")
    os.close(r)

    os.unlink(path)  # removing the name is the only clean-up a FIFO needs
    print(f"after unlink: exists: {os.path.exists(path)}")
