"""A Unix stream server (socketserver) and a client in another process, on one path."""
# snippet: runs = one

import os
import socket
import socketserver
import tempfile


class Upper(socketserver.StreamRequestHandler):
    def handle(self):  # one connection: read a line, answer it in capitals
        line = self.rfile.readline()
        print(f"server got {line!r}", flush=True)
        self.wfile.write(line.upper())


with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "upper.sock")  # bind() creates it, listen() follows
    with socketserver.UnixStreamServer(path, Upper) as server:
        if (pid := os.fork()) == 0:  # the client: another process; it knows the path
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                    client.connect(path)
                    client.sendall(b"hello, server\n")
                    reply = client.makefile("rb").readline()  # up to the newline
                    print(f"client got {reply!r}", flush=True)
            finally:
                os._exit(0)
        server.handle_request()  # accept one connection and run Upper on it
        os.waitpid(pid, 0)
