"""Question 5: touching past the mapping (Python checks) and past the end of the file (SIGBUS)."""

import mmap
import os
import resource
import signal
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "data.bin")
    with open(path, "wb") as f:
        f.write(b"x" * 8192)

    with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
        try:
            m[8192]
        except IndexError as exc:
            print(f"m[8192] of an 8192-byte mapping: IndexError: {exc}")

        pid = os.fork()
        if pid == 0:  # the child shrinks the file under its mapping, then touches it
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            os.ftruncate(f.fileno(), 0)
            m[100]  # inside the mapping, but the page has no file behind it any more
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        print(f"child touched a page past the end of the file: killed by "
              f"{signal.Signals(os.WTERMSIG(status)).name}")
