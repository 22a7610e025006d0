"""`python3 prog.py | head -1`: a traceback by default, and two ways to end quietly."""

import os
import subprocess
import sys

LOOP = """
for i in range(1_000_000):  # more than any pipe holds: the reader quits first
    print(f"line {i}")
"""
# The recipe of the Python documentation (the signal module's "Note on SIGPIPE"):
RECIPE = """
import os, sys
try:
    for i in range(1_000_000):
        print(f"line {i}")
    sys.stdout.flush()  # a late error comes here, still inside the try
except BrokenPipeError:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the flush at exit has nowhere to fail
    sys.exit(1)
"""
PROGRAMS = {
    "plain loop:": LOOP,
    "SIGPIPE back to SIG_DFL:": "import signal\n"
    "signal.signal(signal.SIGPIPE, signal.SIG_DFL)\n" + LOOP,
    "catch, stdout to /dev/null:": RECIPE,
}
env = dict(os.environ)
env.pop("PYTHONUNBUFFERED", None)  # the default: stdout to a pipe is block-buffered


def read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
    return b"".join(chunks)


for label, code in PROGRAMS.items():
    child = subprocess.Popen([sys.executable, "-c", code], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = os.read(child.stdout.fileno(), 7)  # like head: take a little, then quit
    child.stdout.close()
    errors = read_all(child.stderr.fileno()).decode().splitlines()
    child.stderr.close()
    code = child.wait()
    how = "killed by SIGPIPE" if code == -13 else f"exit status {code}"
    print(f"{label:<28} read {first!r}, then {how}")
    print(f"{'':<28} stderr: {errors[-1] if errors else '(empty)'}")
