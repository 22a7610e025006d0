"""The pattern: make a FIFO in a private folder, open it from both sides, remove it."""
# snippet: runs = one

import os
import sys
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "channel")
    os.mkfifo(path, 0o600)  # a name in the file system; only this user may open it
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:  # the writer; any process that knows the path could be
        try:
            fd = os.open(path, os.O_WRONLY)  # waits until a reader opens the FIFO
            os.write(fd, b"one\ntwo\nthree\n")
            os.close(fd)
        finally:
            os._exit(0)
    fd = os.open(path, os.O_RDONLY)  # waits until a writer opens the FIFO
    chunks = []
    while chunk := os.read(fd, 4096):  # b"" (EOF) once the writer has closed
        chunks.append(chunk)
    os.close(fd)
    print(f"reader got {b''.join(chunks).decode().splitlines()}")
    os.waitpid(pid, 0)
    os.unlink(path)  # a FIFO stays until removed (here the folder would go anyway)
