"""Measure each mechanism on this machine, fairly: same buffers, same copies, repeated, median."""
# snippet: timeout = 60
# snippet: observe = first 20
# snippet: calls = python
# snippet: alone = yes

import fcntl
import mmap
import os
import signal
import socket
import statistics
import tempfile
import time

ROUNDS = 2000  # round trips of a small message per batch
MESSAGE = b"x" * 64
TOTAL = 16 * 1024 * 1024  # bytes moved one way per batch
CHUNK = 64 * 1024  # size of each write in the transfer
BUFFER = 256 * 1024  # every channel gets this much room: 4 chunks in flight
WARMUP, REPEATS = 1, 9  # batches per mechanism: thrown away, then kept


def read_exactly(read, n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = read(n - len(data))
        if not part:
            raise EOFError
        data += part
    return data


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Pipes:
    """Two pipes (or two FIFOs): one for each direction. Each is resized to BUFFER."""

    def __init__(self, folder: str | None = None):
        if folder is None:
            self.down = os.pipe()
            self.up = os.pipe()
        else:  # FIFOs: open both ends here, without blocking, then make reads block again
            ends = []
            for name in ("down", "up"):
                path = os.path.join(folder, name)
                os.mkfifo(path)
                r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
                ends.append((r, os.open(path, os.O_WRONLY)))
                os.set_blocking(r, True)
                os.unlink(path)  # open ends keep the FIFO working
            self.down, self.up = ends
        for _, w in (self.down, self.up):
            fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, BUFFER)
        self.buffer = fcntl.fcntl(self.down[1], fcntl.F_GETPIPE_SZ)

    def ends(self, parent: bool):
        r, w = (self.up[0], self.down[1]) if parent else (self.down[0], self.up[1])
        return (lambda data: write_all(w, data)), (lambda n: os.read(r, n))

    def close(self):
        for fd in (*self.down, *self.up):
            os.close(fd)


class Sockets:
    """A connected pair of Unix stream sockets: a socketpair, or a server and a client on a path."""

    def __init__(self, folder: str | None = None):
        if folder is None:
            self.a, self.b = socket.socketpair()
        else:
            path = os.path.join(folder, "bench.sock")
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
                server.bind(path)
                server.listen()
                self.a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.a.connect(path)
                self.b, _ = server.accept()
            os.unlink(path)
        for s in (self.a, self.b):  # the kernel doubles the value, for its bookkeeping
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER // 2)
        self.buffer = self.a.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)

    def ends(self, parent: bool):
        s = self.a if parent else self.b
        return s.sendall, s.recv

    def close(self):
        self.a.close()
        self.b.close()


class Ring:
    """One direction through a shared mapping: slots of CHUNK bytes, and a pipe byte per message
    for "ready" (to the receiver) and "free" (back to the sender)."""

    SLOTS = BUFFER // CHUNK

    def __init__(self):
        self.memory = mmap.mmap(-1, BUFFER)  # anonymous, MAP_SHARED: inherited across fork
        self.ready = os.pipe()
        self.free = os.pipe()
        self.credits, self.sent, self.received = self.SLOTS, 0, 0

    def send(self, data: bytes) -> None:
        if self.credits == 0:  # every slot is in use: wait until the receiver frees some
            self.credits = len(os.read(self.free[0], self.SLOTS))
        start = self.sent % self.SLOTS * CHUNK
        self.memory[start:start + len(data)] = data  # copy 1: into the shared memory
        self.sent += 1
        self.credits -= 1
        os.write(self.ready[1], b"!")

    def recv(self, n: int) -> bytes:
        os.read(self.ready[0], 1)
        start = self.received % self.SLOTS * CHUNK
        data = self.memory[start:start + n]  # copy 2: out of it, as read() does from a pipe
        self.received += 1
        os.write(self.free[1], b"!")
        return data

    def close(self):
        for fd in (*self.ready, *self.free):
            os.close(fd)
        self.memory.close()


class Mapping:
    """Two rings, one for each direction."""

    buffer = BUFFER

    def __init__(self, folder: str | None = None):
        self.down, self.up = Ring(), Ring()

    def ends(self, parent: bool):
        if parent:
            return self.down.send, lambda n: self.up.recv(min(n, CHUNK))
        return self.up.send, lambda n: self.down.recv(min(n, CHUNK))

    def close(self):
        self.down.close()
        self.up.close()


def in_child(work) -> int:
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def wait(pid: int) -> None:
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"a measuring child failed: status {status}")


def batch(channel_type, folder: str) -> tuple[float, float]:
    """One batch: ROUNDS round trips, then TOTAL bytes one way. Returns (seconds, bytes/s)."""
    channel = channel_type(folder)

    def echo():
        send, recv = channel.ends(parent=False)
        for _ in range(ROUNDS):
            send(read_exactly(recv, len(MESSAGE)))
        received = 0
        while received < TOTAL:
            received += len(recv(CHUNK))  # every byte is copied out, as a reader would
        send(b"done")

    pid = in_child(echo)
    send, recv = channel.ends(parent=True)
    start = time.perf_counter()
    for _ in range(ROUNDS):
        send(MESSAGE)
        read_exactly(recv, len(MESSAGE))
    latency = (time.perf_counter() - start) / ROUNDS
    block = b"y" * CHUNK
    start = time.perf_counter()
    for _ in range(TOTAL // CHUNK):
        send(block)
    read_exactly(recv, 4)  # the child has received everything
    throughput = TOTAL / (time.perf_counter() - start)
    wait(pid)
    channel.close()
    return latency, throughput


def signal_batch(_type, _folder) -> tuple[float, None]:
    """ROUNDS round trips of SIGUSR1: both sides block it and take it with sigwait (no handler)."""
    parent = os.getpid()

    def pong():
        for _ in range(ROUNDS):
            signal.sigwait({signal.SIGUSR1})
            os.kill(parent, signal.SIGUSR1)

    pid = in_child(pong)
    start = time.perf_counter()
    for _ in range(ROUNDS):
        os.kill(pid, signal.SIGUSR1)
        signal.sigwait({signal.SIGUSR1})
    latency = (time.perf_counter() - start) / ROUNDS
    wait(pid)
    return latency, None


MECHANISMS = {  # name: (how to measure one batch, channel type, needs a folder)
    "pipe": (batch, Pipes, False),
    "FIFO": (batch, Pipes, True),
    "socketpair": (batch, Sockets, False),
    "Unix stream socket": (batch, Sockets, True),
    "shared mapping + pipe": (batch, Mapping, False),
    "signal (SIGUSR1)": (signal_batch, None, False),
}

# Both processes of every measurement run on one CPU: the figures then measure the mechanism,
# not how quickly the machine wakes a process up on another CPU, which varies far more.
cpu = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {cpu})  # children inherit it, like the signal mask below
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})  # before any fork: children inherit
samples = {name: [] for name in MECHANISMS}
buffers = {}
names = list(MECHANISMS)
with tempfile.TemporaryDirectory() as folder:
    for repeat in range(WARMUP + REPEATS):
        shift = repeat % len(names)  # a different order in every repeat
        for name in names[shift:] + names[:shift]:
            measure, channel_type, needs_folder = MECHANISMS[name]
            result = measure(channel_type, folder if needs_folder else None)
            if repeat >= WARMUP:
                samples[name].append(result)
    for name, (_, channel_type, needs_folder) in MECHANISMS.items():
        if channel_type:
            channel = channel_type(folder if needs_folder else None)
            buffers[name] = channel.buffer
            channel.close()
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})


def summary(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


latency = {name: summary([s[0] * 1e6 for s in runs]) for name, runs in samples.items()}
rate = {name: summary([s[1] / 1e6 for s in runs]) for name, runs in samples.items()
        if runs[0][1] is not None}

print(f"Each figure: the median of {REPEATS} batches (after {WARMUP} warm-up batch), "
      f"with the fastest and the slowest batch.")
print(f"Round trip: {ROUNDS} messages of {len(MESSAGE)} bytes there and back per batch.")
print(f"Throughput: {TOTAL // 2**20} MiB one way per batch, in writes of {CHUNK // 1024} KiB, "
      f"every byte copied into the channel and out of it.")
print("Room in each channel (bytes): "
      + ", ".join(f"{name} {size}" for name, size in buffers.items()))
print()
print(f"{'':22} {'round trip (µs)':<24} {'throughput (MB/s)'}")
print(f"{'mechanism':22} {'median  fastest-slowest':<24} {'median  slowest-fastest'}")
for name, (median, low, high) in latency.items():
    if name in rate:
        r_median, r_low, r_high = rate[name]
        rate_text = f"{r_median:6.0f}  {r_low:.0f}-{r_high:.0f}"
    else:
        rate_text = "  (carries no data)"
    print(f"{name:22} {median:6.1f}  {f'{low:.1f}-{high:.1f}':<15} {rate_text}")

print()
print("round trip, median, shorter is better")
longest = max(median for median, _, _ in latency.values())
for name, (median, _, _) in latency.items():
    print(f"  {name:22} {'█' * max(1, round(40 * median / longest))} {median:.1f} µs")
print("throughput, median, longer is better")
highest = max(median for median, _, _ in rate.values())
for name, (median, _, _) in rate.items():
    print(f"  {name:22} {'█' * max(1, round(40 * median / highest))} {median:.0f} MB/s")

print()
pipe_latency, pipe_rate = latency["pipe"][0], rate["pipe"][0]
print(f"shortest round trip (median): {min(latency, key=lambda n: latency[n][0])}")
print(f"highest throughput (median): {max(rate, key=lambda n: rate[n][0])}")
print("round trip against a pipe's (medians): " + ", ".join(
    f"{name} {median / pipe_latency:.2f}" for name, (median, _, _) in latency.items()
    if name != "pipe"))
print("throughput against a pipe's (medians): " + ", ".join(
    f"{name} {median / pipe_rate:.2f}" for name, (median, _, _) in rate.items() if name != "pipe"))
