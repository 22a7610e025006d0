"""Two unrelated programs share a mapped file; the writer's exit is the signal."""
# snippet: uses = writer.py, reader.py

import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "shared.bin")
    with open(path, "wb") as f:
        f.truncate(4096)  # a mapping needs a file of the right size: one page
    # The reader starts after the writer has ended
    for program in ("writer.py", "reader.py"):
        done = subprocess.run([sys.executable, os.path.join(here, program), path],
                              capture_output=True, text=True, timeout=20)
        print(f"--- {program} (exit status {done.returncode})")
        print(done.stdout, end="")
