"""Non-blocking mode: read() on an empty pipe raises BlockingIOError, does not wait."""

import fcntl
import os
import sys

r, w = os.pipe()

os.set_blocking(r, False)  # the short way
print(f"O_NONBLOCK set: {bool(fcntl.fcntl(r, fcntl.F_GETFL) & os.O_NONBLOCK)}")
try:
    os.read(r, 100)
except BlockingIOError as exc:
    print(f"empty pipe, writer open: {type(exc).__name__} (errno {exc.errno}, EAGAIN)")

os.write(w, b"data")
print(f"with data: {os.read(r, 100)!r}")

os.close(w)
print(f"empty pipe, no writer left: {os.read(r, 100)!r} (EOF, not an error)")
os.close(r)

# The long way, as in C: read the flags, add O_NONBLOCK, write them back.
r, w = os.pipe()
flags = fcntl.fcntl(r, fcntl.F_GETFL)
fcntl.fcntl(r, fcntl.F_SETFL, flags | os.O_NONBLOCK)
flags = fcntl.fcntl(r, fcntl.F_GETFL)
print(f"fcntl way, O_NONBLOCK set: {bool(flags & os.O_NONBLOCK)}")

# The flag belongs to the open file description, which a forked child shares.
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    try:
        os.set_blocking(r, True)  # the child switches it back...
    finally:
        os._exit(0)
os.waitpid(pid, 0)
print(f"after the child cleared it, the parent's O_NONBLOCK: {not os.get_blocking(r)}")
os.close(r)
os.close(w)
