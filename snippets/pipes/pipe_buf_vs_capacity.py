"""Two sizes: PIPE_BUF (the largest atomic write) and the capacity (the buffer)."""
# snippet: runs = one

import fcntl
import os
import shutil
import subprocess

r, w = os.pipe()
print(f"PIPE_BUF (atomic write size): {os.fpathconf(r, 'PC_PIPE_BUF')} bytes")
print(f"capacity (F_GETPIPE_SZ):      {fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)} bytes")
os.close(r)
os.close(w)

# What `ulimit -a` calls "pipe size" is PIPE_BUF, counted in 512-byte blocks.
# bash prints it, then is asked to change it. LC_ALL=C keeps bash's message in English.
if shutil.which("bash"):
    bash = subprocess.run(["bash", "-c", "ulimit -p; ulimit -p 16"],
                          capture_output=True, text=True,
                          env={**os.environ, "LC_ALL": "C"})
    blocks = int(bash.stdout)
    print(f"bash's ulimit -p: {blocks} x 512 = {blocks * 512} bytes")
    print(f"bash's ulimit -p 16: exit status {bash.returncode}, {bash.stderr.strip()}")
else:
    print("bash's ulimit -p: bash is not installed here")
