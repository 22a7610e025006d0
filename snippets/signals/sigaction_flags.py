"""The kernel's flags for signal.signal, glibc's signal() and sysv_signal()."""

import ctypes
import signal

libc = ctypes.CDLL(None, use_errno=True)


class SigAction(ctypes.Structure):  # glibc's struct sigaction on Linux (x86-64, arm64)
    _fields_ = [("handler", ctypes.c_void_p), ("mask", ctypes.c_ulong * 16),
                ("flags", ctypes.c_int), ("restorer", ctypes.c_void_p)]


FLAGS = {"SA_NOCLDSTOP": 0x1, "SA_NOCLDWAIT": 0x2, "SA_SIGINFO": 0x4,
         "SA_ONSTACK": 0x08000000, "SA_RESTART": 0x10000000, "SA_NODEFER": 0x40000000,
         "SA_RESETHAND": 0x80000000}


def kernel_view(sig: signal.Signals) -> str:
    """sigaction(sig, NULL, &old): the flags and the mask installed for sig."""
    old = SigAction()
    if libc.sigaction(int(sig), None, ctypes.byref(old)) != 0:
        raise OSError(ctypes.get_errno(), "sigaction")
    flags = [name for name, bit in FLAGS.items() if old.flags & bit] or ["none"]
    mask = [s.name for s in signal.Signals if 0 < s < 64 and old.mask[0] >> (s - 1) & 1]
    return f"sa_flags {' '.join(flags)}; sa_mask {mask}"


def handler(signum, frame):
    pass


signal.signal(signal.SIGUSR1, handler)
print(f"Python signal.signal(SIGUSR1, f): {kernel_view(signal.SIGUSR1)}")
signal.siginterrupt(signal.SIGUSR1, False)
print(f"after siginterrupt(SIGUSR1, False): {kernel_view(signal.SIGUSR1)}")

# Never called here
c_handler = ctypes.CFUNCTYPE(None, ctypes.c_int)(lambda signum: None)
libc.signal.restype = ctypes.c_void_p
libc.signal(int(signal.SIGUSR2), c_handler)
print(f"glibc signal(SIGUSR2, f), BSD semantics: {kernel_view(signal.SIGUSR2)}")
libc.sysv_signal.restype = ctypes.c_void_p
libc.sysv_signal(int(signal.SIGUSR2), c_handler)
print("glibc sysv_signal(SIGUSR2, f), System V semantics: "
      f"{kernel_view(signal.SIGUSR2)}")
signal.signal(signal.SIGUSR2, signal.SIG_DFL)
signal.signal(signal.SIGUSR1, signal.SIG_DFL)
