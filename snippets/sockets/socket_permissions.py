"""File permissions on the socket path decide who may connect (root bypasses them)."""
# snippet: runs = one

import errno
import os
import socket
import stat
import sys
import tempfile


def try_connect(path: str) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        try:
            client.connect(path)
            return "connected"
        except OSError as exc:
            return errno.errorcode[exc.errno]


with tempfile.TemporaryDirectory() as folder:
    os.chmod(folder, 0o755)  # others may reach the path: the socket's own mode decides
    path = os.path.join(folder, "private.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)  # bind() creates the file as srw-------: no window
    server.bind(path)
    os.umask(old_umask)
    server.listen()
    print(f"socket mode: {stat.filemode(os.stat(path).st_mode)}")

    if os.getuid() != 0:
        print("another user: only root can become one to try (run as root to see it)")
    else:
        r, w = os.pipe()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # child: become an unprivileged user, then try to connect
            try:
                os.close(r)
                os.setgroups([])  # drop root's supplementary groups first
                os.setgid(65534)
                os.setuid(65534)  # "nobody"
                os.write(w, try_connect(path).encode())
            finally:
                os._exit(0)
        os.close(w)
        print(f"another user (uid 65534) connecting: {os.read(r, 100).decode()}")
        os.close(r)
        os.waitpid(pid, 0)

    os.chmod(path, 0o400)  # take away the owner's own write permission
    result = try_connect(path)
    note = " (root ignores file modes)" if result == "connected" else ""
    mode = stat.filemode(os.stat(path).st_mode)
    print(f"the owner itself, mode {mode}: {result}{note}")
    server.close()
    os.unlink(path)
