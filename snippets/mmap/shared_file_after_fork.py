"""The simplest file-based IPC: parent and child share an open file, even its offset."""
# snippet: runs = one

import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "shared.txt")
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    os.write(fd, b"parent first. ")

    pid = os.fork()
    if pid == 0:
        try:
            # Goes after the parent's bytes: the offset is shared
            os.write(fd, b"child next. ")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)  # without this the two writes could come in any order

    os.write(fd, b"parent last.")
    print(f"offset now: {os.lseek(fd, 0, os.SEEK_CUR)}")
    os.close(fd)
    with open(path, "rb") as f:
        print(f"file: {f.read()!r}")
