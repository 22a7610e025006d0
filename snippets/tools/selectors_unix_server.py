"""One thread serves several clients at once: a selector over the listening and client sockets."""

import os
import selectors
import socket
import tempfile

CLIENTS = 3

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "server.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()
    server.setblocking(False)

    pids = []
    for n in range(CLIENTS):
        pid = os.fork()
        if pid == 0:  # a client: connect, say hello, wait for the server's reply
            server.close()
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.connect(path)
                sock.sendall(f"client {n}\n".encode())
                reply = sock.makefile().readline()
            os._exit(0 if reply == f"welcome, client {n}: 3 of us are connected\n" else 1)
        pids.append(pid)

    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    received = {}  # connected socket -> the bytes it has sent so far
    peak = 0
    while len(received) < CLIENTS or not all(b.endswith(b"\n") for b in received.values()):
        for key, _ in selector.select(timeout=10):
            if key.fileobj is server:  # the listening socket is readable: accept() won't block
                conn, _ = server.accept()
                selector.register(conn, selectors.EVENT_READ)
                received[conn] = b""
                peak = max(peak, len(received))
            else:  # a client sent something: recv() won't block
                received[key.fileobj] += key.fileobj.recv(100)
    # Every client is connected and has said hello: only now does anyone get a reply.
    for conn, greeting in received.items():
        name = greeting.decode().strip()
        conn.sendall(f"welcome, {name}: {CLIENTS} of us are connected\n".encode())
        selector.unregister(conn)
        conn.close()
    selector.close()
    server.close()
    print(f"server: one thread had {peak} clients connected at once")
    for n, pid in enumerate(pids):
        _, status = os.waitpid(pid, 0)
        print(f"client {n}: got the expected reply: {os.waitstatus_to_exitcode(status) == 0}")
