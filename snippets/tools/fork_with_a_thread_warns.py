"""fork() while another thread runs: Python 3.12 and later warn (DeprecationWarning)."""

import os
import re
import sys
import threading
import warnings

release = threading.Event()
worker = threading.Thread(target=release.wait)  # a second thread, doing nothing
worker.start()
print(f"python: {sys.version_info.major}.{sys.version_info.minor}, "
      f"threads running: {threading.active_count()}")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")  # show it even where the filters would hide it
    pid = os.fork()
    if pid == 0:  # the child holds a copy of memory but only the forking thread
        os._exit(0)
_, status = os.waitpid(pid, 0)
release.set()
worker.join()
if caught:
    message = re.sub(r"pid=\d+", "pid=...", str(caught[0].message))
    print(f"fork() warned: {caught[0].category.__name__}: {message}")
else:
    print("fork() warned: nothing")
print(f"child exit status: {os.waitstatus_to_exitcode(status)}")
