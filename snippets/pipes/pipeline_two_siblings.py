"""`ps aux | grep bash` rebuilt: two children joined by a pipe, and the parent waits.

`ps` is not on every machine (minimal images lack procps), and its output changes from
run to run, so the first child runs `printf` with fixed lines instead; put "ps", "aux"
there to try it.
"""

import os
import signal
import sys

PRODUCER = ["printf", "root    1 init\\nuser  42 -bash\\nuser  43 python3 x.py\\n"
            "user  44 bash -l\\n"]
CONSUMER = ["grep", "bash"]


def spawn(argv: list[str], stdin: int | None, stdout: int | None,
          pipe: tuple[int, int]) -> int:
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        status = 126  # the shell's status for a program found but not runnable
        try:
            if stdin is not None:
                os.dup2(stdin, 0)
            if stdout is not None:
                os.dup2(stdout, 1)
            for fd in pipe:  # close both original ends in every child...
                if fd not in (0, 1):  # ...unless one already was stdin or stdout
                    os.close(fd)
            # as a shell does (SIG_IGN would survive exec):
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            os.execvp(argv[0], argv)
        except FileNotFoundError as exc:
            print(f"cannot run {argv[0]}: {exc}", file=sys.stderr)
            status = 127  # the shell's status for "command not found"
        except OSError as exc:
            print(f"cannot run {argv[0]}: {exc}", file=sys.stderr)
        finally:
            os._exit(status)
    return pid


r, w = os.pipe()
children = {
    spawn(PRODUCER, None, w, (r, w)): PRODUCER[0],
    spawn(CONSUMER, r, None, (r, w)): CONSUMER[0],
}
os.close(r)  # the parent uses neither end; if it kept w open, grep would never see EOF
os.close(w)

# One blocking wait per child, no busy loop; report after both (grep's lines first).
statuses = {name: os.waitpid(pid, 0)[1] for pid, name in children.items()}
for name, status in statuses.items():
    print(f"parent: {name} exited with status {os.waitstatus_to_exitcode(status)}")
