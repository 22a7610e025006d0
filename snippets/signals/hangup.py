"""SIGHUP: a terminal hangs up; a session leader exits (foreground job); nohup."""

import ctypes
import os
import pty
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36


def ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with status {os.WEXITSTATUS(status)}"


def read_until(fd: int, marker: bytes) -> None:
    data = b""
    while marker not in data:
        chunk = os.read(fd, 1024)
        if not chunk:
            raise EOFError(data)
        data += chunk


# 1. The terminal hangs up: the pty's master side is closed.
sys.stdout.flush()
# The child leads a new session; the pty is its controlling terminal
pid, master = pty.fork()
if pid == 0:
    try:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        print("READY", flush=True)
        os.read(0, 1)  # waits for input from the terminal
    finally:
        os._exit(0)
read_until(master, b"READY")
os.close(master)  # like closing the terminal window
print(f"terminal closed: its session leader was {ended(os.waitpid(pid, 0)[1])}")

# 2. The session leader exits while one job is in the foreground and another in the
# background.
# Orphans of our descendants become our children, so that we can wait for them.
ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
report_r, report_w = os.pipe()
ping_plain_r, ping_plain_w = os.pipe()
ping_nohup_r, ping_nohup_w = os.pipe()
ping_background_r, ping_background_w = os.pipe()
leave_r, leave_w = os.pipe()
NOHUP_JOB = ("import os, signal; "
             "ignored = signal.getsignal(signal.SIGHUP) == signal.SIG_IGN; "
             "os.write(1, f'ready nohup {os.getpid()} {ignored}\\n'.encode()); "
             "os.read(0, 1); os.write(1, b'alive nohup\\n')")
sys.stdout.flush()
leader, master = pty.fork()
if leader == 0:  # the session leader, like a shell on that terminal
    try:
        # needed to hand the terminal over
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        plain = os.fork()
        if plain == 0:  # a job process with SIGHUP at its default action
            try:
                os.setpgid(0, 0)
                signal.signal(signal.SIGHUP, signal.SIG_DFL)
                os.write(report_w, f"ready plain {os.getpid()}\n".encode())
                os.read(ping_plain_r, 1)
                os.write(report_w, b"alive plain\n")
            finally:
                os._exit(0)
        os.setpgid(plain, plain)
        started_by_nohup = os.fork()
        # the same job's second process, started through nohup
        if started_by_nohup == 0:
            try:
                os.setpgid(0, plain)
                signal.signal(signal.SIGHUP, signal.SIG_DFL)
                for fd, target in ((ping_nohup_r, 0), (report_w, 1), (report_w, 2)):
                    # no terminal on stdio: nohup then writes no nohup.out
                    os.dup2(fd, target)
                os.execvp("nohup", ["nohup", sys.executable, "-c", NOHUP_JOB])
            finally:
                os._exit(1)  # never go on into the parent's code
        try:
            # As shells do: both sides, whichever runs first
            os.setpgid(started_by_nohup, plain)
        except PermissionError:
            pass  # EACCES: it has already done so and started nohup
        os.tcsetpgrp(0, plain)  # the job is the terminal's foreground process group
        background = os.fork()
        if background == 0:  # a second job, in the background: running, never stopped
            try:
                os.setpgid(0, 0)
                signal.signal(signal.SIGHUP, signal.SIG_DFL)
                facts = (f"{os.getsid(0) == os.getsid(plain)} "
                         f"{os.getpgrp() != os.getpgid(plain)} "
                         f"{os.tcgetpgrp(0) == os.getpgrp()}")
                os.write(report_w, f"ready background {os.getpid()} {facts}\n".encode())
                os.read(ping_background_r, 1)
                os.write(report_w, b"alive background\n")
                os.read(ping_background_r, 1)  # until told to exit
            finally:
                os._exit(0)
        os.setpgid(background, background)
        os.read(leave_r, 1)
    finally:
        os._exit(0)

for fd in (report_w, ping_plain_r, ping_nohup_r, ping_background_r, leave_r):
    os.close(fd)
reports = os.fdopen(report_r)
pids = {}
try:
    facts = {}
    for _ in range(3):  # in whatever order they start
        words = reports.readline().split()
        pids[words[1]] = int(words[2])
        facts[words[1]] = words[3:]
    print(f"under nohup, SIGHUP is ignored: {facts['nohup'][0]}")
    same_session, own_group, foreground = facts["background"]
    print(f"background job: same session {same_session}, own process group "
          f"{own_group}, "
          f"terminal's foreground {foreground}")
    os.write(leave_w, b"!")
    print(f"session leader {ended(os.waitpid(leader, 0)[1])}")
    # The hang-up was sent while the leader exited, before it could be waited for.
    os.write(ping_nohup_w, b"?")
    print(f"the job's nohup process answers: {reports.readline().strip()!r}")
    os.write(ping_background_w, b"?")
    print(f"the background job answers: {reports.readline().strip()!r}")
    for name in ("plain", "nohup"):
        print(f"the job's {name} process: {ended(os.waitpid(pids.pop(name), 0)[1])}")
    os.write(ping_background_w, b"!")  # now it may exit
    print(f"the background job: {ended(os.waitpid(pids.pop('background'), 0)[1])}")
finally:
    # Only if something failed: nothing may outlive the snippet
    for pid in pids.values():
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    for fd in (master, ping_plain_w, ping_nohup_w, ping_background_w, leave_w):
        os.close(fd)
    reports.close()
