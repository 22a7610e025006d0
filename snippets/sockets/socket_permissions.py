"""File permissions on the socket path decide who may connect (root bypasses them)."""

import errno
import os
import socket
import stat
import tempfile

with tempfile.TemporaryDirectory() as folder:
    os.chmod(folder, 0o755)  # let another user reach the path; the socket's mode decides
    path = os.path.join(folder, "private.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o600)  # owner only
    server.listen()
    print(f"socket mode: {stat.filemode(os.stat(path).st_mode)}")

    if os.getuid() != 0:
        print("not running as root: cannot become another user to try; the rule is the same")
    else:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: become an unprivileged user, then try to connect
            os.close(r)
            os.setgid(65534)
            os.setuid(65534)  # "nobody"
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                try:
                    client.connect(path)
                    result = "connected"
                except OSError as exc:
                    result = errno.errorcode[exc.errno]
            os.write(w, result.encode())
            os._exit(0)
        os.close(w)
        print(f"another user (uid 65534) connecting: {os.read(r, 100).decode()}")
        os.close(r)
        os.waitpid(pid, 0)
    server.close()
    os.unlink(path)
