"""Four writers share one FIFO: records of PIPE_BUF bytes never interleave; larger ones may."""

import os
import sys
import tempfile

WRITERS = 4


def run(path: str, record_size: int, records: int) -> tuple[int, int]:
    """Each writer sends `records` records, each filled with its own letter; count torn ones."""
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # do not wait for a writer here...
    w = os.open(path, os.O_WRONLY)  # ...because this one comes at once
    os.set_blocking(r, True)
    children = []
    for n in range(WRITERS):
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # each writer uses the write end it inherited
            os.close(r)
            record = bytes([ord("A") + n]) * record_size
            for _ in range(records):
                os.write(w, record)  # one write() call per record
            os._exit(0)
        children.append(pid)
    os.close(w)  # now only the writers hold write ends: EOF comes when the last one exits
    stream = bytearray()
    while chunk := os.read(r, 65536):
        stream += chunk
    for pid in children:
        os.waitpid(pid, 0)
    os.close(r)
    # A record arrived whole if its bytes form one run of `record_size` equal bytes.
    torn, start = 0, 0
    while start < len(stream):
        end = start
        while end < len(stream) and stream[end] == stream[start] and end - start < record_size:
            end += 1
        torn += end - start != record_size
        start = end
    return len(stream), torn


with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "fifo")
    os.mkfifo(path)
    pipe_buf = os.pathconf(path, "PC_PIPE_BUF")
    total, torn = run(path, pipe_buf, 64)
    print(f"records of {pipe_buf} bytes (PIPE_BUF): {total} bytes received, {torn} torn")
    total, torn = run(path, 100_000, 8)
    print(f"records of 100000 bytes: {total} bytes received, {torn} torn pieces (varies)")
