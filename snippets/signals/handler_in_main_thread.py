"""A Python handler always runs in the main thread; only that thread installs one."""

import os
import signal
import threading

ran_in = []
signal.signal(signal.SIGUSR1,
              lambda signum, frame: ran_in.append(threading.current_thread().name))


def worker():
    os.kill(os.getpid(), signal.SIGUSR1)  # sent from the worker thread
    try:
        signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    except ValueError as exc:
        print(f"signal.signal() in a worker thread: ValueError: {exc}")


thread = threading.Thread(target=worker, name="worker")
thread.start()
thread.join()
print(f"the handler ran in: {ran_in}")
