"""Start server.py, wait until it listens, then start client.py: two programs."""
# snippet: uses = server.py, client.py

import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "server.sock")
    server = subprocess.Popen([sys.executable, os.path.join(here, "server.py"), path],
                              stdout=subprocess.PIPE, text=True)
    server_lines = [server.stdout.readline(), server.stdout.readline()]
    assert server_lines[1] == "server: listening\n", server_lines  # ready: now connect
    client = subprocess.run([sys.executable, os.path.join(here, "client.py"), path],
                            capture_output=True, text=True, timeout=20)
    rest, _ = server.communicate(timeout=20)
    print(f"--- server.py (exit status {server.returncode})")
    print("".join(server_lines) + rest, end="")
    print(f"--- client.py (exit status {client.returncode})")
    print(client.stdout, end="")
