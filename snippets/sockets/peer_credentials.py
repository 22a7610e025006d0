"""SO_PEERCRED: the server asks the kernel who the connected client is (pid, uid, gid)."""

import os
import socket
import struct
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "server.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()

    pid = os.fork()
    if pid == 0:  # child: the client
        server.close()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(path)
            client.recv(1)  # wait until the server has looked
        os._exit(0)

    conn, _ = server.accept()
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    peer_pid, peer_uid, peer_gid = struct.unpack("3i", creds)
    print(f"peer pid == client pid: {peer_pid == pid}")
    print(f"peer uid == our uid: {peer_uid == os.getuid()}, peer gid == our gid: "
          f"{peer_gid == os.getgid()}")
    conn.sendall(b"!")
    conn.close()
    server.close()
    os.unlink(path)
    os.waitpid(pid, 0)
