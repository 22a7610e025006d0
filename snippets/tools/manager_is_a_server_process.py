"""multiprocessing.Manager: a server process holds the objects; proxies call it."""

import multiprocessing
import os
import socket
import stat


def child(shared):
    # A method call on a proxy: a request sent to the server
    shared["child"] = os.getpid()
    shared.setdefault("visits", 0)


if __name__ == "__main__":
    with multiprocessing.Manager() as manager:
        print(f"manager: a separate process: {manager._process.pid != os.getpid()}, "
              f"alive: {manager._process.is_alive()}")
        name = os.path.basename(manager.address)[:9]
        print(f"manager: listens at .../{name}..., a socket file: "
              f"{stat.S_ISSOCK(os.stat(manager.address).st_mode)}")
        shared = manager.dict()  # the dict lives in the manager; we hold a proxy
        print(f"proxy type: {type(shared).__name__}")
        p = multiprocessing.Process(target=child, args=(shared,))
        p.start()
        p.join()
        print(f"parent: sees the child's entry: {shared['child'] == p.pid}")
        conn = shared._tls.connection  # the proxy's own connection to the server
        sock = socket.socket(fileno=os.dup(conn.fileno()))
        print(f"proxy's connection: {sock.family.name}, peer is the manager: "
              f"{sock.getpeername() == manager.address}")
        sock.close()
        server = manager._process
    print(f"after the with block the manager process exited: {not server.is_alive()}")
