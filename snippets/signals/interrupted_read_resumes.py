"""PEP 475: an interrupted read resumes after the handler, unless the handler raises."""

import os
import platform
import signal
import threading

# read()'s system call number, to see in /proc which call the main thread sleeps in.
READ = {"x86_64": 0, "aarch64": 63, "riscv64": 63}.get(platform.machine())
if READ is None:
    print(f"This example needs read()'s system call number, known here for x86_64, "
          f"aarch64 and riscv64 only, not {platform.machine()}")
    raise SystemExit(0)


def main_thread_in_read(fd: int) -> bool:
    """True while the main thread sleeps in read(fd, ...), as /proc shows it."""
    with open(f"/proc/self/task/{os.getpid()}/syscall") as f:
        fields = f.read().split()
    return fields[0] == str(READ) and int(fields[1], 16) == fd


def wait_until(condition) -> None:
    pause = threading.Event()
    while not condition():
        pause.wait(0.001)


handled = []
data_r, data_w = os.pipe()
seen = {}


def interrupter(then_write: bool) -> None:
    """Once the main thread blocks in read(), signals it, then maybe writes data."""
    wait_until(lambda: main_thread_in_read(data_r))
    seen["blocked in read() before the signal"] = True
    signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
    if then_write:
        # Handled, and reading again
        wait_until(lambda: handled and main_thread_in_read(data_r))
        seen["handler ran, then read() was waiting again"] = True
        os.write(data_w, b"data after the signal")


signal.signal(signal.SIGUSR1, lambda signum, frame: handled.append("SIGUSR1"))
thread = threading.Thread(target=interrupter, args=(True,))
thread.start()
data = os.read(data_r, 100)
thread.join()
for what, value in seen.items():
    print(f"{what}: {value}")
print(f"read returned {data!r}; handler ran: {handled}")


def give_up(signum, frame):
    raise TimeoutError("the handler raised")


signal.signal(signal.SIGUSR1, give_up)
thread = threading.Thread(target=interrupter, args=(False,))  # no data will ever come
thread.start()
try:
    os.read(data_r, 100)
except TimeoutError as exc:
    print(f"read was abandoned: TimeoutError: {exc}")
thread.join()
os.close(data_r)
os.close(data_w)
