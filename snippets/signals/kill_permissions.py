"""Who may signal whom: signal 0 probes; other users are off limits, but for SIGCONT."""

import errno
import os
import signal
import sys

# The child inherits the mask
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
pid = os.fork()
if pid == 0:
    try:
        signal.sigwait({signal.SIGUSR1})  # wait until told to exit
    finally:
        os._exit(0)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})

os.kill(pid, 0)  # signal 0: checks that the process exists and may be signalled
print("kill(child, 0) while it runs: no error")
os.kill(pid, signal.SIGUSR1)
os.waitpid(pid, 0)
try:
    os.kill(pid, 0)
except ProcessLookupError as exc:
    print("kill(child, 0) after it was reaped: ProcessLookupError "
          f"{errno.errorcode[exc.errno]}")


def try_kill(target: int, sig: int) -> str:
    try:
        os.kill(target, sig)
        return "allowed"
    except PermissionError as exc:
        return f"PermissionError {errno.errorcode[exc.errno]}"


# Another user: a child gives up root and signals its parent, which stays root.
parent = os.getpid()
r, w = os.pipe()
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    try:
        os.close(r)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)  # real, effective and saved user ID all become 65534
        except PermissionError:
            os.write(w, b"no\n")
            os._exit(0)
        lines = [
            f"kill(parent, 0): {try_kill(parent, 0)}",
            f"kill(parent, SIGCONT), same session: {try_kill(parent, signal.SIGCONT)}",
        ]
        os.setsid()  # a session of its own
        after = try_kill(parent, signal.SIGCONT)
        lines.append(f"kill(parent, SIGCONT), after setsid(): {after}")
        os.write(w, "\n".join(lines).encode() + b"\n")
    finally:
        os._exit(0)
os.close(w)
answer = b""
while chunk := os.read(r, 1024):
    answer += chunk
os.close(r)
os.waitpid(pid, 0)
print(f"this run's user ID: {os.getuid()}")
if answer == b"no\n":
    print("another user's process: not shown")
    print("This example needs root for its last part: only a process with CAP_SETUID "
          "can make a child of another user")
else:
    print("another user's process: a child switched to uid 65534, its parent stayed "
          "root")
    for line in answer.decode().splitlines():
        print(f"  uid 65534 -> root parent, {line}")
