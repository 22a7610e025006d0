"""Who may signal whom: signal 0 tests a pid, and another user's process is off limits."""

import errno
import os
import signal

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})  # the child inherits the mask
pid = os.fork()
if pid == 0:
    signal.sigwait({signal.SIGUSR1})  # wait until told to exit
    os._exit(0)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})

os.kill(pid, 0)  # signal 0: checks that the process exists and may be signalled
print("kill(child, 0) while it runs: no error")
os.kill(pid, signal.SIGUSR1)
os.waitpid(pid, 0)
try:
    os.kill(pid, 0)
except ProcessLookupError as exc:
    print(f"kill(child, 0) after it was reaped: ProcessLookupError {errno.errorcode[exc.errno]}")

if os.getuid() == 0:
    parent = os.getpid()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # drop to an unprivileged user, then try to signal the (root) parent
        os.setgid(65534)
        os.setuid(65534)
        try:
            os.kill(parent, 0)
            os.write(w, b"allowed")
        except PermissionError as exc:
            os.write(w, f"PermissionError {errno.errorcode[exc.errno]}".encode())
        os._exit(0)
    os.close(w)
    print(f"uid 65534 signalling a root process: {os.read(r, 100).decode()}")
    os.close(r)
    os.waitpid(pid, 0)
else:
    print("not running as root: the uid 65534 experiment needs root to switch users")
