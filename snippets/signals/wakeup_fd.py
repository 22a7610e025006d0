"""signal.set_wakeup_fd: each signal writes its number to a socket a loop watches."""

import os
import select
import signal
import socket

reader, writer = socket.socketpair()
writer.setblocking(False)  # required: the C handler must never block
signal.set_wakeup_fd(writer.fileno())
for sig in (signal.SIGUSR1, signal.SIGUSR2):
    signal.signal(sig, lambda signum, frame: None)  # the Python handler can be trivial

os.kill(os.getpid(), signal.SIGUSR1)
os.kill(os.getpid(), signal.SIGUSR2)
readable, _, _ = select.select([reader], [], [], 5)  # what an event loop does
received = reader.recv(16)
print(f"socket readable: {bool(readable)}; bytes {list(received)} = "
      f"{[signal.Signals(n).name for n in received]}")
signal.set_wakeup_fd(-1)
reader.close()
writer.close()
