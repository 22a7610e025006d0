"""signal.raise_signal signals the caller; os.abort() always kills with SIGABRT."""

import ctypes
import os
import signal

caught = []
signal.signal(signal.SIGUSR1,
              lambda signum, frame: caught.append(signal.Signals(signum).name))
# raise(3): to the calling thread, handled right away
signal.raise_signal(signal.SIGUSR1)
print(f"after raise_signal(SIGUSR1), the handler saw: {caught}")

pid = os.fork()
if pid == 0:
    try:
        # PR_SET_DUMPABLE 0: no core dump, anywhere
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
        signal.signal(signal.SIGABRT, signal.SIG_IGN)  # abort() kills even so
        os.abort()
    finally:
        os._exit(1)  # never go on into the parent's code
_, status = os.waitpid(pid, 0)
print(f"child that ignored SIGABRT and called abort(): killed by "
      f"{signal.Signals(os.WTERMSIG(status)).name}, core dumped: "
      f"{os.WCOREDUMP(status)}")
