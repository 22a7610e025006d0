"""Measure each mechanism on this machine: small-message round trips and a large transfer."""
# snippet: timeout = 60

import mmap
import os
import signal
import socket
import sys
import tempfile
import time

ROUNDS = 2000  # round trips of a 64-byte message
TOTAL = 16 * 1024 * 1024  # bytes moved one way for the throughput figure
CHUNK = 64 * 1024
MESSAGE = b"x" * 64


def read_exactly(read, n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = read(n - len(data))
        if not part:
            raise EOFError
        data += part
    return data


def child(work) -> int:
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    return pid


def stream_pair(kind: str, folder: str):
    """Two one-way channels (or one two-way socket) as (parent_send, parent_recv, child_send,
    child_recv, closers) using plain os.read/os.write or socket calls."""
    if kind in ("pipe", "FIFO"):
        if kind == "pipe":
            down_r, down_w = os.pipe()
            up_r, up_w = os.pipe()
        else:
            paths = [os.path.join(folder, name) for name in ("down", "up")]
            for path in paths:
                os.mkfifo(path)
            down_r = os.open(paths[0], os.O_RDONLY | os.O_NONBLOCK)
            down_w = os.open(paths[0], os.O_WRONLY)
            up_r = os.open(paths[1], os.O_RDONLY | os.O_NONBLOCK)
            up_w = os.open(paths[1], os.O_WRONLY)
            for fd in (down_r, up_r):
                os.set_blocking(fd, True)
        return (lambda b: os.write(down_w, b), lambda n: os.read(up_r, n),
                lambda b: os.write(up_w, b), lambda n: os.read(down_r, n),
                lambda: [os.close(fd) for fd in (down_r, down_w, up_r, up_w)])
    if kind == "socketpair":
        a, b = socket.socketpair()
    else:  # a Unix stream socket on a path
        path = os.path.join(folder, "bench.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(path)
            server.listen()
            a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            a.connect(path)
            b, _ = server.accept()
        os.unlink(path)
    return a.sendall, a.recv, b.sendall, b.recv, lambda: (a.close(), b.close())


def measure_stream(kind: str, folder: str) -> tuple[float, float]:
    p_send, p_recv, c_send, c_recv, close = stream_pair(kind, folder)

    def echo():
        for _ in range(ROUNDS):
            c_send(read_exactly(c_recv, len(MESSAGE)))
        received = 0
        while received < TOTAL:
            received += len(c_recv(CHUNK))
        c_send(b"done")

    pid = child(echo)
    start = time.perf_counter()
    for _ in range(ROUNDS):
        p_send(MESSAGE)
        read_exactly(p_recv, len(MESSAGE))
    latency = (time.perf_counter() - start) / ROUNDS
    block = b"y" * CHUNK
    start = time.perf_counter()
    for _ in range(TOTAL // CHUNK):
        p_send(block)
    read_exactly(p_recv, 4)
    throughput = TOTAL / (time.perf_counter() - start)
    os.waitpid(pid, 0)
    close()
    return latency, throughput


def measure_mapping(folder: str) -> tuple[float, float]:
    """Data goes through a shared anonymous mapping; a pipe byte says "your turn"."""
    shared = mmap.mmap(-1, CHUNK)
    down_r, down_w = os.pipe()
    up_r, up_w = os.pipe()

    def echo():
        for _ in range(ROUNDS):
            os.read(down_r, 1)  # the parent wrote a message into the mapping
            shared[64:128] = shared[0:64]  # answer in place
            os.write(up_w, b"!")
        for _ in range(TOTAL // CHUNK):
            os.read(down_r, 1)  # a chunk is ready; consume it
            os.write(up_w, b"!")  # the buffer is free again

    pid = child(echo)
    start = time.perf_counter()
    for _ in range(ROUNDS):
        shared[0:64] = MESSAGE
        os.write(down_w, b"!")
        os.read(up_r, 1)
    latency = (time.perf_counter() - start) / ROUNDS
    block = b"y" * CHUNK
    start = time.perf_counter()
    for _ in range(TOTAL // CHUNK):
        shared[:] = block
        os.write(down_w, b"!")
        os.read(up_r, 1)
    throughput = TOTAL / (time.perf_counter() - start)
    os.waitpid(pid, 0)
    for fd in (down_r, down_w, up_r, up_w):
        os.close(fd)
    shared.close()
    return latency, throughput


def measure_signal() -> float:
    """SIGUSR1 back and forth; both sides block it and take it with sigwait (no handler)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    parent = os.getpid()

    def pong():
        for _ in range(ROUNDS):
            signal.sigwait({signal.SIGUSR1})
            os.kill(parent, signal.SIGUSR1)

    pid = child(pong)
    start = time.perf_counter()
    for _ in range(ROUNDS):
        os.kill(pid, signal.SIGUSR1)
        signal.sigwait({signal.SIGUSR1})
    latency = (time.perf_counter() - start) / ROUNDS
    os.waitpid(pid, 0)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
    return latency


with tempfile.TemporaryDirectory() as folder:
    results = {kind: measure_stream(kind, folder)
               for kind in ("pipe", "FIFO", "socketpair", "Unix stream socket")}
    results["shared mapping + pipe"] = measure_mapping(folder)
    results["signal (SIGUSR1)"] = (measure_signal(), None)

print(f"{ROUNDS} round trips of {len(MESSAGE)} bytes; {TOTAL // 2**20} MiB one way in "
      f"{CHUNK // 1024} KiB pieces")
print()
print(f"{'mechanism':24} {'round trip (µs)':>16} {'throughput (MB/s)':>18}")
for name, (latency, throughput) in results.items():
    rate = f"{throughput / 1e6:18.0f}" if throughput else f"{'(carries no data)':>18}"
    print(f"{name:24} {latency * 1e6:16.1f} {rate}")

print()
print("round trip, shorter is better")
longest = max(latency for latency, _ in results.values())
for name, (latency, _) in results.items():
    print(f"  {name:24} {'█' * max(1, round(40 * latency / longest))} {latency * 1e6:.1f} µs")
print("throughput, longer is better")
fastest = max(rate for _, rate in results.values() if rate)
for name, (_, rate) in results.items():
    if rate:
        print(f"  {name:24} {'█' * max(1, round(40 * rate / fastest))} {rate / 1e6:.0f} MB/s")
