"""Ctrl+C in Python: KeyboardInterrupt by default, a handler of yours, or SIG_DFL."""

import os
import pty
import signal
import sys
import threading


def child(mode: str, done_r: int) -> None:
    """Runs on a new pseudo-terminal; waits for the key and says what happened."""
    caught = []
    if mode == "a handler":  # it only records the signal; the program prints
        signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    elif mode == "SIG_DFL":
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    else:  # Python's own: signal.default_int_handler raises KeyboardInterrupt
        signal.signal(signal.SIGINT, signal.default_int_handler)
    print("READY", flush=True)
    try:
        signal.pause()  # waits for a signal
        if caught:
            print("SAID handler ran", flush=True)
        print("SAID pause() returned, the program goes on", flush=True)
    except KeyboardInterrupt:
        print("SAID KeyboardInterrupt raised in pause()", flush=True)
    # Stay until the parent has read it all: output written just before the terminal's
    # last
    # holder exits can be lost (the reader gets EIO instead).
    print("END", flush=True)
    os.read(done_r, 1)
    os._exit(0)


def blocked_in_pause(pid: int) -> bool:
    """True once the child sleeps (state S): after READY, it can only be in pause()."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] == "S"


def terminal_output(master: int) -> bytes:
    """What the terminal shows until the child says END, or has gone (killed)."""
    data = b""
    while b"END" not in data:
        try:
            chunk = os.read(master, 1024)
        except OSError:  # EIO: the child has gone, the terminal is closed
            return data
        if not chunk:
            return data
        data += chunk
    return data


for mode in ("Python's default", "a handler", "SIG_DFL"):
    sys.stdout.flush()
    done_r, done_w = os.pipe()
    # The child leads a session; it is the terminal's foreground
    pid, master = pty.fork()
    if pid == 0:
        try:
            child(mode, done_r)
        finally:
            os._exit(1)  # never go on into the parent's code
    seen = b""
    while b"READY" not in seen:
        seen += os.read(master, 1024)
    wait = threading.Event()
    # The key must come while the child waits in pause()
    while not blocked_in_pause(pid):
        wait.wait(0.001)
    os.write(master, b"\x03")  # Ctrl+C, as typed
    seen += terminal_output(master)
    os.write(done_w, b"!")
    _, status = os.waitpid(pid, 0)
    for fd in (master, done_r, done_w):
        os.close(fd)
    said = [line.split("SAID ", 1)[1] for line in seen.decode().splitlines()
            if "SAID " in line]
    if os.WIFSIGNALED(status):
        how = f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    else:
        how = f"exited with status {os.WEXITSTATUS(status)}"
    print(f"{mode + ':':17} {'; '.join(said) or 'said nothing'}; {how}")
