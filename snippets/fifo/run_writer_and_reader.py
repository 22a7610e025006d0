"""Start writer.py and reader.py as two separate programs that meet at a FIFO."""
# snippet: uses = writer.py, reader.py

import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "channel")
    os.mkfifo(path)
    # Two children of this launcher: neither is the other's parent; each knows the path.
    writer = subprocess.Popen([sys.executable, os.path.join(here, "writer.py"), path],
                              stdout=subprocess.PIPE, text=True)
    reader = subprocess.Popen([sys.executable, os.path.join(here, "reader.py"), path],
                              stdout=subprocess.PIPE, text=True)
    try:
        for name, program in (("reader.py", reader), ("writer.py", writer)):
            output, _ = program.communicate(timeout=20)  # waits for it to exit
            print(f"--- {name} (exit status {program.returncode})")
            print(output, end="")
    finally:
        for program in (writer, reader):  # after a failure: leave nothing behind
            if program.poll() is None:
                program.kill()
                program.wait()
    if writer.returncode != 0 or reader.returncode != 0:
        sys.exit(1)
