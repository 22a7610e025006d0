"""An empty file: Python refuses to map it; C maps it, then the first access: SIGBUS."""

import ctypes
import mmap
import os
import resource
import signal
import tempfile

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                      ctypes.c_int, ctypes.c_long]
MAP_FAILED = ctypes.c_void_p(-1).value

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "new.bin")
    with open(path, "w+b") as f:
        try:
            mmap.mmap(f.fileno(), 0)
        except ValueError as exc:
            print(f"Python, empty file: {type(exc).__name__}: {exc}", flush=True)

        pid = os.fork()
        # The same in C terms, in a child: mmap() of 4096 bytes, then one read
        if pid == 0:
            try:
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
                address = libc.mmap(None, 4096, mmap.PROT_READ, mmap.MAP_SHARED,
                                    f.fileno(), 0)
                print(f"C, empty file: mmap() of 4096 bytes succeeded: "
                      f"{address != MAP_FAILED}", flush=True)
                # The first access: no page of the file exists
                ctypes.string_at(address, 1)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        print(f"C, first access: killed by {signal.Signals(os.WTERMSIG(status)).name}")

        os.ftruncate(f.fileno(), 4096)  # give it a size first
        with mmap.mmap(f.fileno(), 0) as m:
            zeros = m[:] == bytes(len(m))
            print(f"after ftruncate to 4096: mapped {len(m)} bytes, all zero: {zeros}")
