"""SO_PEERCRED: who connected (pid, uid, gid), as the kernel noted it on connect()."""

import errno
import os
import select
import socket
import struct
import tempfile

SO_PEERPIDFD = getattr(socket, "SO_PEERPIDFD", 77)  # Linux 6.5; 77 on x86 and ARM


def peer_credentials(conn: socket.socket) -> tuple[int, int, int]:
    # struct ucred: pid_t, then uid_t and gid_t, which are unsigned
    size = struct.calcsize("iII")
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, size)
    return struct.unpack("iII", creds)


with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "server.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()
    go_r, go_w = os.pipe()

    pid = os.fork()
    if pid == 0:  # the child connects...
        try:
            server.close()
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(path)
            os.read(go_r, 1)  # ...waits until the server has looked...
            if os.fork() == 0:  # ...then hands the connection to its own child, exits
                try:
                    client.sendall(str(os.getpid()).encode())
                    client.close()
                finally:
                    os._exit(0)
        finally:
            os._exit(0)

    conn, _ = server.accept()
    peer_pid, peer_uid, peer_gid = peer_credentials(conn)
    print(f"peer pid == the child that connected: {peer_pid == pid}")
    print(f"peer uid == our uid: {peer_uid == os.getuid()}, peer gid == our gid: "
          f"{peer_gid == os.getgid()}")
    try:
        pidfd = conn.getsockopt(socket.SOL_SOCKET, SO_PEERPIDFD)  # that process's pidfd
    except OSError as exc:
        pidfd = None
        name = errno.errorcode.get(exc.errno, exc.errno)
        print(f"SO_PEERPIDFD: {name} (needs Linux 6.5)")

    os.write(go_w, b"!")
    os.waitpid(pid, 0)  # the child has exited and is reaped: its pid may be reused now
    sent = b""
    while data := conn.recv(100):  # the grandchild, which holds it now, sends its pid
        sent += data
    now = peer_credentials(conn)[0]
    print("the child that connected has exited; its own child holds the connection now")
    print(f"SO_PEERCRED still names the child that connected: {now == pid}; "
          f"names the process that holds the socket now: {now == int(sent)}")
    if pidfd is not None:
        readable, _, _ = select.select([pidfd], [], [], 0)
        print(f"the pidfd from SO_PEERPIDFD is readable, so that process has exited: "
              f"{readable == [pidfd]}")
        os.close(pidfd)
    conn.close()
    server.close()
    os.unlink(path)
    for fd in (go_r, go_w):
        os.close(fd)
