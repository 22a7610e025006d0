"""The same write in ordinary Python code raises BrokenPipeError (EPIPE): no death."""

import errno
import os
import signal

print(f"SIGPIPE disposition in Python: {signal.getsignal(signal.SIGPIPE)!r}")

r, w = os.pipe()
os.close(r)
try:
    os.write(w, b"nobody will read this")
except BrokenPipeError as exc:
    print(f"write raised {type(exc).__name__}: errno {errno.errorcode[exc.errno]}")
os.close(w)
