"""Popen with both pipes: write all, then read: deadlock; communicate() does not."""

import os
import stat
import subprocess
import sys
import threading

# The child copies its stdin to its stdout as it goes, like cat.
ECHO = "import os\nwhile data := os.read(0, 65536):\n    os.write(1, data)"
DATA = b"x" * (1024 * 1024)  # 1 MiB: more than the two pipes hold together

child = subprocess.Popen([sys.executable, "-c", ECHO],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
for name, f in (("stdin", child.stdin), ("stdout", child.stdout)):
    print(f"child.{name}: a pipe: {stat.S_ISFIFO(os.fstat(f.fileno()).st_mode)}")

# The naive way: write it all, then read. Done in a thread so that it can be watched.
failure = []


def write_all():
    try:
        child.stdin.write(DATA)
        child.stdin.close()
    except BrokenPipeError as e:
        failure.append(e)


writer = threading.Thread(target=write_all)
writer.start()
writer.join(timeout=2)
print(f"naive: write still blocked after 2 s: {writer.is_alive()}")
print(f"naive: child still running: {child.poll() is None}")
child.kill()  # end the deadlock: the child dies, its read end closes, our write fails
writer.join(timeout=10)
child.wait()
print(f"naive: after kill(), the write failed with {type(failure[0]).__name__}")
child.stdout.close()
try:
    child.stdin.close()
except BrokenPipeError:  # close() flushes what was left in the buffer
    pass

# communicate() writes and reads together (a selector on both pipes): neither fills up.
child = subprocess.Popen([sys.executable, "-c", ECHO],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = child.communicate(DATA, timeout=30)
print(f"communicate(): sent {len(DATA)} bytes, got {len(out)} back, "
      f"exit status {child.returncode}")
