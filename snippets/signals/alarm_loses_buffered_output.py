"""SIGALRM's default action kills at once: what print() still buffered is lost."""

import os
import signal
import subprocess
import sys

CHILD = """
import signal
signal.signal(signal.SIGALRM, signal.SIG_DFL)  # its default action, however started
for n in range(1, 1001):
    print(f"line {n}")              # to a pipe, print() fills an 8 KiB buffer first
signal.setitimer(signal.ITIMER_REAL, 0.01)
signal.pause()                      # SIGALRM comes; its default action terminates
"""
# Normal buffering
env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                      text=True)
complete = done.stdout.count("\n")
print("the child printed 1000 lines and was killed by "
      f"{signal.Signals(-done.returncode).name}")
print(f"bytes the pipe received: {len(done.stdout)}")
print(f"complete lines among them: {complete}, the last "
      f"{done.stdout.splitlines()[-1]!r}")
print(f"lines lost with the buffer: {1000 - complete}")
