"""PEP 475: a read interrupted by a handled signal is resumed; a handler that raises aborts it."""

import os
import signal

handled = []
signal.signal(signal.SIGUSR1, lambda signum, frame: handled.append("SIGUSR1"))

data_r, data_w = os.pipe()
pid = os.fork()
if pid == 0:  # the child interrupts the parent's read, then sends the data
    os.kill(os.getppid(), signal.SIGUSR1)
    os.write(data_w, b"data after the signal")
    os._exit(0)
print(f"read returned {os.read(data_r, 100)!r}; handler ran: {handled}")
os.waitpid(pid, 0)


def give_up(signum, frame):
    raise TimeoutError("the handler raised")


signal.signal(signal.SIGUSR1, give_up)
pid = os.fork()
if pid == 0:  # interrupts, and never sends data
    os.kill(os.getppid(), signal.SIGUSR1)
    os._exit(0)
try:
    os.read(data_r, 100)
except TimeoutError as exc:
    print(f"read was abandoned: TimeoutError: {exc}")
os.waitpid(pid, 0)
os.close(data_r)
os.close(data_w)
