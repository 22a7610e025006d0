"""Four writers, one FIFO: records of PIPE_BUF bytes never interleave; larger may."""

import os
import re
import sys
import tempfile

WRITERS = 4


def torn_records(stream: bytes, size: int) -> int:
    """How many records did not arrive as one unbroken run of bytes.

    A writer's own bytes arrive in order, so its record k is bytes k*size to (k+1)*size
    of what it sent. Walk the stream in runs of one letter: a record is whole when all
    its bytes fall inside one run.
    """
    sent = {}  # per writer: how many of its bytes the runs so far held
    whole = 0
    for run in re.finditer(rb"(.)\1*", stream, re.DOTALL):
        start = sent.get(run[1], 0)
        end = start + len(run[0])
        whole += max(0, end // size - -(-start // size))  # records inside [start, end)
        sent[run[1]] = end
    return len(stream) // size - whole


def run(path: str, record_size: int, records: int) -> tuple[int, int, int]:
    """Each writer sends `records` records, each filled with its own letter."""
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # do not wait for a writer here...
    w = os.open(path, os.O_WRONLY)  # ...because this one comes at once
    os.set_blocking(r, True)
    children = []
    for n in range(WRITERS):
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # each writer uses the write end it inherited
            status = 1
            try:
                os.close(r)
                record = bytes([ord("A") + n]) * record_size
                for _ in range(records):
                    os.write(w, record)  # one write() call per record
                status = 0
            finally:
                os._exit(status)
        children.append(pid)
    os.close(w)  # only the writers hold write ends now: EOF once the last one exits
    chunks = []
    while chunk := os.read(r, 65536):
        chunks.append(chunk)
    os.close(r)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"a writer failed: {status}")
    stream = b"".join(chunks)
    return len(stream), WRITERS * records, torn_records(stream, record_size)


with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "fifo")
    os.mkfifo(path)
    pipe_buf = os.pathconf(path, "PC_PIPE_BUF")
    print(f"PIPE_BUF: {pipe_buf}")
    for size, records in ((pipe_buf, 64), (100_000, 8)):
        total, sent, torn = run(path, size, records)
        print(f"{WRITERS} writers x {records} records of {size} bytes: "
              f"{total} bytes received, {torn} of {sent} records torn")
    print(f"records of 100000 bytes torn in this run (of {sent}): {torn}")
    os.unlink(path)
