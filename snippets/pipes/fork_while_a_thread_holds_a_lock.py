"""fork() while another thread holds a lock: the child gets it held, with no owner."""

import os
import threading
import warnings

# Python 3.12+ warns about this very fork (DeprecationWarning): hidden so that the
# output is the same on every version; the hazard is the same on all of them.
warnings.filterwarnings("ignore", "This process .* multi-threaded", DeprecationWarning)
lock, held, done = threading.Lock(), threading.Event(), threading.Event()


def worker():
    with lock:  # holds the lock until the main thread says it is done
        held.set()
        done.wait()


thread = threading.Thread(target=worker)
thread.start()
held.wait()  # the other thread holds the lock now
r, w = os.pipe()
pid = os.fork()
if pid == 0:  # the child: only the forking thread was copied, the lock copied held
    try:
        os.write(w, b"acquired" if lock.acquire(timeout=0.5) else b"timed out")
    finally:
        os._exit(0)
os.close(w)
print(f"the child's lock.acquire(timeout=0.5): {os.read(r, 100).decode()}")
os.waitpid(pid, 0)
done.set()  # in the parent the owner thread is alive: it releases the lock
thread.join()
print(f"the parent's lock.acquire() once the owner let go: {lock.acquire(timeout=5)}")
