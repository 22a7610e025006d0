"""multiprocessing.connection: a socket server for pickled objects, with an HMAC."""

import multiprocessing
import os
import socket
import tempfile
from multiprocessing.connection import Client, Listener


def client(address, key):
    try:
        with Client(address, family="AF_UNIX", authkey=key) as conn:
            conn.send(["hello from", os.getpid()])
            print(f"client with key {key!r}: server replied {conn.recv()!r}")
    except multiprocessing.AuthenticationError as e:
        print(f"client with key {key!r}: AuthenticationError: {e}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        address = os.path.join(folder, "service.sock")
        with Listener(address, family="AF_UNIX", authkey=b"secret") as listener:
            sock = socket.socket(fileno=os.dup(listener._listener._socket.fileno()))
            print(f"listener: {sock.family.name} {sock.type.name} socket bound to "
                  ".../service.sock")
            sock.close()
            for key in (b"secret", b"wrong"):
                p = multiprocessing.Process(target=client, args=(address, key))
                p.start()
                try:
                    # Runs the challenge before returning
                    with listener.accept() as conn:
                        kind, pid = conn.recv()
                        conn.send("welcome")
                    result = f"got {kind!r}, sender is that client: {pid == p.pid}"
                except multiprocessing.AuthenticationError as e:
                    result = f"refused it: AuthenticationError: {e}"
                p.join()  # print after the client did, so the lines keep their order
                print(f"server: {result}")
        print(f"socket file removed with the listener: {not os.path.exists(address)}")
