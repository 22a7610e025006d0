"""SharedMemory: a named file in /dev/shm that unrelated processes open by its name."""

import os
import subprocess
import sys
from multiprocessing import shared_memory

ATTACH = """
import sys
from multiprocessing import resource_tracker, shared_memory
# Attaching registers the segment with this program's resource tracker (track=True is
# the default), which would remove it when this program exits. Opt out:
if sys.version_info >= (3, 13):  # track=False exists from 3.13
    shm = shared_memory.SharedMemory(name=sys.argv[1], track=False)
else:  # before 3.13, undo the registration (the tracker knows the name with its "/")
    shm = shared_memory.SharedMemory(name=sys.argv[1])
    resource_tracker.unregister("/" + shm.name, "shared_memory")
print(f"other process: read {bytes(shm.buf[:5])!r}, writes b'WORLD'")
shm.buf[:5] = b"WORLD"
shm.close()
"""

LEAK = """
from multiprocessing import shared_memory
shm = shared_memory.SharedMemory(create=True, size=4096)
print(shm.name, flush=True)
shm.close()  # but no unlink(): the process ends with the segment still in /dev/shm
"""

if __name__ == "__main__":
    shm = shared_memory.SharedMemory(create=True, size=4096)
    path = f"/dev/shm/{shm.name}"
    print(f"name {shm.name[:4]}...; /dev/shm/{shm.name[:4]}... exists: "
          f"{os.path.exists(path)}, size {os.stat(path).st_size} bytes")
    shm.buf[:5] = b"hello"
    sys.stdout.flush()  # our line first, then the other program's
    # A separate Python program, not a child of fork(): it only knows the name.
    subprocess.run([sys.executable, "-c", ATTACH, shm.name], check=True)
    print(f"creator: now reads {bytes(shm.buf[:5])!r}")
    shm.close()  # unmaps it from this process
    print(f"after close(): file still exists: {os.path.exists(path)}")
    shm.unlink()  # removes the name; the memory goes when the last mapping goes
    print(f"after unlink(): file still exists: {os.path.exists(path)}")

    # A program that forgets unlink(): its resource tracker removes the segment, warns.
    leak = subprocess.run([sys.executable, "-c", LEAK], capture_output=True, text=True,
                          check=True)
    name = leak.stdout.strip()
    print(f"forgetful program exited; its segment still in /dev/shm: "
          f"{os.path.exists(f'/dev/shm/{name}')}")
    warned = "leaked shared_memory" in leak.stderr
    print(f"its resource tracker warned about a leaked shared_memory object: {warned}")
