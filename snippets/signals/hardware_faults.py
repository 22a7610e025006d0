"""CPU faults become signals: SIGSEGV, SIGBUS, SIGFPE; a misaligned read, most
overflows and a float division by zero do not trap."""

import ctypes
import faulthandler
import mmap
import os
import platform
import signal
import tempfile

libc = ctypes.CDLL(None)
libm = ctypes.CDLL("libm.so.6")
libm.pow.restype = ctypes.c_double
libm.pow.argtypes = [ctypes.c_double, ctypes.c_double]
# FE_DIVBYZERO and FE_ALL_EXCEPT from <fenv.h>: their values depend on the CPU.
FE_DIVBYZERO, FE_ALL_EXCEPT = {"x86_64": (0x04, 0x3D), "aarch64": (0x02, 0x1F)}.get(
    platform.machine(), (None, None))
PR_SET_DUMPABLE = 4
INT_MIN = -(2**31)  # the smallest C int


def in_child(fault) -> str:
    """Run fault() in a child; say what it returned, if anything, and how it ended."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no core dump, whatever the host
            faulthandler.disable()
            result = fault()
            if result is not None:
                os.write(w, result.encode())
        finally:
            os._exit(0)
    os.close(w)
    returned = os.read(r, 100).decode()  # "" if the child died first
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"returned {returned}, exited with status {os.WEXITSTATUS(status)}"


def read_address_zero():
    ctypes.string_at(0)  # C code reads memory at address 0


def touch_truncated_mapping():
    with tempfile.TemporaryFile() as f:
        f.truncate(4096)
        m = mmap.mmap(f.fileno(), 4096)
        f.truncate(0)  # the page has no file behind it any more
        m[0]


def read_at_odd_address() -> str:
    data = ctypes.create_string_buffer(bytes(range(16)))
    # One 8-byte load from address + 1
    value = ctypes.c_uint64.from_buffer(data, 1).value
    return f"{value:#x} (address % 8 = {(ctypes.addressof(data) + 1) % 8})"


def integer_division_in_c():
    libc.div(1, 0)  # glibc's div() divides two ints with the CPU's integer division


def overflowing_division_in_c():
    libc.div(INT_MIN, -1)  # the quotient, 2**31, does not fit in an int


def overflowing_negation_in_c() -> str:
    return str(libc.abs(INT_MIN))  # -INT_MIN does not fit in an int either


def float_division_trapped():
    # Ask the CPU to trap this floating-point exception
    libm.feenableexcept(FE_DIVBYZERO)
    libm.pow(0.0, -1.0)


print(f"machine: {platform.machine()}")
print(f"reading address 0 through ctypes: {in_child(read_address_zero)}")
print("touching a mapped page past the end of its file: "
      f"{in_child(touch_truncated_mapping)}")
print("reading 8 bytes at an odd address through ctypes: "
      f"{in_child(read_at_odd_address)}")
print(f"integer division 1 / 0 in C (glibc div()): {in_child(integer_division_in_c)}")
print("integer overflow INT_MIN / -1 in C (glibc div()): "
      f"{in_child(overflowing_division_in_c)}")
print("integer overflow -INT_MIN in C (glibc abs()): "
      f"{in_child(overflowing_negation_in_c)}")

if FE_DIVBYZERO is None:
    print(f"This example needs the <fenv.h> values of {platform.machine()} for its "
          "float division, known here for x86_64 and aarch64 only")
else:
    libm.feclearexcept(FE_ALL_EXCEPT)
    result = libm.pow(0.0, -1.0)  # glibc computes this pole error as 1.0 / 0.0
    flag = bool(libm.fetestexcept(FE_DIVBYZERO))
    print(f"float division by zero in C (pow(0.0, -1.0)): returned {result}, "
          f"FE_DIVBYZERO flag set: {flag}, no signal")
    trapped = in_child(float_division_trapped)
    print(f"the same after feenableexcept(FE_DIVBYZERO): {trapped}")
try:
    quotient = 1 // 0  # Python checks the divisor before dividing
except ZeroDivisionError as exc:
    print(f"integer division by zero in Python: ZeroDivisionError ({exc}), no signal")
