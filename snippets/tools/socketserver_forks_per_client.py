"""socketserver, ForkingMixIn: the server accepts each client and forks a process."""

import os
import socket
import socketserver
import sys
import tempfile

CLIENTS = 3


class Greeter(socketserver.BaseRequestHandler):
    """Serves one client, in a process of its own; self.request: the accepted socket."""

    def handle(self):
        me = f"{os.getpid()} {os.getppid()} {os.fstat(self.request.fileno()).st_ino}"
        # Who is serving: pid, parent pid, socket inode
        self.request.sendall(me.encode())
        # Blocks until this client sends its name
        name = self.request.recv(100).decode()
        self.request.sendall(f"hello, {name}".encode())


# Python 3.12 and later name this class socketserver.ForkingUnixStreamServer.
class ForkingUnixStreamServer(socketserver.ForkingMixIn, socketserver.UnixStreamServer):
    pass


with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "server.sock")
    server = ForkingUnixStreamServer(path, Greeter)  # socket(), bind() and listen()
    listening = server.socket
    print(f"server: {listening.family.name} {listening.type.name} socket listening "
          f"at .../{os.path.basename(server.server_address)}")
    listening_inode = os.fstat(listening.fileno()).st_ino

    sys.stdout.flush()
    server_pid = os.fork()
    if server_pid == 0:  # the server process
        try:
            for _ in range(CLIENTS):
                # accept() one client, fork a process to handle it
                server.handle_request()
            # Close the listening socket, wait for every handler process
            server.server_close()
        finally:
            os._exit(0)
    listening.close()  # this process is the clients' side

    clients = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
               for _ in range(CLIENTS)]
    handlers = []
    for n, client in enumerate(clients):
        client.connect(path)
        pid, ppid, inode = map(int, client.recv(100).split())
        handlers.append(pid)
        print(f"client {n}: served on a new socket from accept(): "
              f"{inode != listening_inode}, by a process the server forked: "
              f"{ppid == server_pid}")
    # Each handler now waits for its client's name: all are alive at this moment.
    print(f"handler processes serving at once: {len(set(handlers) - {server_pid})}")
    for n, client in enumerate(clients):
        client.sendall(f"client {n}".encode())
    for n, client in enumerate(clients):
        print(f"client {n}: got {client.recv(100).decode()!r}")
        client.close()

    _, status = os.waitpid(server_pid, 0)
    print(f"server process: exit status {os.waitstatus_to_exitcode(status)}, "
          f"socket file left behind: {os.path.exists(path)}")
    try:
        ForkingUnixStreamServer(path, Greeter)
    except OSError as e:
        print(f"a new server on the same path: {e.strerror}")
    os.unlink(path)
    print(f"after os.unlink(): socket file left: {os.path.exists(path)}")
