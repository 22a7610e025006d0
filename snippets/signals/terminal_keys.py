"""Ctrl+C, Ctrl+\\ and Ctrl+Z typed into a pseudo-terminal signal its foreground job."""

import ctypes
import os
import pty
import signal
import sys

KEYS = [("Ctrl+C", b"\x03"), ("Ctrl+\\", b"\x1c"), ("Ctrl+Z", b"\x1a")]


def read_line_after(fd: int, marker: bytes) -> str:
    """Read the terminal's output up to the end of the line that starts with marker."""
    data = b""
    while marker not in data or b"\n" not in data.split(marker, 1)[1]:
        chunk = os.read(fd, 1024)
        if not chunk:
            raise EOFError(data)
        data += chunk
    return data.split(marker, 1)[1].split(b"\n", 1)[0].decode().strip()


def session_leader(done_r: int) -> None:
    """On the pty, as a shell does: start a job in its own group, make it foreground."""
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # needed to hand the terminal over
    ready_r, ready_w = os.pipe()
    job = os.fork()
    if job == 0:  # the job: default dispositions, waits quietly
        try:
            os.setpgid(0, 0)
            # PR_SET_DUMPABLE 0: SIGQUIT dumps no core
            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
            for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTOU):
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, set())
            os.write(ready_w, b"!")  # only now may a key arrive
            while True:
                signal.pause()
        finally:
            os._exit(1)  # never go on into the parent's code
    os.setpgid(job, job)
    os.tcsetpgrp(0, job)  # the job is now the terminal's foreground process group
    os.read(ready_r, 1)
    print("READY", flush=True)
    _, status = os.waitpid(job, os.WUNTRACED)
    if os.WIFSTOPPED(status):
        name = signal.Signals(os.WSTOPSIG(status)).name
        print(f"RESULT stopped by {name}", flush=True)
        os.kill(job, signal.SIGKILL)
        os.waitpid(job, 0)
    elif os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        print(f"RESULT killed by {name}", flush=True)
    else:
        print(f"RESULT exited with status {os.WEXITSTATUS(status)}", flush=True)
    # Stay until the result has been read: output written just before the terminal's
    # last
    # holder exits can be lost (the reader gets EIO instead).
    os.read(done_r, 1)
    os._exit(0)


for name, key in KEYS:
    sys.stdout.flush()
    done_r, done_w = os.pipe()
    # The child gets a new session with the pty as its terminal
    pid, master = pty.fork()
    if pid == 0:
        try:
            session_leader(done_r)
        finally:
            os._exit(1)  # never go on into the parent's code
    read_line_after(master, b"READY")
    os.write(master, key)  # as if typed on the keyboard
    result = read_line_after(master, b"RESULT")
    os.write(done_w, b"!")
    os.waitpid(pid, 0)
    for fd in (master, done_r, done_w):
        os.close(fd)
    print(f"{name:7} -> foreground job {result}")
