"""os.pipe() fds close at exec (PEP 446); inheritable, a forgotten write end hangs grep.

Each child runs `grep -c bash` on the pipe and keeps its copy of the write end.
"""

import os
import select
import signal
import subprocess
import sys

LINES = b"user  42 -bash\nuser  43 python3 x.py\n"
HANGS = "grep still waiting for EOF after 1 s (stopped with SIGTERM)"


def feed(w: int) -> None:
    """Write, then close the parent's write end: grep's EOF, unless grep holds one."""
    os.write(w, LINES)
    os.close(w)


def fork_exec_grep(inheritable: bool) -> str:
    r, w = os.pipe()
    os.set_inheritable(w, inheritable)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            if r != 0:  # (were the pipe already fd 0, closing r would close stdin)
                os.dup2(r, 0)  # stdin <- the pipe
                os.close(r)
            # w is left open on purpose: does it survive exec?
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            os.execlp("grep", "grep", "-c", "bash")
        finally:
            os._exit(127)  # reached only if exec failed
    os.close(r)
    feed(w)
    if inheritable:  # grep can never see EOF: give it a second to show it, then stop it
        pidfd = os.pidfd_open(pid)  # becomes readable when the process ends
        ended = select.select([pidfd], [], [], 1.0)[0]
        os.close(pidfd)
        if not ended:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            return HANGS
    _, status = os.waitpid(pid, 0)  # blocks until grep has seen EOF and exited
    return f"grep saw EOF and exited with status {os.waitstatus_to_exitcode(status)}"


def popen_grep(pass_write_end: bool) -> str:
    r, w = os.pipe()
    os.set_inheritable(w, True)  # subprocess still closes it, unless it is in pass_fds
    child = subprocess.Popen(["grep", "-c", "bash"], stdin=r, stdout=subprocess.DEVNULL,
                             pass_fds=(w,) if pass_write_end else ())
    os.close(r)
    feed(w)
    if pass_write_end:  # the same hang as above
        try:
            child.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            child.terminate()
            child.wait()
            return HANGS
    return f"grep saw EOF and exited with status {child.wait()}"


r, w = os.pipe()
print(f"os.pipe(): inheritable {os.get_inheritable(r)}, {os.get_inheritable(w)}")
os.close(r)
os.close(w)
print(f"fork + exec, default:            {fork_exec_grep(inheritable=False)}")
print(f"fork + exec, os.set_inheritable: {fork_exec_grep(inheritable=True)}")
print(f"subprocess, close_fds (default): {popen_grep(pass_write_end=False)}")
print(f"subprocess, pass_fds=(w,):       {popen_grep(pass_write_end=True)}")
