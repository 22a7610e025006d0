"""In C: munmap needs a page-aligned address, and any whole page may be unmapped."""

import ctypes
import errno
import mmap
import os
import resource
import signal

PAGE = mmap.PAGESIZE
libc = ctypes.CDLL(None, use_errno=True)
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]

m = mmap.mmap(-1, 3 * PAGE)  # three pages
m[:] = b"a" * PAGE + b"b" * PAGE + b"c" * PAGE
# The address C's mmap() returned
start = ctypes.addressof(ctypes.c_char.from_buffer(m))

if libc.munmap(start + 1, PAGE) == -1:  # C's ptr++: not page-aligned
    print(f"munmap(start + 1, {PAGE}): {errno.errorcode[ctypes.get_errno()]}")
# Only in a throwaway process like this one: the mmap object still thinks it owns the
# middle page, and a new mapping the kernel puts in the hole could be written through
# it.
result = libc.munmap(start + PAGE, PAGE)  # the middle page: aligned, so allowed
print(f"munmap(start + {PAGE}, {PAGE}): returned {result}")
print(f"first and last pages still mapped: m[0] = {chr(m[0])!r}, "
      f"m[{2 * PAGE}] = {chr(m[2 * PAGE])!r}")

pid = os.fork()
if pid == 0:  # only a child touches the hole: it dies
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        m[PAGE]
    finally:
        os._exit(0)
_, status = os.waitpid(pid, 0)
print(f"child touched the middle page: killed by "
      f"{signal.Signals(os.WTERMSIG(status)).name}")
m.close()  # unmaps the whole range; the hole in it is no error
