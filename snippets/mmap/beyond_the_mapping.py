"""Past the mapping (Python checks); past the end of the file (zeros, then SIGBUS)."""

import mmap
import os
import resource
import signal
import tempfile

PAGE = mmap.PAGESIZE

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "data.bin")
    with open(path, "wb") as f:
        f.write(b"x" * (2 * PAGE))  # two pages of x

    with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
        try:
            m[2 * PAGE]
        except IndexError as exc:
            print(f"m[{2 * PAGE}] of a mapping of {2 * PAGE} bytes: IndexError: {exc}")

        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child shrinks the file under its mapping, then looks
            try:
                os.close(r)
                # No core file when it dies
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
                os.ftruncate(f.fileno(), 100)  # the file now ends inside the first page
                report = [
                    f"first 100 bytes still x: {m[:100] == b'x' * 100}",
                    f"bytes 100 to {PAGE - 1} (rest of the last page) all zero: "
                    f"{m[100:PAGE] == bytes(PAGE - 100)}",
                ]
                # A store past the end of the file, inside its last page
                m[200] = ord("!")
                m.flush()
                size = os.path.getsize(path)
                report.append(f"after a store at 200 and flush(), file size: {size}")
                os.write(w, "\n".join(report).encode())
                os.close(w)
                m[PAGE]  # a page with no file behind it at all
            finally:
                os._exit(0)
        os.close(w)
        with os.fdopen(r) as reports:
            for line in reports:
                print(f"child: {line.rstrip()}")
        _, status = os.waitpid(pid, 0)
        print(f"child touched m[{PAGE}], a page past the end of the file: killed by "
              f"{signal.Signals(os.WTERMSIG(status)).name}")
