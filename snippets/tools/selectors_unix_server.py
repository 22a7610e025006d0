"""One thread serves several clients at once: one selector over all their sockets."""

import os
import selectors
import socket
import sys
import tempfile

CLIENTS = 3

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "server.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()
    server.setblocking(False)

    sys.stdout.flush()
    leaver = os.fork()
    if leaver == 0:  # a client that connects and leaves without a word
        try:
            server.close()
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(path)
        finally:
            os._exit(0)  # its socket closes as it exits
    os.waitpid(leaver, 0)  # gone before the server reads anything

    pids = []
    for n in range(CLIENTS):
        pid = os.fork()
        if pid == 0:  # a client: connect, say hello, wait for the server's reply
            code = 1
            try:
                server.close()
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    sock.connect(path)
                    sock.sendall(f"client {n}\n".encode())
                    reply = sock.makefile().readline()
                code = int(reply != f"welcome, client {n}: 3 of us are connected\n")
            finally:
                os._exit(code)
        pids.append(pid)

    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    received = {}  # connected socket -> the bytes it has sent so far
    left = 0
    while sum(b.endswith(b"\n") for b in received.values()) < CLIENTS:
        ready = selector.select(timeout=10)
        if not ready:
            sys.exit("server: no client for 10 s")
        for key, _ in ready:
            if key.fileobj is server:  # readable listening socket: accept() won't block
                conn, _ = server.accept()
                selector.register(conn, selectors.EVENT_READ)
                received[conn] = b""
                continue
            conn = key.fileobj  # a client sent something, or left: recv() won't block
            data = conn.recv(100)
            if data:
                received[conn] += data
            else:  # b'': the client closed its end; unless we close ours, select() says
                selector.unregister(conn)  # "readable" again at once, forever
                conn.close()
                del received[conn]
                left += 1
    print(f"server: {left} client left early: recv() returned b'', its socket closed")
    # Every client is connected and has said hello: only now does anyone get a reply.
    print(f"server: one thread had {len(received)} clients connected at once")
    for conn, greeting in received.items():
        name = greeting.decode().strip()
        conn.sendall(f"welcome, {name}: {CLIENTS} of us are connected\n".encode())
        selector.unregister(conn)
        conn.close()
    selector.close()
    server.close()
    for n, pid in enumerate(pids):
        _, status = os.waitpid(pid, 0)
        ok = os.waitstatus_to_exitcode(status) == 0
        print(f"client {n}: got the expected reply: {ok}")
