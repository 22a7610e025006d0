"""memfd_create: shared memory with no name anywhere, handed over a Unix socket."""

import mmap
import os
import socket
import stat
import subprocess
import sys
import tempfile

SIZE = 4096


def other_process(path):
    """A separate program: it inherits nothing and gets the memory by fd passing."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(path)
        _, fds, _, _ = socket.recv_fds(sock, 16, maxfds=1)
        print(f"receiver: got fd -> {os.readlink(f'/proc/self/fd/{fds[0]}')}")
        # MAP_SHARED: the same pages as the sender's
        with mmap.mmap(fds[0], SIZE) as shared:
            print(f"receiver: reads {shared[:13]!r}, writes b'hello, sender'")
            shared[:13] = b"hello, sender"
        os.close(fds[0])
        sock.sendall(b"done")


if __name__ == "__main__" and len(sys.argv) == 2:
    other_process(sys.argv[1])
elif __name__ == "__main__":
    # A file in memory, with no path in any file system
    fd = os.memfd_create("demo-region")
    os.ftruncate(fd, SIZE)
    print(f"sender: fd -> {os.readlink(f'/proc/self/fd/{fd}')}, "
          f"regular file: {stat.S_ISREG(os.fstat(fd).st_mode)}, "
          f"size {os.fstat(fd).st_size}")
    print(f"sender: anything named demo-region in /dev/shm: "
          f"{any('demo-region' in n for n in os.listdir('/dev/shm'))}")
    shared = mmap.mmap(fd, SIZE)
    shared[:13] = b"hello, reader"
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "handover.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(path)
            server.listen()
            # close_fds (the default): the receiver cannot inherit fd; it must be sent.
            sys.stdout.flush()  # our lines first, then the receiver's
            receiver = subprocess.Popen([sys.executable, __file__, path])
            conn, _ = server.accept()
            with conn:
                socket.send_fds(conn, [b"memory"], [fd])
                conn.recv(4)  # the receiver has written and unmapped
        print(f"receiver exit status: {receiver.wait(timeout=30)}")
    print(f"sender: now reads {shared[:13]!r}")
    shared.close()
    os.close(fd)  # the last reference: the memory is freed
