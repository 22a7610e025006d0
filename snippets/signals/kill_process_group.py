"""os.kill with pid > 0 (one process), 0 (the sender's own group) and < -1 (a group)."""

import os
import signal
import sys

SIGNALS = {signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM}
# Inherited: no signal is lost before sigwait
signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)


def read_bytes(fd: int, n: int) -> None:
    while n > 0:
        n -= len(os.read(fd, n))


def member(name: str, ready_w: int, report_w: int, children: list[int]) -> None:
    """Say ready, collect signals until SIGTERM, report them."""
    os.write(ready_w, b"!")
    got = []
    while (info := signal.sigtimedwait(SIGNALS, 10)) is not None:
        got.append(signal.Signals(info.si_signo).name)
        # The leader passes it on to its whole group
        if info.si_signo == signal.SIGUSR1:
            os.kill(0, signal.SIGUSR2)  # pid == 0: every process in the sender's group
            os.write(ready_w, b"0")
        if info.si_signo == signal.SIGTERM:
            break
    os.write(report_w, f"{name}: {' '.join(got)}\n".encode())
    for pid in children:
        os.waitpid(pid, 0)
    os._exit(0)


ready_r, ready_w = os.pipe()
report_r, report_w = os.pipe()
sys.stdout.flush()
leader = os.fork()
if leader == 0:
    try:
        os.setpgid(0, 0)  # a new process group, made for this demonstration
        children = []
        for name in ("member 1", "member 2"):
            pid = os.fork()
            if pid == 0:
                try:
                    member(name, ready_w, report_w, [])
                finally:
                    os._exit(1)  # never go on into the parent's code
            children.append(pid)
        member("leader  ", ready_w, report_w, children)
    finally:
        os._exit(1)  # never go on into the parent's code

os.close(report_w)
os.close(ready_w)
try:
    read_bytes(ready_r, 3)  # all three are waiting for signals
    group = os.getpgid(leader)
    print(f"the demonstration group is not ours: {group != os.getpgrp()}")
    os.kill(leader, signal.SIGUSR1)  # pid > 0: exactly one process
    read_bytes(ready_r, 1)  # the leader has sent SIGUSR2 to its group
    os.kill(-group, signal.SIGTERM)  # pid < -1: every process in group |pid|
    reports = b""
    while chunk := os.read(report_r, 1024):
        reports += chunk
    for line in sorted(reports.decode().splitlines()):
        print(line)
finally:
    try:
        os.killpg(leader, signal.SIGKILL)  # nothing of the group may outlive a failure
    except ProcessLookupError:
        pass
    os.waitpid(leader, 0)
