"""print() may make several write() calls for one line, or one call for many lines.

PIPE_BUF atomicity is a promise about one write() call. To see the calls a program
makes, its stdout here is a SOCK_SEQPACKET socket: unlike a pipe, it keeps each write()
as one message.
"""
# snippet: runs = one

import os
import socket
import subprocess
import sys

env = dict(os.environ)
env.pop("PYTHONUNBUFFERED", None)  # some environments set it; each case chooses itself


def write_calls(code: str, *options: str) -> list[bytes]:
    """Run `python3 OPTIONS -c CODE` and return each write() it made to stdout."""
    ours, its = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    child = subprocess.Popen([sys.executable, *options, "-c", code], stdout=its,
                             env=env)
    its.close()
    calls = []
    while message := ours.recv(1 << 20):  # b"" once the child has exited
        calls.append(message)
    ours.close()
    child.wait()
    return calls


calls = write_calls('print("one", "two", "three")', "-u")
print(f'unbuffered (-u), print("one", "two", "three"): '
      f"{len(calls)} write() calls: {calls}")
calls = write_calls('print("a whole line")', "-u")
print(f'unbuffered (-u), print("a whole line"): {len(calls)} write() calls: {calls}')
calls = write_calls('import os; os.write(1, b"a whole line\\n")', "-u")
print(f'os.write(1, b"a whole line\\n"): {len(calls)} write() call: {calls}')
calls = write_calls('for i in range(100): print(f"line {i:02d} " + "x" * 91)')
print(f"block-buffered, 100 print() calls of 100 bytes, write() calls: {len(calls)}")
print(f"block-buffered, the sizes of those write() calls: "
      f"{', '.join(str(len(call)) for call in calls)}")
