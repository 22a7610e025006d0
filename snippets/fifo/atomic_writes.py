"""Four writers share one FIFO: records of PIPE_BUF bytes never interleave; larger ones may."""

import os
import sys
import tempfile

WRITERS = 4


def run(path: str, record_size: int, records: int) -> tuple[int, int, int]:
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
    os.close(r)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"a writer failed: {status}")
    # Cut the stream into record-sized blocks: a record that arrived whole is one block
    # of a single letter; a block with two letters in it means records were interleaved.
    blocks = [stream[i:i + record_size] for i in range(0, len(stream), record_size)]
    torn = sum(block.count(block[0]) != len(block) for block in blocks)
    return len(stream), len(blocks), torn


with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "fifo")
    os.mkfifo(path)
    pipe_buf = os.pathconf(path, "PC_PIPE_BUF")
    print(f"PIPE_BUF: {pipe_buf}")
    for size, records in ((pipe_buf, 64), (100_000, 8)):
        total, blocks, torn = run(path, size, records)
        print(f"{WRITERS} writers x {records} records of {size} bytes: {total} bytes received, "
              f"{torn} of {blocks} records torn")
    print(f"records of 100000 bytes torn in this run: {torn} of {blocks}")
    os.unlink(path)
