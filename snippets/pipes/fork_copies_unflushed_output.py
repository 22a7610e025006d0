"""fork() copies unflushed output; a child that returns runs the parent's clean-up."""
# snippet: runs = one

import os
import subprocess
import sys

# Run by a fresh interpreter whose stdout is a pipe, so Python buffers it by blocks.
PROGRAM = """
import os, sys
flush_first, child_exit = sys.argv[1] == "flush", sys.argv[2]
try:
    print("before fork")  # still in the buffer, unless flushed
    if flush_first:
        sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        if child_exit == "os._exit":
            os._exit(0)  # ends at once: no finally, no atexit, no flushing
        sys.exit(0)  # raises SystemExit: the finally below runs, the buffer is flushed
    os.waitpid(pid, 0)
finally:
    print("clean-up in finally")
"""

env = dict(os.environ)
env.pop("PYTHONUNBUFFERED", None)  # some environments set it; this shows the default

CASES = (("keep", "sys.exit"), ("flush", "sys.exit"), ("flush", "os._exit"))
for flush_first, child_exit in CASES:
    argv = [sys.executable, "-c", PROGRAM, flush_first, child_exit]
    output = subprocess.run(argv, env=env, stdout=subprocess.PIPE, check=True,
                            text=True).stdout
    flushed = "flushed" if flush_first == "flush" else "not flushed"
    how = f"{flushed}, child ends with {child_exit}:"
    print(f"{how:<42} 'before fork' x{output.count('before fork')}, "
          f"'clean-up' x{output.count('clean-up')}")
