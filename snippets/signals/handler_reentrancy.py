"""A handler interrupts the program anywhere: a print() or a lock in it can fail."""

import os
import platform
import signal
import threading

# write()'s system call number, to see in /proc that the main thread sleeps in it.
WRITE = {"x86_64": 1, "aarch64": 64, "riscv64": 64}.get(platform.machine())
if WRITE is None:
    print(f"This example needs write()'s system call number, known here for x86_64, "
          f"aarch64 and riscv64 only, not {platform.machine()}")
    raise SystemExit(0)


def main_thread_blocked_in_write(fd: int) -> bool:
    """True once the main thread sleeps in write(fd, ...), as /proc shows it."""
    with open(f"/proc/self/task/{os.getpid()}/syscall") as f:
        fields = f.read().split()
    return fields[0] == str(WRITE) and int(fields[1], 16) == fd


r, w = os.pipe()
os.set_blocking(w, False)
try:
    while True:  # fill the pipe, so that the next write blocks
        os.write(w, b"x" * 4096)
except BlockingIOError:
    pass
os.set_blocking(w, True)
# line-buffered text over a BufferedWriter, like a terminal's
out = open(w, "w", buffering=1)


def handler(signum, frame):
    # Writes through the same BufferedWriter
    print("handler: SIGUSR1 arrived", file=out)


def sender():
    while not main_thread_blocked_in_write(w):
        threading.Event().wait(0.001)
    signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
    os.read(r, 1 << 20)  # then make room, so that the main thread's write can finish


signal.signal(signal.SIGUSR1, handler)
thread = threading.Thread(target=sender)
thread.start()
try:
    print("main program: a line that has to wait for room in the pipe", file=out)
    print("print() in the handler: worked")
except RuntimeError as exc:
    print(f"print() in the handler raised RuntimeError: {exc}")
thread.join()
out.close()
os.close(r)

# A handler that takes a lock the interrupted code holds waits for itself.
lock = threading.Lock()


got = []


def locking_handler(signum, frame):
    got.append(lock.acquire(timeout=0.5))  # without a timeout this would wait forever


signal.signal(signal.SIGUSR1, locking_handler)
with lock:  # the main program holds the lock when the signal comes
    signal.raise_signal(signal.SIGUSR1)
print(f"handler: lock.acquire(timeout=0.5) returned {got[0]}: "
      "the interrupted code holds it")
signal.signal(signal.SIGUSR1, signal.SIG_DFL)
