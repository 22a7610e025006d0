"""The shell commands, run for real: kill -l, kill -SIGKILL pid, stty -a."""

import os
import pty
import subprocess
import sys

# kill -l: the shell's list of signal names and numbers (bash's built-in kill).
listing = subprocess.run(["bash", "-c", "kill -l"], capture_output=True, text=True,
                         check=True)
print("$ kill -l")
print(listing.stdout.rstrip())

# kill -SIGKILL pid: a sleeping child of ours, killed by the kill command.
sleeper = subprocess.Popen(["sleep", "60"])
subprocess.run(["kill", "-SIGKILL", str(sleeper.pid)], check=True)
print("$ kill -SIGKILL <pid of our sleep 60>")
print(f"sleep's wait status: returncode {sleeper.wait()} (killed by signal 9)")

# stty -a needs a terminal: run it on a new pseudo-terminal and read what it printed.
sys.stdout.flush()
done_r, done_w = os.pipe()
pid, master = pty.fork()
if pid == 0:
    try:
        subprocess.run(["stty", "-a"])
        # Stay until it has all been read: output written just before the
        # terminal's last holder exits can be lost (the reader gets EIO instead).
        os.write(1, b"\0")
        os.read(done_r, 1)
    finally:
        os._exit(0)
output = b""
while not output.endswith(b"\0"):
    output += os.read(master, 4096)
os.write(done_w, b"!")
os.waitpid(pid, 0)
for fd in (master, done_r, done_w):
    os.close(fd)
output = output[:-1]
print("$ stty -a    (on a new pseudo-terminal)")
print(output.decode().replace("\r\n", "\n").rstrip())
