"""A server FIFO that all clients write to, and a reply FIFO per client (TLPI 44.8)."""
# snippet: runs = one

import os
import sys
import tempfile

WORDS = ("alpha", "beta", "gamma")


def client(folder: str, word: str, report: int) -> None:
    """Make my reply FIFO, send one request naming it, read the answer until EOF."""
    reply_path = os.path.join(folder, f"reply.{os.getpid()}")
    os.mkfifo(reply_path, 0o600)  # before asking, so that the server can open it
    server = os.open(os.path.join(folder, "server"), os.O_WRONLY)
    # One write() of at most PIPE_BUF bytes: requests from clients never interleave.
    os.write(server, f"{os.getpid()} {word}\n".encode())
    os.close(server)
    reply = os.open(reply_path, os.O_RDONLY)  # waits until the server opens it
    chunks = []
    while chunk := os.read(reply, 4096):
        chunks.append(chunk)
    os.close(reply)
    os.unlink(reply_path)
    answer = b"".join(chunks).decode()
    os.write(report, f"client sent {word!r}, got {answer!r}\n".encode())


with tempfile.TemporaryDirectory() as folder:
    os.mkfifo(os.path.join(folder, "server"), 0o600)  # the well-known name
    report_r, report_w = os.pipe()  # the clients say what they got; printed at the end
    clients = []
    for word in WORDS:
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.close(report_r)
                client(folder, word, report_w)
                status = 0
            finally:
                os._exit(status)
        clients.append(pid)
    os.close(report_w)

    # The server: read requests, answer each on the FIFO its client named.
    requests = os.open(os.path.join(folder, "server"), os.O_RDONLY)
    # also open for writing: no EOF when the last client so far has gone
    keep = os.open(os.path.join(folder, "server"), os.O_WRONLY)
    pending, answered = b"", 0
    while answered < len(WORDS):
        pending += os.read(requests, 4096)  # may hold several requests, or part of one
        *lines, pending = pending.split(b"\n")  # a request ends with a newline
        for line in lines:
            pid, word = line.decode().split()
            reply = os.open(os.path.join(folder, f"reply.{pid}"), os.O_WRONLY)
            os.write(reply, word.upper().encode())
            os.close(reply)  # the client's EOF
            answered += 1
    os.close(keep)
    os.close(requests)
    print(f"server: answered {answered} requests, each on its client's own FIFO")

    chunks = []
    while chunk := os.read(report_r, 4096):  # EOF once every client has exited
        chunks.append(chunk)
    os.close(report_r)
    for pid in clients:
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            sys.exit("a client failed")
    for line in sorted(b"".join(chunks).decode().splitlines()):
        print(line)
