"""Several readers of one FIFO split its data: each byte goes to one reader only."""

import fcntl
import os
import sys
import tempfile

READERS, RECORDS, SIZE = 3, 300, 100  # 100-byte records: under PIPE_BUF, never torn

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "fifo")
    os.mkfifo(path)

    # 1. Two readers in turn: what one reads, the other no longer finds.
    first = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    second = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    w = os.open(path, os.O_WRONLY)
    os.write(w, b"hello")
    print(f"reader 1 reads {os.read(first, 100)!r}")
    try:
        os.read(second, 100)
    except BlockingIOError:
        print("reader 2, right after: nothing there (EAGAIN)")
    for fd in (first, second):
        os.close(fd)

    # 2. Reader processes at once: each reads whole records until EOF, then reports.
    ready_r, ready_w = os.pipe()  # each reader sends a byte once it has opened the FIFO
    report_r, report_w = os.pipe()
    children = []
    for _ in range(READERS):
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            status = 1  # unless everything below worked
            try:
                os.close(w)  # a reader holding a write end would never see EOF
                os.close(report_r)
                os.close(ready_r)
                fd = os.open(path, os.O_RDONLY)  # does not wait: a writer is open
                os.write(ready_w, b"!")
                count, seen = 0, 0  # seen: one bit per record number
                while record := os.read(fd, SIZE):
                    count, seen = count + 1, seen | 1 << int(record[:4])
                # one write, under PIPE_BUF:
                os.write(report_w, f"{count} {seen:x}\n".encode())
                status = 0
            finally:
                os._exit(status)
        children.append(pid)
    os.close(report_w)
    os.close(ready_w)
    for _ in range(READERS):  # write only once every reader is there
        os.read(ready_r, 1)
    os.close(ready_r)
    fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 4096)  # 40 records fit: readers must keep up
    for i in range(RECORDS):
        os.write(w, f"{i:04d}".encode().ljust(SIZE, b"."))  # one write() per record
    os.close(w)  # the readers see EOF once the data is gone

    chunks = []
    while chunk := os.read(report_r, 65536):
        chunks.append(chunk)
    reports = b"".join(chunks)
    os.close(report_r)
    for pid in children:
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            sys.exit("a reader failed")
    counts, union, overlap = [], 0, 0
    for count, seen in (line.split() for line in reports.decode().splitlines()):
        seen = int(seen, 16)
        counts.append(int(count))
        overlap |= union & seen  # a record that two readers both got
        union |= seen
    print(f"{READERS} reader processes, {RECORDS} records of {SIZE} bytes: "
          f"records per reader {sorted(counts)}")
    print(f"every record read, none by two readers: "
          f"{union == (1 << RECORDS) - 1 and overlap == 0 and sum(counts) == RECORDS}")
    os.unlink(path)
