"""Two different sizes: PIPE_BUF (largest atomic write) and the pipe's capacity (its buffer)."""

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
if shutil.which("bash"):
    blocks = int(subprocess.run(["bash", "-c", "ulimit -p"], capture_output=True,
                                text=True, check=True).stdout)
    print(f"bash's ulimit -p: {blocks} x 512 = {blocks * 512} bytes")
else:
    print("bash's ulimit -p: bash is not installed here")
