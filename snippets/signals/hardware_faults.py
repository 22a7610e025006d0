"""CPU faults become signals: a bad address gives SIGSEGV, a vanished file page SIGBUS."""

import ctypes
import faulthandler
import mmap
import os
import resource
import signal
import tempfile


def in_child(fault) -> str:
    """Run fault() in a child and say how the child ended."""
    pid = os.fork()
    if pid == 0:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        faulthandler.disable()
        fault()
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with status {os.WEXITSTATUS(status)}"


def read_address_zero():
    ctypes.string_at(0)  # C code reads memory at address 0


def touch_truncated_mapping():
    with tempfile.TemporaryFile() as f:
        f.truncate(4096)
        m = mmap.mmap(f.fileno(), 4096)
        f.truncate(0)  # the page has no file behind it any more
        m[0]


print(f"reading address 0 through ctypes: {in_child(read_address_zero)}")
print(f"touching a mapped page past the end of its file: {in_child(touch_truncated_mapping)}")
try:
    quotient = 1 // 0  # in C on x86 this traps with SIGFPE; Python checks before dividing
except ZeroDivisionError as exc:
    print(f"integer division by zero in Python: ZeroDivisionError ({exc}), no signal")
