"""The shell commands of the original, run for real: kill -l, kill -SIGKILL pid, stty -a."""

import os
import pty
import subprocess
import sys

# kill -l: the shell's list of signal names and numbers (bash's built-in kill).
listing = subprocess.run(["bash", "-c", "kill -l"], capture_output=True, text=True, check=True)
print("$ kill -l")
print(listing.stdout.rstrip())

# kill -SIGKILL pid: a sleeping child of ours, killed by the kill command.
sleeper = subprocess.Popen(["sleep", "60"])
subprocess.run(["kill", "-SIGKILL", str(sleeper.pid)], check=True)
print("$ kill -SIGKILL <pid of our sleep 60>")
print(f"sleep's wait status: returncode {sleeper.wait()} (killed by signal 9)")

# stty -a needs a terminal: run it on a new pseudo-terminal and read what it printed.
sys.stdout.flush()
pid, master = pty.fork()
if pid == 0:
    os.execvp("stty", ["stty", "-a"])
output = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:  # EIO once stty has exited
        break
    if not chunk:
        break
    output += chunk
os.waitpid(pid, 0)
os.close(master)
print("$ stty -a    (on a new pseudo-terminal)")
print(output.decode().replace("\r\n", "\n").rstrip())
