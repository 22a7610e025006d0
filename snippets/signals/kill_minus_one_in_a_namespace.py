"""os.kill(-1, SIGTERM) inside a new PID namespace: all but init and the sender die."""

import ctypes
import errno
import os
import signal
import sys

CLONE_NEWUSER, CLONE_NEWPID = 0x10000000, 0x20000000


def read_all(fd: int) -> bytes:
    data = b""
    while chunk := os.read(fd, 1024):
        data += chunk
    return data


def ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited {os.waitstatus_to_exitcode(status)}"


def make_namespace() -> str | None:
    """unshare() a user and a PID namespace; None if done, else why it cannot be.

    No uid_map is written: signals between processes of one user need no mapping, and
    mapping root (uid 0) would need CAP_SETFCAP, which a container may lack."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0:
        code = ctypes.get_errno()
        return f"unshare(): {errno.errorcode.get(code, code)} ({os.strerror(code)})"
    return None


def init(report_w: int) -> None:
    """Process A, pid 1 of the new namespace: forks three waiters and a sender."""
    if os.getpid() != 1:  # never run kill(-1) outside a namespace of our own
        os.write(report_w, f"A: pid {os.getpid()}, not 1: no namespace, nothing "
                           "sent\n".encode())
        os._exit(1)
    lines = ["A: my pid in the new namespace: 1 (its init); SIGTERM blocked, so it "
             "would stay "
             "pending"]
    ready_r, ready_w = os.pipe()
    # The waiting processes read it; EOF only when A closes it
    hold_r, hold_w = os.pipe()
    say_r, say_w = os.pipe()
    waiting = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            try:
                for fd in (hold_w, ready_r, say_r, say_w, report_w):
                    os.close(fd)
                # SIGTERM at default
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
                os.write(ready_w, b"!")
                os.read(hold_r, 1)  # blocks until killed, or EOF if nothing killed it
            finally:
                os._exit(0)
        waiting.append(pid)
    for _ in waiting:
        os.read(ready_r, 1)  # all three are running (and about to block in read())
    sender = os.fork()
    if sender == 0:
        try:
            for fd in (hold_r, hold_w, ready_r, ready_w, say_r, report_w):
                os.close(fd)
            me, parent = os.getpid(), os.getppid()
            if parent != 1:  # our parent must be init of the namespace
                os._exit(1)
            # SIGTERM is blocked here: if sent to us, it stays pending
            os.kill(-1, signal.SIGTERM)
            pending = sorted(s.name for s in signal.sigpending())
            said = (f"sender: pid {me}, parent {parent}; after kill(-1, SIGTERM), "
                    f"pending here: {pending}\n")
            os.write(say_w, said.encode())
        finally:
            os._exit(0)
    os.close(say_w)
    os.close(hold_r)
    sender_said = read_all(say_r).decode()
    _, status = os.waitpid(sender, 0)
    os.close(hold_w)  # a waiting process that was not killed now reads EOF and exits 0
    for pid in waiting:
        _, how = os.waitpid(pid, 0)
        lines.append(f"A: waiting process {pid}: {ended(how)}")
    lines.append(sender_said.rstrip("\n"))
    lines.append(f"A: sender {sender}: {ended(status)}")
    pending = sorted(s.name for s in signal.sigpending())
    lines.append(f"A: init, pending here after kill(-1): {pending}")
    os.write(report_w, ("\n".join(lines) + "\n").encode())
    os._exit(0)


ask_r, ask_w = os.pipe()
answer_r, answer_w = os.pipe()
sys.stdout.flush()
bystander = os.fork()
if bystander == 0:  # outside the namespace: waits for a question, SIGTERM at default
    try:
        os.close(ask_w)
        os.close(answer_r)
        question = os.read(ask_r, 100)
        os.write(answer_w, b"still here" if question else b"")
    finally:
        os._exit(0)
os.close(ask_r)
os.close(answer_w)
# Sent to main, it would stay pending
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
print("main: a bystander child, outside the new namespace, waits on a pipe")

try:
    why = make_namespace()
    # No fallback to a real kill(-1): it would reach the whole session
    if why is not None:
        print(f"main: cannot make a PID namespace here, {why}")
        print("This example needs a user namespace an ordinary user may make: "
              "kill(-1) not shown")
    else:
        print("main: unshare(CLONE_NEWUSER | CLONE_NEWPID) done; the next child is pid "
              "1 "
              "of a new PID namespace")
        report_r, report_w = os.pipe()
        sys.stdout.flush()
        a = os.fork()
        if a == 0:
            os.close(report_r)
            os.close(ask_w)
            os.close(answer_r)
            try:
                init(report_w)
            finally:
                os._exit(1)
        os.close(report_w)
        print(read_all(report_r).decode(), end="")
        _, status = os.waitpid(a, 0)
        print(f"main: A (init of the namespace): {ended(status)}")
finally:
    os.write(ask_w, b"are you there?")
    os.close(ask_w)
    answer = os.read(answer_r, 100)
    _, status = os.waitpid(bystander, 0)
print(f"main: the bystander outside answers {answer.decode()!r}, then {ended(status)}")
print(f"main: pending here: {sorted(s.name for s in signal.sigpending())}")
