"""SIGTSTP, SIGTTIN and SIGTTOU are discarded for an orphaned process group."""

import os
import signal


def try_to_stop(sig: signal.Signals, orphaned: bool) -> str:
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            if orphaned:
                # A new session: no process of its group has a parent in that session
                os.setsid()
            else:
                # A new group in our session, and its parent (we) is outside it
                os.setpgid(0, 0)
            if sig != signal.SIGSTOP:
                signal.signal(sig, signal.SIG_DFL)
            os.write(ready_w, b"!")
            os.read(go_r, 1)
        finally:
            os._exit(0)
    os.close(ready_w)
    os.close(go_r)
    if not os.read(ready_r, 1):
        raise RuntimeError("the child failed before it was ready")
    os.kill(pid, sig)
    # A pending stop signal is acted on before the child can read this
    os.write(go_w, b"!")
    _, status = os.waitpid(pid, os.WUNTRACED)
    if os.WIFSTOPPED(status):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        result = "stopped"
    else:
        result = f"not stopped, exited with status {os.WEXITSTATUS(status)}"
    for fd in (ready_r, go_w):
        os.close(fd)
    return result


for sig in (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU, signal.SIGSTOP):
    print(f"{sig.name:8} by kill(): group with a parent in the session: "
          f"{try_to_stop(sig, False)}; orphaned group: {try_to_stop(sig, True)}")
