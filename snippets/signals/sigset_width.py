"""glibc's sigset_t has room for 1024 signals; the kernel's mask holds 64 bits."""

import ctypes
import errno
import signal
import threading

libc = ctypes.CDLL(None, use_errno=True)
SIZE = 256  # larger than any sigset_t: each call below shows how many bytes it touches


def buffer(byte: int) -> ctypes.Array:
    return ctypes.create_string_buffer(bytes([byte]) * SIZE, SIZE)


def signals_in(buf: ctypes.Array) -> list[int]:
    """Signal n is bit n - 1, counting from the first byte."""
    bits = int.from_bytes(buf.raw, "little")
    return [n for n in range(1, SIZE * 8 + 1) if bits >> (n - 1) & 1]


# sizeof(sigset_t): posix_spawnattr_getsigmask() copies one whole sigset_t out of the
# attributes.
attr = ctypes.create_string_buffer(1024)  # posix_spawnattr_t is smaller than this
libc.posix_spawnattr_init(attr)
libc.posix_spawnattr_setsigmask(attr, buffer(0x00))
copied = buffer(0xFF)
libc.posix_spawnattr_getsigmask(attr, copied)
libc.posix_spawnattr_destroy(attr)
size = copied.raw.count(0)
print(f"bytes of one sigset_t, as posix_spawnattr_getsigmask() copies it: {size}")

emptied = buffer(0xFF)
libc.sigemptyset(emptied)
zeroed = emptied.raw.count(0)
print(f"bytes sigemptyset() zeroed in a buffer of 0xFF bytes: {zeroed}")

filled = buffer(0x00)
libc.sigfillset(filled)
members = signals_in(filled)
left_out = sorted(set(range(1, members[-1] + 1)) - set(members))
print(f"signals sigfillset() set in a zeroed buffer: 1 to {members[-1]} except "
      f"{', '.join(map(str, left_out))}")
result = libc.sigaddset(filled, 65)
print(f"sigaddset(set, 65): {result}, errno {errno.errorcode[ctypes.get_errno()]}")

# The kernel's mask, as it shows it for this thread.
old = signal.pthread_sigmask(signal.SIG_SETMASK, {signal.SIGUSR1, signal.SIGRTMAX})
with open(f"/proc/self/task/{threading.get_native_id()}/status") as f:
    blocked = next(line.split()[1] for line in f if line.startswith("SigBlk:"))
signal.pthread_sigmask(signal.SIG_SETMASK, old)
print(f"SigBlk with SIGUSR1 ({int(signal.SIGUSR1)}) and SIGRTMAX "
      f"({int(signal.SIGRTMAX)}) "
      f"blocked: {blocked}")
print(f"SigBlk's width: {len(blocked)} hex digits, {len(blocked) * 4} bits")
try:
    signal.pthread_sigmask(signal.SIG_BLOCK, {65})
except ValueError as e:
    print(f"blocking signal 65 from Python: ValueError: {e}")
