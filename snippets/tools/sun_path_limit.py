"""A socket path must fit in sun_path (108 bytes with the NUL); a relative one helps."""

import os
import socket
import tempfile

with tempfile.TemporaryDirectory() as folder:
    for length in (107, 108):
        path = os.path.join(folder, "")
        path += "s" * (length - len(path))  # a path of exactly `length` bytes
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(path)
                print(f"bind() to a {len(path)}-byte path: ok")
                os.unlink(path)
            except OSError as e:
                print(f"bind() to a {len(path)}-byte path: OSError: {e}")

    # Deep directories are common (home folders, containers). Bind relative to it:
    deep = os.path.join(folder, *["a-long-directory-name"] * 8)
    os.makedirs(deep)
    full = os.path.join(deep, "service.sock")
    print(f"a socket path {len(full)} bytes long:")
    here = os.getcwd()
    os.chdir(deep)  # the kernel resolves a relative sun_path from the current directory
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind("service.sock")
            server.listen()
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.connect("service.sock")
                print(f"  bound and connected relative to its directory: "
                      f"{os.path.exists(full)}")
    finally:
        os.chdir(here)
