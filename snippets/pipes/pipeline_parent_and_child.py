"""`producer | grep bash` by hand: the parent writes, a child runs grep with the pipe as stdin.

The original made the parent exec `ps`, so nobody waited for grep. Here the parent stays itself,
writes the producer's lines, closes the write end (grep's EOF), and waits for grep.
"""

import os
import signal
import sys

LINES = b"root    1 init\nuser  42 -bash\nuser  43 python3 server.py\nuser  44 bash -l\n"

r, w = os.pipe()
sys.stdout.flush()
pid = os.fork()
if pid == 0:  # child: stdin <- the pipe, then become grep
    os.dup2(r, 0)  # the copy on fd 0 is inheritable: it stays open in grep
    os.close(r)
    os.close(w)  # exec would close it too (os.pipe() fds are non-inheritable), but say so
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # SIG_IGN would survive exec
    try:
        os.execlp("grep", "grep", "bash")
    except OSError as exc:  # exec returns only on failure
        print(f"child: cannot run grep: {exc}", file=sys.stderr)
        os._exit(127)

os.close(r)
os.write(w, LINES)
os.close(w)
_, status = os.waitpid(pid, 0)
print(f"parent: grep exited with status {os.waitstatus_to_exitcode(status)}")
