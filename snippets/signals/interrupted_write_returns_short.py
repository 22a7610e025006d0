"""A blocking write cut short by a handled signal returns a short count."""

import fcntl
import os
import platform
import signal
import struct
import sys
import termios
import threading
import time

# The write() system call's number
WRITE = {"x86_64": 1, "aarch64": 64}.get(platform.machine())


def child_state(pid: int, fd: int) -> tuple[str, str | None]:
    """The child's state, and where /proc says it sleeps (None: not there yet)."""
    with open(f"/proc/{pid}/stat") as f:
        state = f.read().rpartition(")")[2].split()[0]
    try:
        with open(f"/proc/{pid}/syscall") as f:  # needs ptrace access to the child
            # The call's number and arguments, once it is off the CPU
            fields = f.read().split()
        if fields[0] == str(WRITE) and int(fields[1], 16) == fd:
            return state, f"in write() on the pipe, {int(fields[3], 16)} bytes asked"
        if WRITE is not None:
            return state, None
    except OSError:
        pass
    try:
        # The kernel function it sleeps in, or "0"
        with open(f"/proc/{pid}/wchan") as f:
            where = f.read()
        return state, (f"waiting in {where}" if where != "0" else None)
    except OSError:
        return state, ""  # nothing more to learn: the state alone


r, w = os.pipe()
capacity = fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)
size = 16 * capacity  # far more than the pipe can hold
print(f"parent: pipe capacity (F_GETPIPE_SZ): {capacity}")
print(f"parent: bytes the child asks os.write to write (nobody reads): {size}")
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    try:
        os.close(r)
        handled = []
        signal.signal(signal.SIGUSR1,
                      lambda signum, frame: handled.append(signal.Signals(signum).name))
        written = os.write(w, b"x" * size)  # blocks once the pipe is full
        print(f"child: os.write returned: {written}", flush=True)
        print(f"child: handler ran: {handled}", flush=True)
    finally:
        os._exit(0)

os.close(w)
# Wait until the pipe is full and the child sleeps, still inside that write().
pause = threading.Event()
deadline = time.monotonic() + 20
while True:
    queued = struct.unpack("i", fcntl.ioctl(r, termios.FIONREAD, b"\0" * 4))[0]
    state, doing = child_state(pid, w)
    full = queued == fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)
    if full and state == "S" and doing is not None:
        break
    if time.monotonic() > deadline:
        sys.exit(f"parent: the child never blocked (queued {queued}, state {state})")
    pause.wait(0.001)
print(f"parent: bytes in the pipe before the signal (FIONREAD): {queued}")
print(f"parent: the child before the signal: state {state}"
      + (f", {doing}" if doing else ""))
sys.stdout.flush()  # before the child prints
os.kill(pid, signal.SIGUSR1)
_, status = os.waitpid(pid, 0)
drained = 0
while chunk := os.read(r, 65536):
    drained += len(chunk)
os.close(r)
print(f"parent: child exited with status {os.waitstatus_to_exitcode(status)}")
print(f"parent: bytes the pipe held after the child ended: {drained}")
