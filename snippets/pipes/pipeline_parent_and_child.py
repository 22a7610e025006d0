"""`producer | grep bash` by hand: the parent writes, a child runs grep on the pipe.

The parent stays itself: it writes the producer's lines, closes the write end (grep's
EOF), and waits for grep.
"""

import os
import signal
import sys

LINES = (b"root    1 init\nuser  42 -bash\nuser  43 python3 server.py\n"
         b"user  44 bash -l\n")

r, w = os.pipe()
sys.stdout.flush()
pid = os.fork()
if pid == 0:  # child: stdin <- the pipe, then become grep
    status = 126  # the shell's status for a program found but not runnable
    try:
        if r != 0:  # (if the pipe already were fd 0, closing r would close stdin)
            os.dup2(r, 0)  # the copy on fd 0 is inheritable: it stays open in grep
            os.close(r)
        os.close(w)  # exec would close it too (it is non-inheritable), but say so
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # SIG_IGN would survive exec
        os.execlp("grep", "grep", "bash")
    except FileNotFoundError as exc:  # exec returns only on failure
        print(f"child: cannot run grep: {exc}", file=sys.stderr)
        status = 127  # the shell's status for "command not found"
    except OSError as exc:
        print(f"child: cannot run grep: {exc}", file=sys.stderr)
    finally:
        os._exit(status)

os.close(r)
os.write(w, LINES)
os.close(w)
_, status = os.waitpid(pid, 0)
print(f"parent: grep exited with status {os.waitstatus_to_exitcode(status)}")
