"""Start writer.py and reader.py as two separate programs that meet at a FIFO."""

import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "channel")
    os.mkfifo(path)
    # Neither program is the other's parent; each only knows the path.
    writer = subprocess.Popen([sys.executable, os.path.join(here, "writer.py"), path],
                              stdout=subprocess.PIPE, text=True)
    reader = subprocess.Popen([sys.executable, os.path.join(here, "reader.py"), path],
                              stdout=subprocess.PIPE, text=True)
    for name, program in (("reader.py", reader), ("writer.py", writer)):
        output, _ = program.communicate(timeout=20)
        print(f"--- {name} (exit status {program.returncode})")
        print(output, end="")
