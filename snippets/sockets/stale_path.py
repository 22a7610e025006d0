"""A socket file outlives its socket: connecting to it is refused, and so is bind()."""
# snippet: runs = one

import errno
import os
import socket
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "stale.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()
    server.close()  # the server is gone...
    print(f"after close, the file is still there: {os.path.exists(path)}")

    for action in ("connect", "bind"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            try:
                getattr(sock, action)(path)
            except OSError as exc:
                print(f"{action} to the stale path: {errno.errorcode[exc.errno]}")

    os.unlink(path)  # what a server should do before binding (and after closing)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(path)
        print("after unlink, bind works again")
    os.unlink(path)
