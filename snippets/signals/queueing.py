"""Sent five times while blocked: a standard signal arrives once, a real-time one five
times; sigqueue() adds a value to each."""

import ctypes
import os
import signal
import struct

STANDARD, REALTIME = signal.SIGUSR1, signal.SIGRTMIN
signal.pthread_sigmask(signal.SIG_BLOCK, {STANDARD, REALTIME})
for _ in range(5):
    os.kill(os.getpid(), STANDARD)
    os.kill(os.getpid(), REALTIME)

counts = {STANDARD: 0, REALTIME: 0}
order = []
# Take what is there
while (info := signal.sigtimedwait({STANDARD, REALTIME}, 0)) is not None:
    counts[info.si_signo] += 1
    order.append(signal.Signals(info.si_signo).name)
print(f"sent 5 x SIGUSR1, delivered {counts[STANDARD]}")
print(f"sent 5 x SIGRTMIN, delivered {counts[REALTIME]}")
print(f"delivery order: {order}")

# A Python handler cannot show the difference: CPython records "it happened", not how
# often.
calls = []
signal.signal(REALTIME, lambda signum, frame: calls.append(signum))
for _ in range(5):
    os.kill(os.getpid(), REALTIME)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {STANDARD, REALTIME})
print(f"5 x SIGRTMIN to a Python handler: {len(calls)} call(s)")


# sigqueue() sends an int with the signal. Python has neither sigqueue() nor the value
# on the
# receiving side, so both go through ctypes here; a child takes what its parent queued.
class SigVal(ctypes.Union):
    _fields_ = [("sival_int", ctypes.c_int), ("sival_ptr", ctypes.c_void_p)]


class TimeSpec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


libc = ctypes.CDLL(None, use_errno=True)
libc.sigqueue.argtypes = [ctypes.c_int, ctypes.c_int, SigVal]
SI_QUEUE = -1  # si_code of a signal sent by sigqueue(), from <asm-generic/siginfo.h>


def take_with_value(sig: int) -> tuple[int, int]:
    """sigtimedwait() in C; returns (si_code, si_value) from the 128-byte siginfo_t."""
    mask = ctypes.create_string_buffer(128)  # glibc's sigset_t is 128 bytes
    libc.sigemptyset(mask)
    libc.sigaddset(mask, sig)
    info = ctypes.create_string_buffer(128)
    if libc.sigtimedwait(mask, info, ctypes.byref(TimeSpec(10, 0))) != sig:
        raise OSError(ctypes.get_errno(), "sigtimedwait")
    (code,) = struct.unpack_from("i", info, 8)  # si_code (offsets of 64-bit Linux)
    (value,) = struct.unpack_from("i", info, 24)  # si_value, as an int
    return code, value


signal.pthread_sigmask(signal.SIG_BLOCK, {REALTIME})  # the child starts with it blocked
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        os.close(r)
        got = [take_with_value(REALTIME), take_with_value(REALTIME)]
        info = signal.sigtimedwait({REALTIME}, 10)  # Python's own: a struct_siginfo
        os.write(w, f"{got};{info.si_code};{info.si_pid};{hasattr(info, 'si_value')};"
                    f"{info.si_status}".encode())
    finally:
        os._exit(0)
os.close(w)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {REALTIME})
for value in (100, 200, 300):
    if libc.sigqueue(pid, REALTIME, SigVal(value)) != 0:
        raise OSError(ctypes.get_errno(), "sigqueue")
got, code, sender, has_value, status = os.read(r, 200).decode().split(";")
os.close(r)
if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
    raise RuntimeError("the child failed")
print("sigqueue() of SIGRTMIN to a child, 3 times, with the values 100, 200, 300:")
print(f"  the first two, taken in C, (si_code, si_value): {got}; SI_QUEUE is "
      f"{SI_QUEUE}")
print(f"  the third, taken by signal.sigtimedwait: si_code {code}, si_pid is ours: "
      f"{int(sender) == os.getpid()}, has si_value: {has_value}, si_status: {status}")
