"""Writing to a pipe that nobody reads: the kernel sends SIGPIPE, which kills."""

import os
import signal
import sys

r, w = os.pipe()
os.close(r)  # no read end is open anywhere now

sys.stdout.flush()
pid = os.fork()
if pid == 0:
    try:
        # CPython ignores SIGPIPE at start-up: restore the default that C programs have.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        print("child: writing to a pipe that has no reader", flush=True)
        os.write(w, b"nobody will read this")
        print("child: still alive after the write", flush=True)
    finally:
        os._exit(0)

os.close(w)
_, status = os.waitpid(pid, 0)
if os.WIFSIGNALED(status):
    print(f"parent: child killed by {signal.Signals(os.WTERMSIG(status)).name}")
else:
    print(f"parent: child exited with status {os.WEXITSTATUS(status)}")
