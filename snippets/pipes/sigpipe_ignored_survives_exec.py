"""`yes | head -c 2` by hand: with SIGPIPE ignored, `yes` exits 1 instead of dying."""

import os
import signal
import subprocess
import sys


def describe(exitcode: int, stderr: bytes) -> str:
    """An exit code as os.waitstatus_to_exitcode gives it (-N: killed by signal N)."""
    if exitcode < 0:
        how = f"killed by {signal.Signals(-exitcode).name}"
    else:
        how = f"exit status {exitcode}"
    return f"yes: {how}, stderr {stderr.decode().strip()!r}"


def read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1024):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def run_yes(start) -> str:
    """Start `yes` on two pipes, read 2 bytes, close the read end: how does yes end?"""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()  # to show what `yes` says on stderr
    pid = start(out_w, err_w)
    os.close(out_w)
    os.close(err_w)
    first = os.read(out_r, 2)
    os.close(out_r)  # the reader quits, like `head` does
    _, status = os.waitpid(pid, 0)
    how = describe(os.waitstatus_to_exitcode(status), read_all(err_r))
    return f"read {first!r}, then {how}"


def fork_exec(reset_sigpipe: bool):
    def start(out_w: int, err_w: int) -> int:
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                if reset_sigpipe:
                    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
                # Without the reset, CPython's SIG_IGN is inherited and survives exec.
                os.execvp("yes", ["yes"])
            finally:
                os._exit(127)  # reached only if exec failed
        return pid
    return start


def posix_spawn(setsigdef: tuple[int, ...]):
    def start(out_w: int, err_w: int) -> int:
        actions = [(os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2)]
        # setsigdef: the signals set back to SIG_DFL in the child
        return os.posix_spawnp("yes", ["yes"], os.environ, file_actions=actions,
                               setsigdef=setsigdef)
    return start


def popen_yes() -> str:
    # subprocess sets SIGPIPE and SIGXFSZ back to SIG_DFL before exec (restore_signals)
    child = subprocess.Popen(["yes"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = child.stdout.read(2)
    child.stdout.close()
    stderr = child.stderr.read()
    child.stderr.close()
    return f"read {first!r}, then " + describe(child.wait(), stderr)


print(f"SIGPIPE in this Python process: {signal.getsignal(signal.SIGPIPE)!r}")
print(f"fork + exec, nothing reset:     {run_yes(fork_exec(reset_sigpipe=False))}")
print(f"fork + exec, SIG_DFL restored:  {run_yes(fork_exec(reset_sigpipe=True))}")
print(f"posix_spawn, no setsigdef:      {run_yes(posix_spawn(()))}")
print(f"posix_spawn, setsigdef=SIGPIPE: {run_yes(posix_spawn((signal.SIGPIPE,)))}")
print(f"subprocess.Popen:               {popen_yes()}")
