"""Measure each mechanism on this machine, fairly: same room, same copies, repeated."""
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

ROUNDS = 500  # round trips of a small message per batch
MESSAGE = b"x" * 64
TOTAL = 4 * 1024 * 1024  # bytes moved one way per batch
CHUNK = 64 * 1024  # size of each write in the transfer
BUFFER = 256 * 1024  # every channel gets this much room: 4 chunks in flight
WARMUP, REPEATS = 1, 7  # batches per mechanism: thrown away, then kept


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
        else:  # FIFOs: open both ends here without blocking, then make reads block
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
    """Connected Unix stream sockets: a socketpair, or a server and client on a path."""

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
        # Look the method up on every call, as the pipes' os.read does: a bound method
        # kept from the start would keep the build's recording wrapper, and its cost.
        return (lambda data: s.sendall(data)), (lambda n: s.recv(n))

    def close(self):
        self.a.close()
        self.b.close()


class Ring:
    """One direction through shared memory: slots of CHUNK bytes, a pipe byte per chunk
    for "ready" (to the receiver) and "free" (back to the sender)."""

    SLOTS = BUFFER // CHUNK

    def __init__(self):
        self.memory = mmap.mmap(-1, BUFFER)  # anonymous, MAP_SHARED: shared across fork
        self.ready = os.pipe()
        self.free = os.pipe()
        self.credits, self.sent, self.received = self.SLOTS, 0, 0

    def send(self, data: bytes) -> None:
        if self.credits == 0:  # every slot in use: wait until the receiver frees some
            self.credits = len(os.read(self.free[0], self.SLOTS))
        start = self.sent % self.SLOTS * CHUNK
        self.memory[start:start + len(data)] = data  # copy 1: into the shared memory
        self.sent += 1
        self.credits -= 1
        os.write(self.ready[1], b"!")

    def recv(self, n: int) -> bytes:
        os.read(self.ready[0], 1)
        start = self.received % self.SLOTS * CHUNK
        data = self.memory[start:start + n]  # copy 2: out of it, as read() from a pipe
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


def in_child(work, cpu: int) -> int:
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.sched_setaffinity(0, {cpu})
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def wait(pid: int) -> None:
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"a measuring child failed: status {status}")


def batch(channel_type, folder: str, cpu: int) -> tuple[float, float]:
    """ROUNDS round trips, then TOTAL bytes one way. Returns (seconds, bytes/s)."""
    channel = channel_type(folder)

    def echo():
        send, recv = channel.ends(parent=False)
        for _ in range(ROUNDS):
            send(read_exactly(recv, len(MESSAGE)))
        received = 0
        while received < TOTAL:
            received += len(recv(CHUNK))  # every byte is copied out, as a reader would
        send(b"done")

    pid = in_child(echo, cpu)
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


def signal_batch(_type, _folder, cpu: int) -> tuple[float, None]:
    """ROUNDS round trips of SIGUSR1, blocked on both sides and taken with sigwait."""
    parent = os.getpid()

    def pong():
        for _ in range(ROUNDS):
            signal.sigwait({signal.SIGUSR1})
            os.kill(parent, signal.SIGUSR1)

    pid = in_child(pong, cpu)
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

# The main table: both processes on one CPU. Each round trip then includes two context
# switches, and the figures vary less than when a process must be woken on another CPU.
# A second pass puts the child on another CPU, when the program may use two.
cpu, *others = sorted(os.sched_getaffinity(0))
os.sched_setaffinity(0, {cpu})
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})  # children inherit the mask
PLACES = {"one CPU": cpu, "two CPUs": others[0]} if others else {"one CPU": cpu}
samples = {place: {name: [] for name in MECHANISMS} for place in PLACES}
buffers = {}
names = list(MECHANISMS)
with tempfile.TemporaryDirectory() as folder:
    for repeat in range(WARMUP + REPEATS):
        shift = repeat % len(names)  # a different order in every repeat
        for name in names[shift:] + names[:shift]:
            measure, channel_type, needs_folder = MECHANISMS[name]
            for place, child_cpu in PLACES.items():
                where = folder if needs_folder else None
                result = measure(channel_type, where, child_cpu)
                if repeat >= WARMUP:
                    samples[place][name].append(result)
    for name, (_, channel_type, needs_folder) in MECHANISMS.items():
        if channel_type:
            channel = channel_type(folder if needs_folder else None)
            buffers[name] = channel.buffer
            channel.close()
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})


def summary(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def medians(runs: dict) -> tuple[dict, dict]:
    latency = {name: summary([s[0] * 1e6 for s in got]) for name, got in runs.items()}
    rate = {name: summary([s[1] / 1e6 for s in got]) for name, got in runs.items()
            if got[0][1] is not None}
    return latency, rate


latency, rate = medians(samples["one CPU"])

print(f"Each figure: the median of {REPEATS} batches (after {WARMUP} warm-up batch), "
      f"with the fastest and the slowest batch.")
print(f"Round trip: {ROUNDS} messages of {len(MESSAGE)} bytes there and back "
      f"per batch.")
print(f"Throughput: {TOTAL // 2**20} MiB one way per batch, "
      f"in writes of {CHUNK // 1024} KiB, "
      f"every byte copied into the channel and out of it.")
print("Python programs: each figure includes the interpreter's own work on both sides.")
print("Room in each channel (bytes): "
      + ", ".join(f"{name} {size}" for name, size in buffers.items()))
print()
print("Both processes on one CPU:")
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
    f"{name} {median / pipe_rate:.2f}" for name, (median, _, _) in rate.items()
    if name != "pipe"))
print()
if "two CPUs" in samples:
    apart, apart_rate = medians(samples["two CPUs"])
    print("The child on another CPU, round trip medians (µs): " + ", ".join(
        f"{name} {median:.1f}" for name, (median, _, _) in apart.items()))
    print("The child on another CPU, throughput medians (MB/s): " + ", ".join(
        f"{name} {median:.0f}" for name, (median, _, _) in apart_rate.items()))
else:
    print("The child on another CPU: not measured (this program may use one CPU only)")
