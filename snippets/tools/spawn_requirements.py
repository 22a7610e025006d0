"""What spawn and forkserver need: a picklable target and a __main__ safe to import."""

import multiprocessing
import os
import re
import subprocess
import sys
import tempfile

NO_GUARD = """
import multiprocessing
def work():
    print("child: working")
ctx = multiprocessing.get_context("spawn")
p = ctx.Process(target=work)  # no __main__ guard: the child runs this line again
p.start()
p.join()
print(f"parent: child exit code {p.exitcode}")
"""

GUARDED = """
import multiprocessing
def work():
    print("child: working", flush=True)
if __name__ == "__main__":  # a spawned child imports this file as __mp_main__: skipped
    p = multiprocessing.get_context("spawn").Process(target=work)
    p.start()
    p.join()
    print(f"parent: child exit code {p.exitcode}")
"""


def error_of(stderr):
    """The exception a traceback ends with, on one line, up to its first full stop."""
    found = re.search(r"^(\w+Error):(.*)", stderr, re.MULTILINE | re.DOTALL)
    return f"{found.group(1)}: {' '.join(found.group(2).split()).split('.')[0]}."


if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    try:  # spawn pickles the target; a lambda has no importable name
        ctx.Process(target=lambda: None).start()
    except Exception as exc:
        print(f"a lambda as target: {type(exc).__name__}")
    with tempfile.TemporaryDirectory() as folder:
        for name, code in (("no_guard.py", NO_GUARD), ("guarded.py", GUARDED)):
            path = os.path.join(folder, name)
            with open(path, "w") as f:
                f.write(code)
            run = subprocess.run([sys.executable, path], capture_output=True, text=True,
                                 timeout=60)
            print(f"--- {name}: stdout {run.stdout.splitlines()}")
            if run.stderr:
                print(f"    the child's error: {error_of(run.stderr)}")
