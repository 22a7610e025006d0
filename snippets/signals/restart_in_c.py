"""C calls through ctypes: SA_RESTART restarts read(), never poll() or sleeps."""

import ctypes
import errno
import os
import platform
import signal
import socket
import threading

libc = ctypes.CDLL(None, use_errno=True)
# System call numbers, to see in /proc which call the main thread is blocked in
# (glibc's sleeps: nanosleep before 2.31, clock_nanosleep since; poll may be ppoll).
GENERIC = {"read": {63}, "poll": {73}, "nanosleep": {101, 115}}
NUMBERS = {"x86_64": {"read": {0}, "poll": {7, 271}, "nanosleep": {35, 230}},
           "aarch64": GENERIC, "riscv64": GENERIC}.get(platform.machine())
if NUMBERS is None:
    print(f"This example needs the system call numbers of read, poll and nanosleep, "
          f"known here for x86_64, aarch64 and riscv64 only, not {platform.machine()}")
    raise SystemExit(0)


class PollFd(ctypes.Structure):
    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_short),
                ("revents", ctypes.c_short)]


class TimeSpec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def blocked_in(numbers: set[int]) -> bool:
    with open(f"/proc/self/task/{os.getpid()}/syscall") as f:
        return f.read().split()[0] in {str(n) for n in numbers}


data_r, data_w = os.pipe()
wake_r, wake_w = socket.socketpair()
wake_w.setblocking(False)
signal.set_wakeup_fd(wake_w.fileno())  # CPython's C handler writes here when it runs
signal.signal(signal.SIGUSR1, lambda signum, frame: None)


def interrupter(numbers: set[int]) -> None:
    """Signal the main thread once it blocks; after the handler ran, send data."""
    pause = threading.Event()
    while not blocked_in(numbers):
        pause.wait(0.001)  # the main thread will get there: it has nothing else to do
    signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
    wake_r.recv(1)  # the C handler has run: the kernel has decided, restart or EINTR
    os.write(data_w, b"data!")


CALLS = {
    "read": lambda: libc.read(data_r, ctypes.create_string_buffer(5), 5),
    # No time limit
    "poll": lambda: libc.poll(ctypes.byref(PollFd(data_r, 1, 0)), 1, -1),
    "nanosleep": lambda: libc.nanosleep(ctypes.byref(TimeSpec(20, 0)), None),  # 20 s
}
for restart, name in ((False, "read"), (True, "read"), (True, "poll"),
                      (True, "nanosleep")):
    # False means: install with SA_RESTART
    signal.siginterrupt(signal.SIGUSR1, not restart)
    thread = threading.Thread(target=interrupter, args=(NUMBERS[name],))
    thread.start()
    result = CALLS[name]()
    err = ctypes.get_errno()
    thread.join()
    if result == -1:
        os.read(data_r, 5)  # the data came after the call had given up: take it out
    if result == -1:
        outcome = f"-1, errno {errno.errorcode[err]}"
    else:
        outcome = f"{result} (restarted)"
    print(f"{name + '()':12} {'with' if restart else 'without'} SA_RESTART: returned "
          f"{outcome}")

signal.set_wakeup_fd(-1)
signal.signal(signal.SIGUSR1, signal.SIG_DFL)
for fd in (data_r, data_w):
    os.close(fd)
wake_r.close()
wake_w.close()
